// fast-check arbitraries for condition trees and fact sets, shared by the compile tests.
import fc from 'fast-check';
import { jreOperatorNames } from '@rulecord/engine';

export const FACTS = ['f0', 'f1', 'f2', 'f3', 'f4', 'missing'] as const;
const KEYS = ['a', 'b', '0', '1', 'length'] as const;
const DECORATORS = ['not', 'someFact', 'everyFact', 'someValue', 'everyValue', 'swap'] as const;

/** An independent dotted-path reader for json-rules-engine (its default is JSONPath, which we do not support). */
export function dotted(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const seg of path.split('.')) {
    if (cur === null || cur === undefined) return undefined;
    if (Array.isArray(cur))
      cur = seg === 'length' ? cur.length : /^(0|[1-9]\d*)$/.test(seg) ? cur[Number(seg)] : undefined;
    else if (typeof cur === 'object')
      cur = Object.prototype.hasOwnProperty.call(cur, seg) ? (cur as Record<string, unknown>)[seg] : undefined;
    else if (typeof cur === 'string' && seg === 'length') cur = cur.length;
    else return undefined;
  }
  return cur;
}

// Small pools, so that equal values, coercions (`'1' < 2`) and edge cases (NaN, -0, '') meet often.
export const primitive = fc.oneof(
  { arbitrary: fc.integer({ min: -1, max: 2 }), weight: 4 },
  { arbitrary: fc.constantFrom(0.5, -0, 1e21, Number.NaN, Infinity, -Infinity), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      '',
      'a',
      'ab',
      '1',
      '2',
      ' 1',
      '1x',
      'x1',
      '-1',
      '0.5',
      'NaN',
      'Infinity',
      'true',
      'null',
      'undefined',
      'a,b',
      '[object Object]',
    ),
    weight: 3,
  },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
);
export const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: primitive, weight: 8 },
    { arbitrary: fc.array(tie('v'), { maxLength: 4 }), weight: 2 },
    { arbitrary: fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 3 }), weight: 2 },
  ),
})).v;
export const factValue = fc.option(value, { nil: undefined, freq: 8 });
const path = fc.option(
  fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 3 }).map((s) => s.join('.')),
  { nil: undefined, freq: 2 },
);
const operator = fc.oneof(
  { arbitrary: fc.constantFrom(...jreOperatorNames), weight: 6 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom(...DECORATORS), fc.constantFrom(...jreOperatorNames))
      .map(([d, o]) => `${d}:${o}`),
    weight: 2,
  },
  {
    arbitrary: fc
      .tuple(fc.constantFrom(...DECORATORS), fc.constantFrom(...DECORATORS), fc.constantFrom(...jreOperatorNames))
      .map(([d, e, o]) => `${d}:${e}:${o}`),
    weight: 1,
  },
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
export const leaf = operator.chain((op) =>
  fc.record(
    {
      fact: fc.constantFrom(...FACTS),
      operator: fc.constant(op),
      value: valueFor(op),
      path,
      priority: fc.integer({ min: 1, max: 3 }),
    },
    { requiredKeys: ['fact', 'operator', 'value'] },
  ),
);
export const tree: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{
  node: Record<string, unknown>;
  bool: Record<string, unknown>;
}>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: leaf as fc.Arbitrary<Record<string, unknown>>, weight: 3 },
    { arbitrary: tie('bool'), weight: 2 },
  ),
  bool: fc.oneof(
    fc.array(tie('node'), { maxLength: 4 }).map((all) => ({ all })),
    fc.array(tie('node'), { maxLength: 4 }).map((any) => ({ any })),
    tie('node').map((not) => ({ not })),
  ),
})).bool;
