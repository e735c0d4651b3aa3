import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ENGINE_ERROR_CODES, PORT_ERROR_CODES, errorCodeInfo } from '@rulecord/engine';

const src = join(import.meta.dirname, '../../src');

test('the error-code list is closed: unique codes, each with a kind, a summary and a fix', () => {
  const codes = ENGINE_ERROR_CODES.map((c) => c.code);
  expect(new Set(codes).size).toBe(codes.length);
  for (const entry of ENGINE_ERROR_CODES) {
    expect(entry.code).toMatch(/^RC_[A-Z0-9_]+$/);
    expect(['user', 'transient', 'bug']).toContain(entry.kind);
    expect(entry.summary.length).toBeGreaterThan(10);
    expect(entry.fix.length).toBeGreaterThan(5);
    expect(errorCodeInfo(entry.code)).toBe(entry);
  }
  expect(errorCodeInfo('RC_NOT_A_CODE')).toBeUndefined();
});

test('every code the schema layer can emit is in the list', () => {
  const files = [
    ...readdirSync(join(src, 'schema')).map((f) => join(src, 'schema', f)),
    ...['registry.ts', 'template.ts', 'duration.ts'].map((f) => join(src, 'model', f)),
  ];
  const used = new Set<string>();
  for (const file of files) for (const m of readFileSync(file, 'utf8').matchAll(/'(RC_[A-Z0-9_]+)'/g)) used.add(m[1]!);
  expect(used.size).toBeGreaterThan(15);
  for (const code of used) expect(errorCodeInfo(code), code).toBeDefined();
});

test('the list is closed over engine/src: every code raised anywhere in the engine is in it, the ports’ included', () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );
  const raised = new Map<string, string>();
  // Code, not comments: TSDoc examples may name other packages' codes.
  const source = (file: string): string =>
    readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
  for (const file of files(src))
    for (const m of source(file).matchAll(/['"`](RC_[A-Z0-9_]+)['"`]/g))
      if (!raised.has(m[1]!)) raised.set(m[1]!, file.slice(src.length + 1));
  const unlisted = [...raised].filter(([code]) => errorCodeInfo(code) === undefined).map(([c, f]) => `${c} (${f})`);
  expect(unlisted).toEqual([]);
  // The ports' group is part of the one list, entry for entry.
  for (const entry of PORT_ERROR_CODES) expect(errorCodeInfo(entry.code)).toBe(entry);
});
