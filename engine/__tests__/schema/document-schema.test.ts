import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  RulecordError,
  checkRegistrySchemas,
  compiledRegistry,
  createAjv,
  createRegistry,
  defineModule,
  documentSchema,
  hasPlaceholder,
  placeholderSpans,
  placeholderTolerant,
  validateRuleSet,
  type JsonSchema,
} from '@rulecord/engine';
import { testModules } from './fixtures/modules.js';
import { doc, registry, rule } from './helpers.js';

type Obj = Record<string, any>;

describe('documentSchema', () => {
  const schema = documentSchema(registry) as Obj;

  test('every test module schema compiles', () => {
    expect(() => checkRegistrySchemas(registry)).not.toThrow();
  });

  test('is built and compiled once per registry', () => {
    expect(documentSchema(registry)).toBe(schema);
    expect(compiledRegistry(registry)).toBe(compiledRegistry(registry));
    expect(documentSchema(createRegistry(testModules))).not.toBe(schema);
  });

  test('offers every action as a step key, with its description, and a params schema', () => {
    const step = schema.$defs.step;
    expect(Object.keys(step.properties)).toEqual(
      expect.arrayContaining([
        'retry',
        'onError',
        'as',
        'wait',
        'message.delete',
        'message.send',
        'member.warn',
        'ai.reply',
      ]),
    );
    expect(step.properties['message.send']).toEqual({
      $ref: '#/$defs/params:message.send',
      description: 'Sends a message.',
    });
    expect(step.properties['ai.reply'].description).toBe('Answers. (premium)');
    expect(step.additionalProperties).toBe(false);
  });

  test('offers events, facts, module settings and template references', () => {
    expect(schema.$defs.eventName.anyOf.map((e: Obj) => e.const)).toEqual([
      'message.create',
      'message.update',
      'member.join',
      'xp.levelUp',
    ]);
    expect(schema.$defs.factName.anyOf.map((f: Obj) => f.const ?? f.pattern)).toContain('message.capsRatio');
    expect(Object.keys(schema.$defs.modules.properties)).toEqual(['discord', 'spam', 'ai', 'xp']);
    expect(schema.$defs.templateUse.properties.use.properties.template.enum).toEqual([
      'anti-spam@1',
      'anti-spam@2',
      'anti-spam',
      'ai-helper@1',
      'ai-helper',
    ]);
  });

  test('compiles on its own (what an editor or another tool does) and judges documents like validateRuleSet', () => {
    const validate = createAjv().compile(schema);
    const good = doc([
      rule({ then: [{ 'member.timeout': { user: '{{ author.id }}', duration: '{{ event.minutes }}' } }] }),
    ]);
    expect(validate(good)).toBe(true);
    expect(validate(doc([rule({ then: [{ 'message.delet': {} }] })]))).toBe(false);
    expect(validate(doc([rule({ then: [{ 'message.delete': {}, 'member.warn': { user: '1' } }] })]))).toBe(false);
    expect(validate(doc([rule({ then: [{ 'member.warn': { user: 5 } }] })]))).toBe(false);
    expect(validate(doc([rule({ on: 'nope.nope' })]))).toBe(false);
    expect(validate(doc([{ id: 'u', use: { template: 'anti-spam@2', inputs: { max: 'x' } } }]))).toBe(false);
  });

  test('module schemas keep their own $id and internal refs', () => {
    const refs = defineModule({
      id: 'refs',
      version: '1.0.0',
      name: 'Refs',
      description: 'Schemas with internal refs.',
      settings: {
        $id: 'urn:refs-settings',
        $defs: { level: { type: 'integer', minimum: 1 } },
        type: 'object',
        properties: { min: { $ref: '#/$defs/level' } },
      },
      actions: [
        {
          name: 'refs.do',
          description: 'Does.',
          params: {
            type: 'object',
            definitions: { n: { type: 'integer' } },
            properties: { n: { $ref: '#/definitions/n' } },
          },
          run: async () => {},
        },
      ],
    });
    const r = createRegistry([...testModules, refs]);
    const ok = doc([rule({ then: [{ 'refs.do': { n: 3 } }] })], { modules: { refs: { min: 2 } } });
    expect(validateRuleSet(ok, r, { tier: 'free' }).problems).toEqual([]);
    const bad = doc([rule({ then: [{ 'refs.do': { n: 'x' } }] })], { modules: { refs: { min: 0 } } });
    expect(validateRuleSet(bad, r, { tier: 'free' }).problems.map((p) => `${p.code} @ ${p.pointer}`)).toEqual([
      'RC_BAD_PARAM @ /rules/0/then/0/refs.do/n',
      'RC_BAD_SETTINGS @ /modules/refs/min',
    ]);
    expect(createAjv().compile(documentSchema(r))(ok)).toBe(true);
  });

  test('a module schema that does not compile is a bug named by its place (RC_REGISTRY_BAD_SCHEMA)', () => {
    const broken = defineModule({
      id: 'broken',
      version: '1.0.0',
      name: 'Broken',
      description: 'Broken.',
      actions: [{ name: 'broken.act', description: 'x', params: { type: 'nope' }, run: async () => {} }],
    });
    const r = createRegistry([broken]);
    expect(() => documentSchema(r)).not.toThrow(); // building the schema compiles nothing
    expect(() => checkRegistrySchemas(r)).toThrow(RulecordError);
    expect(() => compiledRegistry(r).document).toThrow(/action `broken.act`/);
    try {
      checkRegistrySchemas(r);
    } catch (e) {
      expect((e as RulecordError).code).toBe('RC_REGISTRY_BAD_SCHEMA');
      expect((e as RulecordError).kind).toBe('bug');
      expect((e as RulecordError).message).toContain('action `broken.act`');
    }
  });
});

