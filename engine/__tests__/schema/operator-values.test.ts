// Operators whose value may be an object (`matches` with `{ pattern, flags }`, `equal` / `contains` of an object…):
// a whole document holding one must validate exactly as `checkCondition` and `compileCondition` judge the condition
// on its own — the document's schema, the placeholder-tolerant parts and the last-word core schema included.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  builtinOperators,
  checkCondition,
  compileCondition,
  compiledRegistry,
  createRegistry,
  defineModule,
  defineTemplate,
  validateRuleSet,
  type Condition,
  type Problem,
} from '@rulecord/engine';
import { testModules } from './fixtures/modules.js';
import { doc, registry, rule } from './helpers.js';

type Leaf = { fact: string; operator: string; value: unknown };
const summary = (problems: readonly Problem[]): string[] =>
  problems.map((p) => `${p.severity} ${p.code} @ ${p.pointer}`);
const withRule = (condition: unknown): Record<string, unknown> => doc([rule({ if: condition })]);

const flagSets = ['', 'i', 'm', 's', 'u', 'im', 'is', 'imsu'];
const candidateObjects: unknown[] = [
  {},
  { a: 1 },
  { pattern: 'discord\\.gg/\\w+' },
  ...flagSets.map((flags) => ({ pattern: 'discord\\.gg/\\w+', flags })),
  { nested: { list: [1, 'two', null] } },
];
/** Every operator that accepts at least one object as its value (its value schema says so, not a hand-kept list). */
const objectOperators = [...builtinOperators.values()].filter((op) =>
  candidateObjects.some(
    (value) =>
      checkCondition({ fact: 'message.content', operator: op.name, value }, '').filter((p) => p.severity === 'error')
        .length === 0,
  ),
);

