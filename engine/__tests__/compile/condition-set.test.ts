import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConditionSet, type Condition } from '../../src/index.js';

const leaf = fc.record({
  fact: fc.constantFrom('a', 'b', 'c', 'event.x'),
  operator: fc.constantFrom('equal', 'notEqual', 'greaterThan', 'lessThanInclusive', 'in', 'notIn', 'containsAny'),
  value: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 })),
});
const tree: fc.Arbitrary<Condition> = fc.letrec<{ node: Condition }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf as fc.Arbitrary<Condition>,
    fc.record({ all: fc.array(tie('node'), { maxLength: 3 }) }) as fc.Arbitrary<Condition>,
    fc.record({ any: fc.array(tie('node'), { maxLength: 3 }) }) as fc.Arbitrary<Condition>,
    fc.record({ not: tie('node') }) as fc.Arbitrary<Condition>,
  ),
})).node;
const facts = fc.record({
  a: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 })),
  b: fc.integer({ min: 0, max: 3 }),
  c: fc.constantFrom(0, 1, 'x', null),
  'event.x': fc.integer({ min: 0, max: 3 }),
});

describe('ConditionSet', () => {
  it('generated (shared memo) and closure-only sets answer as each condition alone does', () => {
    fc.assert(
      fc.property(fc.array(tree, { minLength: 1, maxLength: 6 }), facts, (conditions, f) => {
        const read = (name: string) => (f as Record<string, unknown>)[name];
        const generated = new ConditionSet();
        const closures = new ConditionSet({ maxGeneratedLeaves: 0 });
        const g = conditions.map((c) => generated.compile(c));
        const k = conditions.map((c) => closures.compile(c));
        generated.prepare();
        closures.prepare();
        const gm = generated.memo();
        const km = closures.memo();
        conditions.forEach((c, i) => {
          const alone = new ConditionSet().compile(c).evaluate(read, null);
          expect(g[i]!.evaluateIn(read, gm, null)).toBe(alone);
          expect(k[i]!.evaluateIn(read, km, null)).toBe(alone);
        });
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads each fact once per memo, however many conditions read it', () => {
    const set = new ConditionSet();
    const a = set.compile({ all: [{ fact: 'n', operator: 'greaterThan', value: 1 }] });
    const b = set.compile({
      any: [
        { fact: 'n', operator: 'lessThan', value: 10 },
        { fact: 'm', operator: 'equal', value: 1 },
      ],
    });
    set.prepare();
    const reads: string[] = [];
    const read = (name: string) => (reads.push(name), name === 'n' ? 5 : 1);
    const memo = set.memo();
    expect([a.evaluateIn(read, memo, null), b.evaluateIn(read, memo, null), a.evaluateIn(read, memo, null)]).toEqual([
      true,
      true,
      true,
    ]);
    expect(reads).toEqual(['n']);
    // A new event, a new memo: read again.
    a.evaluateIn(read, set.memo(), null);
    expect(reads).toEqual(['n', 'n']);
    expect(set.size).toEqual({ conditions: 2, facts: 2, leaves: 3 });
  });
});
