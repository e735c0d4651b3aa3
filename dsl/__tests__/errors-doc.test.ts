import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_ERROR_CODES } from '@rulecord/engine';
import { DSL_ERROR_CODES } from '@rulecord/dsl';
import { codeGroups, renderErrorsDoc, root } from '../scripts/errors-doc.js';

const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
const documented = new Set([...doc.matchAll(/^\| `(RC_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]));

describe('docs/errors.md', () => {
  it('is up to date with every code list (run `npx tsx dsl/scripts/errors-doc.ts --write`)', async () => {
    // The list sections must match exactly; "Other codes" (codes raised outside any list) is informative.
    const lists = (text: string): string => text.split('\n## Other codes')[0] ?? text;
    expect(lists(doc)).toBe(lists(await renderErrorsDoc()));
  });

  it('lists every engine and dsl code exactly once, each with a fix', () => {
    for (const c of [...ENGINE_ERROR_CODES, ...DSL_ERROR_CODES]) {
      expect(documented.has(c.code), c.code).toBe(true);
      expect(doc.split(`| \`${c.code}\` |`).length - 1, c.code).toBe(1);
      expect(c.fix.length).toBeGreaterThan(10);
    }
  });

  it('has no code twice across the lists, and only well-formed codes', async () => {
    const all = (await codeGroups()).flatMap((g) => g.codes.map((c) => c.code));
    expect(new Set(all).size).toBe(all.length);
    for (const code of all) expect(code).toMatch(/^RC_[A-Z][A-Z0-9_]*$/);
  });

  it('documents every code this package emits', () => {
    const source = [
      'errors.ts',
      'files.ts',
      'check.ts',
      'fs.ts',
      'rule-tests.ts',
      'dsl/parse.ts',
      'dsl/visitor.ts',
      'dsl/print.ts',
      'yaml/source.ts',
    ]
      .map((f) => readFileSync(join(root, 'dsl', 'src', f), 'utf8'))
      .join('\n');
    for (const m of source.matchAll(/'(RC_[A-Z0-9_]+)'/g)) expect(documented.has(m[1] as string), m[1]).toBe(true);
  });
});
