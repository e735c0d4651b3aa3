import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { PORT_ERROR_CODES } from '@rulecord/engine';

const src = join(import.meta.dirname, '../../src');

test('every code the ports emit is in PORT_ERROR_CODES, each with a kind, a summary and a fix, none twice', () => {
  const listed = new Map<string, (typeof PORT_ERROR_CODES)[number]>(PORT_ERROR_CODES.map((c) => [c.code, c]));
  expect(listed.size).toBe(PORT_ERROR_CODES.length);
  const used = new Set<string>();
  for (const dir of ['state', 'timers', 'clock', 'discord']) {
    for (const file of readdirSync(join(src, dir))) {
      if (file === 'codes.ts') continue;
      for (const m of readFileSync(join(src, dir, file), 'utf8').matchAll(/'(RC_[A-Z0-9_]+)'/g)) used.add(m[1]!);
    }
  }
  expect([...used].filter((code) => !listed.has(code))).toEqual([]);
  expect([...listed.keys()].filter((code) => !used.has(code))).toEqual([]);
  for (const c of PORT_ERROR_CODES) {
    expect(['user', 'transient', 'bug']).toContain(c.kind);
    expect(c.summary.length).toBeGreaterThan(10);
    expect(c.fix.length).toBeGreaterThan(5);
  }
});
