import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConditionSet, PENDING, type CompiledCondition, type Condition } from '../../src/index.js';

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

  it("a memo given back (release) and handed out again answers as a new one, for the next event's facts", () => {
    fc.assert(
      fc.property(
        fc.array(tree, { minLength: 1, maxLength: 6 }),
        fc.array(facts, { minLength: 2, maxLength: 4 }),
        (conditions, events) => {
          for (const set of [new ConditionSet(), new ConditionSet({ maxGeneratedLeaves: 0 })]) {
            const compiled = conditions.map((c) => set.compile(c));
            set.prepare();
            for (const f of events) {
              const read = (name: string) => (f as Record<string, unknown>)[name];
              const memo = set.memo();
              compiled.forEach((c, i) => {
                expect(c.evaluateIn(read, memo, null)).toBe(
                  new ConditionSet().compile(conditions[i]!).evaluate(read, null),
                );
              });
              set.release(memo);
              // The next event gets this memo back, reset.
              expect(set.memo()).toBe(memo);
              set.release(memo);
            }
          }
        },
      ),
      { numRuns: 1_000 },
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

  /** What a program must answer: each step alone, in order, up to the first one that is not quiet. */
  function stepwise(
    steps: { where: CompiledCondition | null; condition: CompiledCondition | null }[],
    read: (name: string) => unknown,
    whereRead: (name: string) => unknown,
    from: number,
  ): { stop: number; out: number[] } {
    const out: number[] = [];
    for (let k = from; k < steps.length; k++) {
      const { where, condition } = steps[k]!;
      try {
        if (where !== null) {
          const w = where.evaluate(whereRead, null);
          if (w === PENDING) return { stop: k, out };
          if (w === false) {
            out.push(0);
            continue;
          }
        }
        if (condition === null || condition.evaluate(read, null) !== false) return { stop: k, out };
        out.push(1);
      } catch {
        return { stop: k, out };
      }
    }
    return { stop: steps.length, out };
  }

  it('a program stops at the first step that is not quiet, with the outcomes of the quiet ones (generated and closures)', () => {
    // Facts may be PENDING (`p`) or throw (`t`); `where` filters read their own facts.
    const programLeaf = fc.record({
      fact: fc.constantFrom('a', 'b', 'c', 'event.x', 'p', 't'),
      operator: fc.constantFrom('equal', 'notEqual', 'greaterThan', 'in', 'containsAny'),
      value: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 })),
    }) as fc.Arbitrary<Condition>;
    const programTree: fc.Arbitrary<Condition> = fc.oneof(
      programLeaf,
      fc.record({ all: fc.array(programLeaf, { maxLength: 3 }) }) as fc.Arbitrary<Condition>,
      fc.record({ any: fc.array(programLeaf, { maxLength: 3 }) }) as fc.Arbitrary<Condition>,
      fc.record({ not: programLeaf }) as fc.Arbitrary<Condition>,
    );
    const whereTree = fc.record({
      fact: fc.constantFrom('w1', 'w2'),
      operator: fc.constant('equal'),
      value: fc.boolean(),
    });
    const step = fc.record({
      where: fc.option(whereTree, { nil: null }),
      condition: fc.option(programTree, { nil: null }),
    });
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 8 }),
        facts,
        fc.record({ w1: fc.boolean(), w2: fc.boolean() }),
        fc.nat(9),
        (steps, f, w, fromRaw) => {
          const read = (name: string) => {
            if (name === 'p') return PENDING;
            if (name === 't') throw new Error('fact failed');
            return (f as Record<string, unknown>)[name];
          };
          const whereRead = (name: string) => (w as Record<string, unknown>)[name];
          const from = fromRaw % (steps.length + 1);
          for (const maxGeneratedLeaves of [undefined, 0]) {
            const set = new ConditionSet(maxGeneratedLeaves === undefined ? {} : { maxGeneratedLeaves });
            const compiled = steps.map((s) => ({
              where: s.where === null ? null : set.compile(s.where as Condition),
              condition: s.condition === null ? null : set.compile(s.condition),
            }));
            const program = set.program(compiled);
            set.prepare();
            const out = new Uint8Array(steps.length).fill(9);
            const stop = program.run(read, whereRead, set.memo(), from, out);
            const expected = stepwise(compiled, read, whereRead, from);
            expect(stop).toBe(expected.stop);
            expect([...out.slice(from, stop)]).toEqual(expected.out);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('a program refuses a condition compiled by another set', () => {
    const other = new ConditionSet().compile({ fact: 'a', operator: 'equal', value: 1 });
    expect(() => new ConditionSet().program([{ where: null, condition: other }])).toThrow(/another set/);
  });
});
