// The server's one closed list of error codes: every code its sources raise is in it (or in the engine, catalog or
// dsl list it re-raises), none is listed twice, and every listed code is still raised.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOG_ERROR_CODES } from '@rulecord/catalog';
import { DSL_ERROR_CODES } from '@rulecord/dsl';
import { ENGINE_ERROR_CODES } from '@rulecord/engine';
import { API_ERRORS, SERVER_ERROR_CODES } from '../src/index.js';

const src = fileURLToPath(new URL('../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const raised = new Map<string, string>();
for (const file of files(src).filter((f) => !f.endsWith('/src/errors.ts'))) {
  for (const m of readFileSync(file, 'utf8').matchAll(/['"`](RC_[A-Z0-9_]+)['"`]/g)) raised.set(m[1]!, file);
}
const listed = SERVER_ERROR_CODES.map((c) => c.code as string);

describe('SERVER_ERROR_CODES', () => {
  it('holds every code the server raises that no other package lists', () => {
    const others = new Set(
      [...ENGINE_ERROR_CODES, ...CATALOG_ERROR_CODES, ...DSL_ERROR_CODES].map((c): string => c.code),
    );
    const missing = [...raised.keys()].filter((code) => !others.has(code) && !listed.includes(code));
    expect(missing).toEqual([]);
  });

  it('lists each code once, and only codes the server still raises', () => {
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed.filter((code) => !raised.has(code))).toEqual([]);
  });

  it('holds the API answers with their statuses, and a fix for every other code', () => {
    expect(SERVER_ERROR_CODES.filter((c) => c.area === 'api').map((c) => [c.code, c.status])).toEqual(
      Object.entries(API_ERRORS).map(([code, e]) => [code, e.status]),
    );
    for (const c of SERVER_ERROR_CODES.filter((e) => e.area !== 'api')) {
      expect(c.status, c.code).toBeUndefined();
      expect(c.fix?.length ?? 0, c.code).toBeGreaterThan(10);
      expect(c.summary.length, c.code).toBeGreaterThan(20);
    }
  });
});