describe('a `matches` condition with `{ pattern, flags }` in a whole document', () => {
  const leaf: Leaf = {
    fact: 'message.content',
    operator: 'matches',
    value: { pattern: '(?:https?://)?discord\\.gg/\\w+', flags: 'i' },
  };

  test.each([
    ['a leaf', leaf],
    ['inside all', { all: [leaf] }],
    ['inside any (an any-of-matches alternation)', { any: [leaf, { ...leaf, value: { pattern: 'free\\s*nitro' } }] }],
    ['under not', { not: leaf }],
    ['next to a string pattern', { any: [leaf, { ...leaf, value: 'discord\\.com/invite' }] }],
  ])('%s: valid for validateRuleSet, the full document schema and the compiler', (_name, condition) => {
    expect(checkCondition(condition, '/rules/0/if')).toEqual([]);
    expect(() => compileCondition(condition as Condition)).not.toThrow();
    const document = withRule(condition);
    const result = validateRuleSet(document, registry, { tier: 'free' });
    expect(summary(result.problems)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(compiledRegistry(registry).document(document)).toBe(true);
  });

  test('in a template rule, with the pattern and flags as inputs', () => {
    const module = defineModule({
      id: 'invites',
      version: '1.0.0',
      name: 'Invites',
      description: 'Invite links.',
      templates: [
        defineTemplate({
          id: 'no-invites',
          version: 1,
          name: 'No invites',
          description: 'Deletes invite links.',
          inputs: {
            type: 'object',
            properties: { pattern: { type: 'string', default: 'discord\\.gg/\\w+' }, flags: { type: 'string' } },
          },
          rules: [
            {
              id: 'links',
              on: 'message.create',
              if: {
                any: [
                  leaf as Condition,
                  {
                    fact: 'message.content',
                    operator: 'matches',
                    value: { pattern: '{{ inputs.pattern }}', flags: '{{ inputs.flags }}' },
                  },
                ],
              },
              then: [{ 'message.delete': {} }],
            },
          ],
        }),
      ],
    });
    const withTemplate = createRegistry([...testModules, module]);
    const document = doc([{ id: 'invites', use: { template: 'no-invites@1', inputs: { flags: 'i' } } }]);
    const result = validateRuleSet(document, withTemplate, { tier: 'free' });
    expect(summary(result.problems)).toEqual([]);
    expect(compiledRegistry(withTemplate).document(document)).toBe(true);
    // A flag the operator refuses is reported once, at the use entry (where instantiated rules' problems go).
    const bad = validateRuleSet(
      doc([{ id: 'invites', use: { template: 'no-invites@1', inputs: { flags: 'x' } } }]),
      withTemplate,
      { tier: 'free' },
    );
    expect(summary(bad.problems)).toEqual(['error RC_BAD_OPERATOR_VALUE @ /rules/0/use']);
  });

  test('a wrong `{ pattern, flags }` is one problem at the value, as checkCondition reports it', () => {
    const cases: [unknown, string][] = [
      [{ pattern: 'a', flags: 'g' }, 'RC_BAD_OPERATOR_VALUE'],
      [{ pattern: 'a', flag: 'i' }, 'RC_BAD_OPERATOR_VALUE'],
      [{ flags: 'i' }, 'RC_BAD_OPERATOR_VALUE'],
      [{ pattern: '(?=a)b', flags: 'i' }, 'RC_INVALID_REGEX'],
      [{ pattern: '(a+)+$', flags: 'i' }, 'RC_UNSAFE_REGEX'],
    ];
    for (const [value, code] of cases) {
      const condition = { fact: 'message.content', operator: 'matches', value };
      const result = validateRuleSet(withRule(condition), registry, { tier: 'free' });
      const found = result.problems.filter((p) => p.severity === 'error');
      expect(
        found.map((p) => p.code),
        JSON.stringify(value),
      ).toEqual([code]);
      // At the value or inside it (`/value/flags` once checkCondition names the part that is wrong).
      expect(found[0]?.pointer, JSON.stringify(value)).toMatch(/^\/rules\/0\/if\/value(\/|$)/);
      expect(summary(result.problems), JSON.stringify(value)).toEqual(
        summary(checkCondition(condition, '/rules/0/if')),
      );
    }
  });
});

describe('every operator whose value may be an object', () => {
  test('is found from the operators’ value schemas (a new one is covered without editing this test)', () => {
    expect(objectOperators.map((op) => op.name).sort()).toEqual(
      expect.arrayContaining(['contains', 'doesNotContain', 'equal', 'matches', 'notEqual']),
    );
  });

  // Objects as a rule author writes them: no `fact` key (that makes a fact reference, checked separately).
  const plainObject = fc
    .dictionary(
      fc.string({ maxLength: 8 }).filter((k) => k !== 'fact'),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 4 },
    )
    .filter((o) => !Object.hasOwn(o, 'fact'));
  const regexSpec = fc.record(
    {
      pattern: fc.oneof(
        fc.constantFrom('discord\\.gg/\\w+', '^!\\w+', 'f+r+e+e+\\s*n+i+t+r+o+', '\\d{2,4}', '[a-z]+\\.(?:exe|bat)$'),
        fc.string({ maxLength: 12 }),
      ),
      flags: fc.oneof(fc.constantFrom(...flagSets), fc.string({ maxLength: 3 })),
    },
    { requiredKeys: ['pattern'] },
  );
  const objectValue = fc.oneof(
    plainObject,
    regexSpec,
    fc.tuple(regexSpec, plainObject).map(([a, b]) => ({ ...b, ...a })),
  );
  const leafOf = fc.record({
    fact: fc.constantFrom('message.content', 'author.roles', 'event.content'),
    operator: fc.constantFrom(...objectOperators.map((op) => op.name)),
    value: objectValue,
  });
  const condition = fc.oneof(
    leafOf,
    fc.array(leafOf, { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
    fc.array(leafOf, { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
    leafOf.map((not) => ({ not })),
  );

  test('the document reports exactly the condition’s own problems; accepted ones compile and fit the full schema', () => {
    const full = compiledRegistry(registry).document;
    fc.assert(
      fc.property(condition, (c) => {
        const own = checkCondition(c, '/rules/0/if');
        const document = withRule(c);
        const result = validateRuleSet(document, registry, { tier: 'free' });
        expect(summary(result.problems)).toEqual(summary(own));
        const accepted = !own.some((p) => p.severity === 'error');
        expect(result.ok).toBe(accepted);
        if (accepted) {
          expect(() => compileCondition(c as Condition)).not.toThrow();
          expect(full(document)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
