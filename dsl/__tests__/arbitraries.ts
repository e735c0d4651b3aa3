import fc from 'fast-check';

// Generators of rule documents: every shape the document type allows, with names and values that stress quoting.
const word = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
export const kebab = fc.array(word, { minLength: 1, maxLength: 3 }).map((w) => w.join('-'));
export const dotted = fc.tuple(word, word).map(([a, b]) => `${a}.${b}`);
const oddString = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    'true',
    'null',
    'rule',
    'then',
    'guild',
    '10m',
    '1h30m',
    '-1',
    'a b',
    'é"\\\n',
    '__proto__',
    'in',
    'on',
    'thn',
    'mdoe',
    'a',
    'F',
  ),
);
const name = fc.oneof({ weight: 4, arbitrary: dotted }, { weight: 1, arbitrary: oddString });
const json = fc.jsonValue({ maxDepth: 2 });
const jsonObject = fc.dictionary(fc.oneof(word, oddString), json, { maxKeys: 4 });
const duration = fc.oneof(fc.constantFrom('30s', '10m', '1h', '2d', '1h30m', '250ms'), fc.nat(100000));
const limitKey = fc.constantFrom('user', 'channel', 'guild');

const leaf = fc.record(
  {
    fact: name,
    operator: fc.oneof(
      fc.constantFrom(
        'equal',
        'notEqual',
        'lessThan',
        'lessThanInclusive',
        'greaterThan',
        'greaterThanInclusive',
        'in',
        'notIn',
        'contains',
        'doesNotContain',
        'matches',
        'startsWith',
      ),
      oddString,
    ),
    value: fc.oneof(json, fc.record({ fact: dotted }, { requiredKeys: ['fact'] })),
    path: fc.oneof(word, fc.constantFrom('0.name', 'a.b', 'x y')),
    params: jsonObject,
  },
  { requiredKeys: ['fact', 'operator', 'value'] },
);

export const condition: fc.Arbitrary<unknown> = fc.letrec<{ c: unknown }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ all: fc.array(tie('c'), { maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('c'), { maxLength: 3 }) }),
    fc.record({ not: tie('c') }),
  ),
})).c;

const step = fc.oneof(
  fc.record({ wait: duration }),
  fc
    .tuple(
      name.filter((n) => !['retry', 'onError', 'as', 'wait'].includes(n)),
      fc.oneof({ weight: 3, arbitrary: jsonObject }, { weight: 1, arbitrary: json }),
      fc.record(
        {
          retry: fc.oneof(
            fc.record({ attempts: fc.nat(5), backoff: duration }, { requiredKeys: ['attempts'] }),
            fc.record({ backoff: duration }),
          ),
          onError: fc.constantFrom('stop', 'continue'),
          as: word,
        },
        { requiredKeys: [] },
      ),
    )
    .map(([action, params, options]) => ({ [action]: params, ...options })),
);

const idFilter = fc.record(
  { in: fc.array(fc.string(), { maxLength: 2 }), notIn: fc.array(fc.string(), { maxLength: 2 }) },
  { requiredKeys: [] },
);
const where = fc.record(
  {
    channel: idFilter,
    user: idFilter,
    roles: fc.record(
      {
        any: fc.array(word, { maxLength: 2 }),
        all: fc.array(word, { maxLength: 2 }),
        none: fc.array(word, { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
    bots: fc.boolean(),
  },
  { requiredKeys: [] },
);

export const rule = fc.record(
  {
    id: kebab,
    description: fc.string(),
    enabled: fc.boolean(),
    on: fc.oneof(dotted, fc.array(dotted, { maxLength: 3 })),
    where,
    if: condition,
    then: fc.array(step, { maxLength: 4 }),
    mode: fc.constantFrom('enforce', 'shadow'),
    limits: fc.record(
      {
        cooldown: fc.record({ per: limitKey, window: duration }),
        rate: fc.record({ per: limitKey, max: fc.nat(100), window: duration }),
      },
      { requiredKeys: [] },
    ),
    concurrency: fc.oneof(
      fc.constantFrom('parallel', 'drop', 'queue', 'restart'),
      fc.record({ mode: fc.constantFrom('drop', 'queue'), per: limitKey }, { requiredKeys: ['mode'] }),
    ),
    tags: fc.array(fc.oneof(word, fc.string()), { maxLength: 3 }),
  },
  { requiredKeys: ['id', 'on', 'then'] },
);

const use = fc.record(
  {
    id: kebab,
    use: fc.record(
      {
        template: fc.oneof(
          kebab,
          kebab.map((k) => `${k}@2`),
        ),
        inputs: jsonObject,
      },
      { requiredKeys: ['template'] },
    ),
    enabled: fc.boolean(),
    mode: fc.constantFrom('enforce', 'shadow'),
  },
  { requiredKeys: ['id', 'use'] },
);

export const ruleDocument = fc.record(
  {
    apiVersion: fc.constant('rulecord/v1'),
    kind: fc.constant('RuleSet'),
    guild: fc.oneof(fc.stringMatching(/^\d{17,19}$/), word),
    modules: fc.dictionary(word, jsonObject, { maxKeys: 3 }),
    rules: fc.array(fc.oneof({ weight: 4, arbitrary: rule }, { weight: 1, arbitrary: use }), { maxLength: 4 }),
  },
  { requiredKeys: ['apiVersion', 'kind', 'guild', 'rules'] },
);
