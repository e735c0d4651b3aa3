import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENGINE_ERROR_CODES, RulecordError } from '@rulecord/engine';
import { CATALOG_ERROR_CODES, catalogError } from '../src/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('catalog error codes', () => {
  const listed = CATALOG_ERROR_CODES.map((c) => c.code);

  it('are unique, RC_CATALOG_-prefixed and distinct from the engine’s', () => {
    expect(new Set(listed).size).toBe(listed.length);
    for (const code of listed) expect(code).toMatch(/^RC_CATALOG_[A-Z_]+$/);
    const engine = new Set(ENGINE_ERROR_CODES.map((c) => c.code as string));
    for (const code of listed) expect(engine.has(code)).toBe(false);
  });

  it('the list, the code and the README agree', () => {
    const used = new Set(
      sources(join(ROOT, 'src'))
        .filter((p) => !p.endsWith('errors.ts'))
        .flatMap((p) => [...readFileSync(p, 'utf8').matchAll(/'(RC_CATALOG_[A-Z_]+)'/g)].map((m) => m[1] as string)),
    );
    expect([...used].sort()).toEqual([...listed].sort());
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const documented = [...readme.matchAll(/^\| `(RC_CATALOG_[A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual([...listed].sort());
  });

  it('catalogError takes kind and fix from the list', () => {
    const error = catalogError('RC_CATALOG_TIMEOUT_TOO_LONG', 'too long');
    expect(error).toBeInstanceOf(RulecordError);
    expect(error).toMatchObject({
      code: 'RC_CATALOG_TIMEOUT_TOO_LONG',
      kind: 'user',
      fix: 'Use a duration of at most `28d`, or `member.ban` for longer.',
    });
    expect(catalogError('RC_CATALOG_NO_TARGET', 'x', { fix: 'Set `user`.' }).fix).toBe('Set `user`.');
  });
});
