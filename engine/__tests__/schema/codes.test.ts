import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ENGINE_ERROR_CODES, errorCodeInfo } from '@rulecord/engine';

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
