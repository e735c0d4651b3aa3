/**
 * json-rules-engine is the oracle: random condition trees over random fact sets must give the same truth value in
 * our compiled closures as in json-rules-engine's own `Rule.evaluate`, for every built-in operator and decorator.
 */
import { Almanac, Engine, Rule } from 'json-rules-engine';
import fc from 'fast-check';
import { dotted, factValue, tree } from './arbitraries.js';
import { describe, expect, it } from 'vitest';
import { ConditionSet, compileCondition, jreOperatorNames, type Condition } from '@rulecord/engine';

const engine = new Engine([], { allowUndefinedFacts: true, pathResolver: (v: object, p: string) => dotted(v, p) });

async function oracle(condition: Record<string, unknown>, facts: Record<string, unknown>): Promise<boolean | 'throws'> {
  // `setEngine` and `evaluate` are public in json-rules-engine's code but absent from its typings.
  const rule = new Rule({ conditions: condition as never, event: { type: 'x' } }) as Rule & {
    setEngine(engine: Engine): void;
    evaluate(almanac: Almanac): Promise<{ result: boolean }>;
  };
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
          // The eight trees also compiled together, as a rule set is: shared facts and leaves, generated code.
          const set = new ConditionSet();
          const inSet = conditions.map((c) => set.compile(c as unknown as Condition));
          const memo = set.memo();
          for (const [i, condition] of conditions.entries()) {
            const expected = await oracle(condition, facts);
            if (expected === 'throws') {
              oracleThrew++;
              continue;
            }
            const actual = compileCondition(condition as unknown as Condition).evaluate(read, null);
            if (actual !== expected) {
              throw new Error(
                `mismatch: ours ${String(actual)}, json-rules-engine ${String(expected)}\n${JSON.stringify({ condition, facts })}`,
              );
            }
            const shared = inSet[i]!.evaluateIn(read, memo, null);
            if (shared !== expected) {
              throw new Error(
                `mismatch (condition set): ours ${String(shared)}, json-rules-engine ${String(expected)}\n${JSON.stringify({ condition, facts })}`,
              );
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
    console.log(
      `differential: ${compared} compared, ${oracleThrew} skipped (json-rules-engine threw)`,
      Object.fromEntries(perOperator),
    );
    expect(compared).toBeGreaterThanOrEqual(10_000);
    for (const op of jreOperatorNames) expect(perOperator.get(op) ?? 0).toBeGreaterThan(500);
  });
});
