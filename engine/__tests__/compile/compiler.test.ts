import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PENDING, RulecordError, compileCondition, getPath, type Condition, type LeafResult } from '@rulecord/engine';
import { factValue, tree } from './arbitraries.js';

const facts = fc.record({ f0: factValue, f1: factValue, f2: factValue, f3: factValue, f4: factValue });
const asCondition = (c: unknown) => c as Condition;

describe('compileCondition', () => {
  it('evaluates all / any / not with short-circuit and reads only what it needs', () => {
    const c = compileCondition({
      all: [
        { fact: 'a', operator: 'equal', value: 1 },
        {
          any: [
            { fact: 'b', operator: 'greaterThan', value: 5 },
            { not: { fact: 'c', operator: 'in', value: ['x', 'y'] } },
          ],
        },
      ],
    });
    const reads: string[] = [];
    const read = (values: Record<string, unknown>) => (name: string) => {
      reads.push(name);
      return values[name];
    };
    expect(c.evaluate(read({ a: 1, b: 6, c: 'x' }), null)).toBe(true);
    expect(reads).toEqual(['a', 'b']);
    reads.length = 0;
    expect(c.evaluate(read({ a: 2 }), null)).toBe(false);
    expect(reads).toEqual(['a']);
    reads.length = 0;
    expect(c.evaluate(read({ a: 1, b: 1, c: 'x' }), null)).toBe(false);
    expect(c.evaluate(read({ a: 1, b: 1, c: 'z' }), null)).toBe(true);
    expect([...c.facts].sort()).toEqual(['a', 'b', 'c']);
  });

  it('follows json-rules-engine on empty lists: `all: []` and `any: []` are both true', () => {
    expect(compileCondition({ all: [] }).evaluate(() => undefined, null)).toBe(true);
    expect(compileCondition({ any: [] }).evaluate(() => undefined, null)).toBe(true);
    expect(compileCondition({ not: { any: [] } }).evaluate(() => undefined, null)).toBe(false);
  });

  it('reads dotted paths, and passes a non-object fact value through unchanged (json-rules-engine)', () => {
    const c = compileCondition({ fact: 'author', path: 'roles.1', operator: 'equal', value: 'mod' });
    expect(c.evaluate(() => ({ roles: ['member', 'mod'] }), null)).toBe(true);
    expect(c.evaluate(() => ({ roles: ['member'] }), null)).toBe(false);
    expect(
      compileCondition({ fact: 'x', path: 'a.b', operator: 'equal', value: 'plain' }).evaluate(() => 'plain', null),
    ).toBe(true);
    expect(getPath({ a: { constructor: 1 } }, 'a.constructor')).toBe(1);
    expect(getPath({}, 'constructor')).toBeUndefined();
    expect(getPath({ a: 'hello' }, 'a.length')).toBe(5);
  });

  it('compares with another fact through `value: { fact, path }`', () => {
    const c = compileCondition({
      fact: 'msg',
      path: 'author',
      operator: 'notEqual',
      value: { fact: 'guild', path: 'ownerId' },
    });
    expect(c.evaluate((n) => (n === 'msg' ? { author: 'u1' } : { ownerId: 'u1' }), null)).toBe(false);
    expect(c.evaluate((n) => (n === 'msg' ? { author: 'u2' } : { ownerId: 'u1' }), null)).toBe(true);
    expect([...c.facts].sort()).toEqual(['guild', 'msg']);
  });

  it('hands `params` to the reader as the same frozen object on every call', () => {
    const seen: unknown[] = [];
    const c = compileCondition({ fact: 'spam.count', params: { windowSec: 10 }, operator: 'greaterThan', value: 3 });
    const read = (_: string, params: unknown) => {
      seen.push(params);
      return 4;
    };
    c.evaluate(read, null);
    c.evaluate(read, null);
    expect(seen[0]).toEqual({ windowSec: 10 });
    expect(seen[0]).toBe(seen[1]);
    expect(Object.isFrozen(seen[0])).toBe(true);
  });

  it('records every evaluated leaf with its pointer when asked', () => {
    const c = compileCondition(
      {
        all: [
          { fact: 'a', operator: 'greaterThan', value: 1 },
          { fact: 'b', path: 'x', operator: 'equal', value: 'y' },
        ],
      },
      { pointer: '/rules/0/if' },
    );
    const leaves: LeafResult[] = [];
    expect(c.evaluate((n) => (n === 'a' ? 2 : { x: 'z' }), leaves)).toBe(false);
    expect(leaves).toEqual([
      { pointer: '/rules/0/if/all/0', fact: 'a', operator: 'greaterThan', expected: 1, actual: 2, result: true },
      {
        pointer: '/rules/0/if/all/1',
        fact: 'b',
        path: 'x',
        operator: 'equal',
        expected: 'y',
        actual: 'z',
        result: false,
      },
    ]);
  });

  it('throws RulecordError with a pointer on a malformed condition', () => {
    const cases: [unknown, string, string][] = [
      [{ all: [{ fact: 'a', operator: 'nope', value: 1 }] }, 'RC_UNKNOWN_OPERATOR', '/if/all/0/operator'],
      [{ all: [{ fact: 'a', operator: 'equal' }] }, 'RC_BAD_CONDITION', '/if/all/0'],
      [{ not: [] }, 'RC_BAD_CONDITION', '/if/not'],
      [{ any: { fact: 'a' } }, 'RC_BAD_CONDITION', '/if/any'],
      [{ fact: 'a', operator: 'equal', value: 1, path: '$.a' }, 'RC_BAD_PATH', '/if/path'],
    ];
    for (const [condition, code, pointer] of cases) {
      try {
        compileCondition(asCondition(condition), { pointer: '/if' });
        expect.unreachable(`${JSON.stringify(condition)} compiled`);
      } catch (e) {
        expect(e).toBeInstanceOf(RulecordError);
        expect((e as RulecordError).code).toBe(code);
        expect((e as RulecordError).pointer).toBe(pointer);
      }
    }
    let deep: unknown = { fact: 'a', operator: 'equal', value: 1 };
    for (let i = 0; i < 40; i++) deep = { not: deep };
    expect(() => compileCondition(asCondition(deep))).toThrow(/nested/);
  });

  it('property: the PENDING protocol (resolve the pending fact, call again) gives the direct result', () => {
    fc.assert(
      fc.property(facts, tree, (values, condition) => {
        const c = compileCondition(asCondition(condition));
        const direct = c.evaluate((n) => (values as Record<string, unknown>)[n], null);
        const resolved = new Map<string, unknown>();
        let rounds = 0;
        let result: boolean | typeof PENDING;
        let pendingName = '';
        const read = (n: string) => {
          if (!resolved.has(n)) {
            pendingName = n;
            return PENDING;
          }
          return resolved.get(n);
        };
        while ((result = c.evaluate(read, null)) === PENDING) {
          expect(c.facts.has(pendingName)).toBe(true);
          expect(resolved.has(pendingName)).toBe(false);
          resolved.set(pendingName, (values as Record<string, unknown>)[pendingName]);
          rounds++;
        }
        expect(result).toBe(direct);
        expect(rounds).toBeLessThanOrEqual(c.facts.size);
      }),
      { numRuns: 2_000 },
    );
  });

  it('property: recording leaves does not change the result, and the leaves explain it', () => {
    fc.assert(
      fc.property(facts, tree, (values, condition) => {
        const c = compileCondition(asCondition(condition));
        const read = (n: string) => (values as Record<string, unknown>)[n];
        const leaves: LeafResult[] = [];
        const withLeaves = c.evaluate(read, leaves);
        expect(withLeaves).toBe(c.evaluate(read, null));
        for (const leaf of leaves) expect(c.facts.has(leaf.fact)).toBe(true);
        expect(leaves.length).toBeLessThanOrEqual(JSON.stringify(condition).split('"operator"').length - 1);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe('`any` of `matches` leaves on one fact (run as one RE2 alternation)', () => {
  const patterns = ['f+r+e+e+', '^abc', 'x$', '(?P<n>a)b', '(?P<n>c)d', 'a|b', '[0-9]{3}', '\\bword\\b', '(', 'é+'];
  it('property: same answer as each pattern on its own, with or without leaf recording', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...patterns), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('', 'i'),
        fc.oneof(
          fc.string({ maxLength: 12 }),
          fc.constantFrom('FREE stuff', 'abc', 'tax', 'cd', 'ab', '123', 'a word.', 'éé', 42, null),
        ),
        (list, flags, text) => {
          const c = compileCondition({
            any: list.map((pattern) => ({ fact: 'm', operator: 'matches', value: { pattern, flags } })),
          });
          const leaves: LeafResult[] = [];
          const fast = c.evaluate(() => text, null);
          expect(c.evaluate(() => text, leaves)).toBe(fast);
          const expected = list.some(
            (pattern) =>
              compileCondition({ fact: 'm', operator: 'matches', value: { pattern, flags } }).evaluate(
                () => text,
                null,
              ) === true,
          );
          expect(fast).toBe(expected);
          expect(leaves.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('keeps PENDING: the combined leaf asks for its fact like the separate ones', () => {
    const c = compileCondition({
      any: [
        { fact: 'm', operator: 'matches', value: 'a' },
        { fact: 'm', operator: 'matches', value: 'b' },
      ],
    });
    expect(c.evaluate(() => PENDING, null)).toBe(PENDING);
  });
});