describe('placeholderTolerant', () => {
  const compile = (s: JsonSchema) => createAjv().compile(placeholderTolerant(s) as JsonSchema);

  test('a placeholder passes wherever a rendered value is checked; literals are checked as before', () => {
    const v = compile({
      type: 'object',
      required: ['n'],
      additionalProperties: false,
      properties: {
        n: { type: 'integer', minimum: 1 },
        e: { enum: ['a', 'b'] },
        p: { type: 'string', pattern: '^\\d+$' },
        list: { type: 'array', items: { type: 'integer' } },
      },
    });
    expect(v({ n: '{{ event.n }}', e: '{{ x.y }}', p: '<#{{ channel.id }}>', list: ['{{ a.b }}', 2] })).toBe(true);
    expect(v({ n: 0 })).toBe(false);
    expect(v({ n: 'three' })).toBe(false);
    expect(v({ n: 1, e: 'c' })).toBe(false);
    expect(v({ n: 1, list: ['x'] })).toBe(false);
    expect(v({ e: 'a' })).toBe(false); // required is still required
    expect(v({ n: 1, other: '{{ x.y }}' })).toBe(false); // unknown keys are still unknown
    expect(v('{{ event.params }}')).toBe(true);
  });

  test('plain strings and annotations are left as they are', () => {
    expect(placeholderTolerant({ type: 'string', description: 'd' })).toEqual({ type: 'string', description: 'd' });
    const wrapped = placeholderTolerant({ type: 'integer', description: 'How many' }) as Obj;
    expect(wrapped.description).toBe('How many');
    expect(wrapped.else).toEqual({ type: 'integer', description: 'How many' });
  });
});

describe('placeholders are found in linear time', () => {
  test('placeholderSpans finds exactly what /\\{\\{([\\s\\S]*?)\\}\\}/g finds', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('{', '}', 'a', ' ', '.'), maxLength: 40 }), (text) => {
        const expected = [...text.matchAll(/\{\{([\s\S]*?)\}\}/g)].map((m) => ({
          start: m.index,
          end: m.index + m[0].length,
          expression: m[1],
        }));
        expect(placeholderSpans(text)).toEqual(expected);
        expect(hasPlaceholder(text)).toBe(expected.length > 0);
      }),
      { numRuns: 2000 },
    );
  });

  test('a huge string of unclosed `{{` does not stall validation', () => {
    const braces = '{'.repeat(200_000);
    const started = performance.now();
    const result = validateRuleSet(
      doc([
        rule({
          then: [
            { 'message.send': { channel: braces, content: `{{ author.id }} ${braces}` } },
            { 'role.add': { user: '1', role: '2', days: braces } },
          ],
        }),
      ]),
      registry,
      { tier: 'free' },
    );
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(result.problems.map((p) => `${p.code} @ ${p.pointer}`)).toEqual([
      'RC_BAD_PARAM @ /rules/0/then/0/message.send/channel',
      // `content` holds a placeholder: its length is only known once rendered.
      'RC_BAD_PARAM @ /rules/0/then/1/role.add/days',
    ]);
  });

  test('schema patterns run on RE2: a module pattern RE2 cannot run is a bug of that module', () => {
    const lookahead = defineModule({
      id: 'look',
      version: '1.0.0',
      name: 'Look',
      description: 'Lookahead.',
      actions: [
        {
          name: 'look.do',
          description: 'x',
          params: { type: 'object', properties: { a: { type: 'string', pattern: '^(?=a)a$' } } },
          run: async () => {},
        },
      ],
    });
    expect(() => checkRegistrySchemas(createRegistry([lookahead]))).toThrow(/params of action `look.do`/);
  });
});
