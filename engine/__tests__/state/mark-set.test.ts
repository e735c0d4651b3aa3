import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarkSet, markHash } from '../../src/state/memory.js';

describe('MarkSet (one generation of marks of the in-process store)', () => {
  it('property: answers as a Set through growth and clears, including keys whose hashes collide', () => {
    // A few hashes only (the low bits of `markHash` masked), so keys collide and probe past each other.
    const collide = (key: string) => (markHash(key) & 0x7) | 1;
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(
          fc.oneof(
            { weight: 8, arbitrary: fc.record({ op: fc.constant('add' as const), key: fc.string({ maxLength: 6 }) }) },
            { weight: 4, arbitrary: fc.record({ op: fc.constant('has' as const), key: fc.string({ maxLength: 6 }) }) },
            { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const), key: fc.constant('') }) },
          ),
          { minLength: 200, maxLength: 600 },
        ),
        (colliding, ops) => {
          const hash = colliding ? collide : markHash;
          const set = new MarkSet();
          const model = new Set<string>();
          for (const { op, key } of ops) {
            if (op === 'add') {
              expect(set.add(key, hash(key))).toBe(!model.has(key));
              model.add(key);
            } else if (op === 'has') expect(set.has(key, hash(key))).toBe(model.has(key));
            else {
              set.clear();
              model.clear();
            }
            expect(set.size).toBe(model.size);
          }
          for (const key of model) expect(set.has(key, hash(key))).toBe(true);
        },
      ),
    );
  });

  it('grows past thousands of keys and finds every one, and none it was not given', () => {
    const set = new MarkSet();
    for (let i = 0; i < 20_000; i++) expect(set.add(`e${i}`, markHash(`e${i}`))).toBe(true);
    expect(set.size).toBe(20_000);
    for (let i = 0; i < 20_000; i++) expect(set.has(`e${i}`, markHash(`e${i}`))).toBe(true);
    for (let i = 20_000; i < 21_000; i++) expect(set.has(`e${i}`, markHash(`e${i}`))).toBe(false);
    expect(markHash('')).not.toBe(0);
  });
});
