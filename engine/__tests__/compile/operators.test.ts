import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinOperators, checkCondition, compileCondition, resolveOperator, type Condition } from '@rulecord/engine';
import { value } from './arbitraries.js';

const test = (operator: string, actual: unknown, expected: unknown): boolean =>
  compileCondition({ fact: 'x', operator, value: expected as never } as Condition).evaluate(
    () => actual,
    null,
  ) as boolean;

describe('our operators', () => {
  const table: [string, unknown, unknown, boolean][] = [
    ['exists', 'a', true, true],
    ['exists', null, true, false],
    ['exists', undefined, false, true],
    ['isEmpty', [], true, true],
    ['isEmpty', {}, true, true],
    ['isEmpty', 'x', true, false],
    ['isEmpty', 0, false, true],
    ['between', 5, [1, 5], true],
    ['between', 6, [1, 5], false],
    ['between', '3', [1, 5], false],
    ['equalIgnoreCase', 'HeLLo', 'hello', true],
    ['equalIgnoreCase', 'x', ['A', 'X'], true],
    ['equalIgnoreCase', 1, ['1'], false],
    ['startsWith', '!ban @x', '!', true],
    ['startsWith', '?ban', ['!', '/'], false],
    ['endsWith', 'virus.exe', ['.exe', '.bat'], true],
    ['containsText', 'join DISCORD.GG/abc', 'discord.gg/', true],
    ['containsText', 'hello', ['x', 'y'], false],
    ['containsAnyWord', 'you are a SCAMMER', ['scammer'], true],
    ['containsAnyWord', 'a classic', ['ass'], false],
    ['containsAnyWord', 'get FREE   nitro now', ['free nitro'], true],
    ['containsAnyWord', 'élan vital', ['élan'], true],
    ['containsAnyWord', 'xélan', ['élan'], false],
    ['containsAnyWord', 'a.b', ['a.b'], true],
    ['containsAnyWord', 'axb', ['a.b'], false],
    ['matches', 'visit discord.gg/abc', '(?:discord\\.gg|discord\\.com/invite)/\\w+', true],
    ['matches', 'DISCORD.GG/abc', { pattern: 'discord\\.gg', flags: 'i' }, true],
    ['matches', 'DISCORD.GG/abc', { pattern: 'discord\\.gg' }, false],
    ['matches', 42, '4', false],
    ['containsAny', ['a', 'b'], ['b', 'c'], true],
    ['containsAny', ['a'], ['b', 'c'], false],
    ['containsAll', ['a', 'b', 'c'], ['a', 'c'], true],
    ['containsAll', ['a'], ['a', 'c'], false],
    ['containsNone', ['a'], ['b'], true],
    ['containsNone', 'a', ['b'], false],
    ['hasRole', ['r1', 'r2'], 'r2', true],
    ['hasRole', ['r1', 'r2'], ['r3', 'r1'], true],
    ['hasRole', ['r1'], ['r3', 'r4'], false],
    ['hasRole', undefined, 'r1', false],
    ['hasAllRoles', ['r1', 'r2'], ['r1', 'r2'], true],
    ['hasAllRoles', ['r1'], ['r1', 'r2'], false],
    ['lengthEqual', '👍👍', 2, true],
    ['lengthGreaterThan', 'abcd', 3, true],
    ['lengthGreaterThan', [1, 2], 3, false],
    ['lengthLessThan', '', 1, true],
    ['lengthLessThan', 5, 1, false],
    ['not:hasRole', ['r1'], 'r2', true],
    ['someFact:startsWith', ['abc', 'xyz'], 'x', true],
    ['everyFact:greaterThan', [2, 3], 1, true],
    ['everyFact:greaterThan', [2, 0], 1, false],
  ];
  it.each(table)('%s(%j, %j) is %s', (operator, actual, expected, result) => {
    expect(test(operator, actual, expected)).toBe(result);
    const op = resolveOperator(operator)!;
    expect(op.evaluate(actual, expected)).toBe(result);
  });

  it('has an example and a description for every built-in, each example passing checkCondition', () => {
    for (const op of builtinOperators.values()) {
      expect(op.description.length).toBeGreaterThan(10);
      expect(op.example, op.name).toBeDefined();
      expect(checkCondition({ fact: op.example!.fact, operator: op.name, value: op.example!.value }, '')).toEqual([]);
    }
  });

  it('property: `compile` (constant values pre-processed at load) agrees with `evaluate`, and nothing throws', () => {
    const names = [...builtinOperators.keys()];
    const list = fc.array(fc.oneof(value, fc.constantFrom('a', 'b', 'r1', 'word', 'x y')), { maxLength: 12 });
    fc.assert(
      fc.property(
        fc.constantFrom(...names, ...names.map((n) => `not:${n}`), ...names.map((n) => `someFact:${n}`)),
        fc.oneof(value, list, fc.constantFrom('Word here', 'a b', ['r1', 'r2'], 'X Y z')),
        fc.oneof(value, list, fc.constantFrom('x', 'word', { pattern: 'a+', flags: 'i' }, [1, 3], 2)),
        (name, actual, expected) => {
          const op = resolveOperator(name)!;
          const viaEvaluate = op.evaluate(actual, expected);
          const viaCompile = op.compile ? op.compile(expected)(actual) : viaEvaluate;
          expect(viaCompile).toBe(viaEvaluate);
          expect(typeof viaEvaluate).toBe('boolean');
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it("property: a compiled leaf (inlined or not) answers as the operator's `evaluate`", () => {
    const names = [...builtinOperators.keys()];
    const small = fc.array(fc.oneof(value, fc.constantFrom('a', 'r1', 0, -0, 1)), { maxLength: 10 });
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.oneof(value, small),
        fc.oneof(value, small),
        (name, actual, expected) => {
          if (
            expected !== null &&
            typeof expected === 'object' &&
            Object.prototype.hasOwnProperty.call(expected, 'fact')
          )
            return;
          const viaLeaf = compileCondition({
            fact: 'x',
            operator: name,
            value: expected as never,
          } as Condition).evaluate(() => actual, null);
          // compileCondition keeps a structured clone of the value (plain JSON, prototypes dropped)
          expect(viaLeaf).toBe(builtinOperators.get(name)!.evaluate(actual, structuredClone(expected)));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('turns long `in` lists into a Set with the same answers (strict equality, -0 equals 0)', () => {
    const list = Array.from({ length: 50 }, (_, i) => `id${i}`).concat([0 as never]);
    expect(test('in', 'id49', list)).toBe(true);
    expect(test('in', 'id50', list)).toBe(false);
    expect(test('in', -0, list)).toBe(true);
    expect(test('notIn', '0', list)).toBe(true);
  });
});

describe('docs/operators.md', () => {
  it('documents every built-in operator and decorator under a heading', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../../docs/operators.md', import.meta.url), 'utf8');
    const headings = doc
      .split('\n')
      .filter((l) => l.startsWith('### '))
      .join('\n');
    for (const name of builtinOperators.keys()) expect(headings, name).toContain(`\`${name}\``);
    for (const d of ['not', 'someFact', 'everyFact', 'someValue', 'everyValue', 'swap'])
      expect(headings).toContain(`\`${d}:\``);
  });
});
