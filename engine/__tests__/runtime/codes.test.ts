import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { RUNTIME_CODES, errorCodeInfo } from '../../src/index.js';

const src = join(import.meta.dirname, '../../src');

test('every code the runtime, traces and simulator can emit is in the engine error-code list', () => {
  const used = new Set<string>(Object.values(RUNTIME_CODES));
  for (const dir of ['runtime', 'trace', 'simulator']) {
    for (const f of readdirSync(join(src, dir))) {
      for (const m of readFileSync(join(src, dir, f), 'utf8').matchAll(/'(RC_[A-Z0-9_]+)'/g)) used.add(m[1]!);
    }
  }
  expect(used.size).toBeGreaterThan(10);
  for (const code of used) expect(errorCodeInfo(code), code).toBeDefined();
});
