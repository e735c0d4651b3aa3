/**
 * json-rules-engine is the oracle: random condition trees over random fact sets must give the same truth value in
 * our compiled closures as in json-rules-engine's own `Rule.evaluate`, for every built-in operator and decorator.
 */
import { Almanac, Engine, Rule } from 'json-rules-engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCondition, jreOperatorNames, type Condition } from '@rulecord/engine';

const FACTS = ['f0', 'f1', 'f2', 'f3', 'f4', 'missing'] as const;
const KEYS = ['a', 'b', '0', '1', 'length'] as const;
const DECORATORS = ['not', 'someFact', 'everyFact', 'someValue', 'everyValue', 'swap'] as const;

/** An independent dotted-path reader for json-rules-engine (its default is JSONPath, which we do not support). */
function dotted(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const seg of path.split('.')) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur)) cur = seg === 'length' ? cur.length : /^(0|[1-9]\d*)$/.test(seg) ? cur[Number(seg)] : undefined;
    else if (typeof cur === 'object') cur = Object.prototype.hasOwnProperty.call(cur, seg) ? (cur as Record<string, unknown>)[seg] : undefined;
    else if (typeof cur === 'string' && seg === 'length') cur = cur.length;
    else return undefined;
  }
  return cur;
}

// Small pools, so that equal values, coercions (`'1' < 2`) and edge cases (NaN, -0, '') meet often.
const primitive = fc.oneof(
  { arbitrary: fc.integer({ min: -1, max: 2 }), weight: 4 },
  { arbitrary: fc.constantFrom(0.5, -0, 1e21, Number.NaN, Infinity, -Infinity), weight: 1 },
  { arbitrary: fc.constantFrom('', 'a', 'ab', '1', '2', ' 1', '1x', 'x1', '-1', '0.5', 'NaN', 'Infinity', 'true', 'null', 'undefined', 'a,b', '[object Object]'), weight: 3 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
);
const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: primitive, weight: 8 },
    { arbitrary: fc.array(tie('v'), { maxLength: 4 }), weight: 2 },
    { arbitrary: fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 3 }), weight: 2 },
  ),
})).v;
const factValue = fc.option(value, { nil: undefined, freq: 8 });
const path = fc.option(
  fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 3 }).map((s) => s.join('.')),
  { nil: undefined, freq: 2 },
);
const operator = fc.oneof(
  { arbitrary: fc.constantFrom(...jreOperatorNames), weight: 6 },
  { arbitrary: fc.tuple(fc.constantFrom(...DECORATORS), fc.constantFrom(...jreOperatorNames)).map(([d, o]) => `${d}:${o}`), weight: 2 },
  { arbitrary: fc.tuple(fc.constantFrom(...DECORATORS), fc.constantFrom(...DECORATORS), fc.constantFrom(...jreOperatorNames)).map(([d, e, o]) => `${d}:${e}:${o}`), weight: 1 },
);
/** Values shaped for the operator most of the time (a list for `in`, `someValue:`…), anything at all otherwise. */
function valueFor(op: string): fc.Arbitrary<unknown> {
  const wantsList = /(^|:)(in|notIn)$/.test(op) || /^(someValue|everyValue):/.test(op);
  return fc.oneof(
    { arbitrary: value, weight: wantsList ? 1 : 4 },
    { arbitrary: fc.array(primitive, { minLength: 6, maxLength: 12 }), weight: wantsList ? 3 : 0 },
    { arbitrary: fc.array(value, { maxLength: 5 }), weight: wantsList ? 3 : 1 },
    { arbitrary: fc.record({ fact: fc.constantFrom(...FACTS), path }, { requiredKeys: ['fact'] }), weight: 1 },
  );
}
const leaf = operator.chain((op) =>
  fc.record(
    { fact: fc.constantFrom(...FACTS), operator: fc.constant(op), value: valueFor(op), path, priority: fc.integer({ min: 1, max: 3 }) },
    { requiredKeys: ['fact', 'operator', 'value'] },
  ),
);
const tree: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ node: Record<string, unknown>; bool: Record<string, unknown> }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, { arbitrary: leaf as fc.Arbitrary<Record<string, unknown>>, weight: 3 }, { arbitrary: tie('bool'), weight: 2 }),
  bool: fc.oneof(
    fc.array(tie('node'), { maxLength: 4 }).map((all) => ({ all })),
    fc.array(tie('node'), { maxLength: 4 }).map((any) => ({ any })),
    tie('node').map((not) => ({ not })),
  ),
})).bool;

function strip(value: unknown): unknown {
  // Rule conditions are deep-cloned by json-rules-engine; keep them plain JSON-ish but leave NaN/undefined as they are.
  return value;
}

const engine = new Engine([], { allowUndefinedFacts: true, pathResolver: (v: object, p: string) => dotted(v, p) });

async function oracle(condition: Record<string, unknown>, facts: Record<string, unknown>): Promise<boolean | 'throws'> {
  const rule = new Rule({ conditions: strip(condition) as never, event: { type: 'x' } });
  rule.setEngine(engine);
  const almanac = new Almanac({ allowUndefinedFacts: true, pathResolver: (v: object, p: string) => dotted(v, p) });
  for (const [k, v] of Object.entries(facts)) if (v !== undefined) almanac.addFact(k, v);
  try {
    const result = await rule.evaluate(almanac);
    return result.result;
  } catch {
    return 'throws';
  }
}

describe('compiled conditions agree with json-rules-engine', () => {
  it('on at least 10,000 random condition trees and fact sets', { timeout: 120_000 }, async () => {
    let compared = 0;
    let oracleThrew = 0;
    const perOperator = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(
        fc.record({ f0: factValue, f1: factValue, f2: factValue, f3: factValue, f4: factValue }),
        fc.array(tree, { minLength: 8, maxLength: 8 }),
        async (facts, conditions) => {
          const read = (name: string) => (facts as Record<string, unknown>)[name];
          for (const condition of conditions) {
            const expected = await oracle(condition, facts);
            if (expected === 'throws') {
              oracleThrew++;
              continue;
            }
            const actual = compileCondition(condition as unknown as Condition).evaluate(read, null);
            if (actual !== expected) {
              throw new Error(`mismatch: ours ${String(actual)}, json-rules-engine ${String(expected)}\n${JSON.stringify({ condition, facts })}`);
            }
            compared++;
            JSON.stringify(condition).replace(/"operator":"([^"]+)"/g, (_, op: string) => {
              perOperator.set(op.split(':').pop()!, (perOperator.get(op.split(':').pop()!) ?? 0) + 1);
              return '';
            });
          }
        },
      ),
      { numRuns: 2_000, seed: Number(process.env.FC_SEED ?? 20261125) },
    );
    console.log(`differential: ${compared} compared, ${oracleThrew} skipped (json-rules-engine threw)`, Object.fromEntries(perOperator));
    expect(compared).toBeGreaterThanOrEqual(10_000);
    for (const op of jreOperatorNames) expect(perOperator.get(op) ?? 0).toBeGreaterThan(500);
  });
});
