import { describe, expect, test } from 'vitest';
import { createRegistry, validateRuleSet } from '@rulecord/engine';
import { testModules } from './fixtures/modules.js';
import { doc, errors, problems, registry, rule } from './helpers.js';

const message = (document: unknown, tier: 'free' | 'premium' = 'free'): string =>
  problems(document, tier)[0]?.message ?? '';

describe('a valid document', () => {
  test('validates with no problems and resolves its rules', () => {
    const result = validateRuleSet(
      doc(
        [
          rule({
            id: 'no-shouting',
            description: 'Delete messages that are mostly capitals',
            where: { channel: { notIn: ['223344'] }, roles: { none: ['mods'] }, bots: false },
            if: {
              all: [
                { fact: 'message.capsRatio', operator: 'greaterThan', value: 0.7 },
                { fact: 'message.length', operator: 'greaterThanInclusive', value: 10 },
              ],
            },
            then: [
              { 'message.delete': {} },
              { 'member.warn': { user: '{{ author.id }}', reason: 'Too many capitals' } },
            ],
            mode: 'enforce',
            limits: { cooldown: { per: 'user', window: '30s' } },
          }),
        ],
        { modules: { spam: { maxMentions: 4 } } },
      ),
      registry,
      { tier: 'free' },
    );
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.ruleSet.guild).toBe('112233');
    expect(result.ruleSet.rules.map((r) => [r.id, r.pointer])).toEqual([['no-shouting', '/rules/0']]);
    expect(result.ruleSet.modules.spam).toEqual({ maxMentions: 4, exempt: [] });
  });

  test('does not modify the document it is given', () => {
    const input = doc([rule()], { modules: { spam: {} } });
    const copy = structuredClone(input);
    validateRuleSet(input, registry, { tier: 'free' });
    expect(input).toEqual(copy);
  });
});

describe('the document envelope', () => {
  test.each([
    [5, ['RC_BAD_DOCUMENT @ ']],
    [null, ['RC_BAD_DOCUMENT @ ']],
    [[], ['RC_BAD_DOCUMENT @ ']],
    [{ kind: 'RuleSet', guild: '1', rules: [] }, ['RC_BAD_DOCUMENT @ ']],
    [{ apiVersion: 'rulecord/v2', kind: 'RuleSet', guild: '1', rules: [] }, ['RC_BAD_DOCUMENT @ /apiVersion']],
    [{ apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: 5, rules: [] }, ['RC_BAD_DOCUMENT @ /guild']],
    [{ apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: '1', rules: {} }, ['RC_BAD_DOCUMENT @ /rules']],
    [{ apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: '1', rules: [], rule: [] }, ['RC_BAD_DOCUMENT @ /rule']],
  ])('%j → %j', (input, expected) => {
    expect(errors(input)).toEqual(expected);
  });

  test('says which field is missing and suggests the near miss', () => {
    expect(message({ kind: 'RuleSet', guild: '1', rules: [] })).toBe('Missing field `apiVersion`.');
    expect(message({ apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: '1', rules: [], rule: [] })).toContain(
      'Did you mean `rules`?',
    );
    expect(message({ apiVersion: 'rulecord/v2', kind: 'RuleSet', guild: '1', rules: [] })).toBe(
      'Field `apiVersion` must be `rulecord/v1`, not the text "rulecord/v2".',
    );
  });
});

describe('rules', () => {
  test.each([
    ['not an object', 'x', ['RC_BAD_RULE @ /rules/0']],
    ['id not kebab-case', rule({ id: 'No_Shouting' }), ['RC_BAD_RULE_ID @ /rules/0/id']],
    ['missing then', { id: 'r', on: 'message.create' }, ['RC_BAD_RULE @ /rules/0']],
    ['empty then', rule({ then: [] }), ['RC_BAD_RULE @ /rules/0/then']],
    ['unknown field', rule({ tgas: ['x'] }), ['RC_BAD_RULE @ /rules/0/tgas']],
    ['bad mode', rule({ mode: 'shadw' }), ['RC_BAD_RULE @ /rules/0/mode']],
    ['bad enabled', rule({ enabled: 'yes' }), ['RC_BAD_RULE @ /rules/0/enabled']],
    [
      'where channel not a list',
      rule({ where: { channel: { in: '1' } } }),
      ['RC_BAD_RULE @ /rules/0/where/channel/in'],
    ],
    ['where unknown key', rule({ where: { channels: { in: ['1'] } } }), ['RC_BAD_RULE @ /rules/0/where/channels']],
    ['where roles unknown', rule({ where: { roles: { some: ['1'] } } }), ['RC_BAD_RULE @ /rules/0/where/roles/some']],
    [
      'bad limit key',
      rule({ limits: { cooldown: { per: 'member', window: '1m' } } }),
      ['RC_BAD_RULE @ /rules/0/limits/cooldown/per'],
    ],
    [
      'rate without max',
      rule({ limits: { rate: { per: 'user', window: '1m' } } }),
      ['RC_BAD_RULE @ /rules/0/limits/rate'],
    ],
    ['bad concurrency', rule({ concurrency: 'sometimes' }), ['RC_BAD_RULE @ /rules/0/concurrency']],
    [
      'bad concurrency object',
      rule({ concurrency: { mode: 'drop', per: 'role' } }),
      ['RC_BAD_RULE @ /rules/0/concurrency/per'],
    ],
    ['duplicate tag', rule({ tags: ['a', 'a'] }), ['RC_BAD_RULE @ /rules/0/tags']],
    ['on is a number', rule({ on: 5 }), ['RC_BAD_RULE @ /rules/0/on']],
  ])('%s', (_name, entry, expected) => {
    expect(errors(doc([entry]))).toEqual(expected);
  });

  test('messages name the field, the rule and the fix', () => {
    expect(message(doc([rule({ tgas: ['x'] })]))).toBe('Unknown field `tgas` of rule `r`. Did you mean `tags`?');
    expect(message(doc([rule({ mode: 'shadw' })]))).toBe(
      'Field `mode` of rule `r` must be one of `enforce`, `shadow`, not the text "shadw". Did you mean `shadow`?',
    );
    expect(message(doc([rule({ concurrency: 'sometimes' })]))).toContain(
      'must be one of `parallel`, `drop`, `queue`, `restart`',
    );
    expect(message(doc([rule({ id: 'No_Shouting' })]))).toContain('kebab-case');
  });

  test('duplicate ids: the second one is reported, pointing at the first', () => {
    expect(errors(doc([rule({ id: 'a' }), rule({ id: 'b' }), rule({ id: 'a' })]))).toEqual([
      'RC_DUPLICATE_RULE_ID @ /rules/2/id',
    ]);
    expect(message(doc([rule({ id: 'a' }), rule({ id: 'a' })]))).toBe('The id `a` is already used by /rules/0.');
    expect(errors(doc([rule({ id: 'spam' }), { id: 'spam', use: { template: 'anti-spam@1' } }]))).toEqual([
      'RC_DUPLICATE_RULE_ID @ /rules/1/id',
    ]);
  });
});

describe('events', () => {
  test('an unknown event, with a suggestion', () => {
    expect(errors(doc([rule({ on: 'message.craete' })]))).toEqual(['RC_UNKNOWN_EVENT @ /rules/0/on']);
    expect(message(doc([rule({ on: 'message.craete' })]))).toMatch(
      /^Unknown event `message.craete`. Did you mean `message.create`/,
    );
    expect(errors(doc([rule({ on: ['message.create', 'member.jion'] })]))).toEqual([
      'RC_UNKNOWN_EVENT @ /rules/0/on/1',
    ]);
  });
});

describe('conditions', () => {
  const leaf = (l: Record<string, unknown>): Record<string, unknown> => rule({ if: { all: [l] } });

  test('an unknown fact, with a suggestion', () => {
    expect(errors(doc([leaf({ fact: 'message.lenght', operator: 'greaterThan', value: 1 })]))).toEqual([
      'RC_UNKNOWN_FACT @ /rules/0/if/all/0/fact',
    ]);
    expect(message(doc([leaf({ fact: 'message.lenght', operator: 'greaterThan', value: 1 })]))).toMatch(
      /^Unknown fact `message.lenght`. Did you mean `message.length`/,
    );
  });

  test('an unknown fact in a `{ fact }` value', () => {
    expect(
      errors(doc([leaf({ fact: 'message.length', operator: 'greaterThan', value: { fact: 'xp.levl' } })])),
    ).toEqual(['RC_UNKNOWN_FACT @ /rules/0/if/all/0/value/fact']);
  });

  test('event.<path> and now are always facts', () => {
    expect(
      errors(
        doc([
          rule({
            if: {
              any: [
                { fact: 'event.content', operator: 'equal', value: 'x' },
                { not: { fact: 'now', operator: 'lessThan', value: 5 } },
              ],
            },
          }),
        ]),
      ),
    ).toEqual([]);
  });

  test('a fact not available on the trigger event', () => {
    const r = rule({
      on: ['message.create', 'member.join'],
      then: [{ 'member.warn': { user: '1' } }],
      if: { all: [{ fact: 'message.length', operator: 'greaterThan', value: 1 }] },
    });
    expect(errors(doc([r]))).toEqual(['RC_FACT_NOT_ON_EVENT @ /rules/0/if/all/0/fact']);
    expect(message(doc([r]))).toBe(
      'The fact `message.length` is not available on `member.join`; it is available on `message.create`, `message.update`.',
    );
  });

  test('fact params are checked against the fact’s params schema', () => {
    expect(errors(doc([leaf({ fact: 'spam.recentMessages', operator: 'greaterThan', value: 5 })]))).toEqual([
      'RC_BAD_FACT_PARAMS @ /rules/0/if/all/0',
    ]);
    expect(
      errors(
        doc([leaf({ fact: 'spam.recentMessages', params: { window: 'soon' }, operator: 'greaterThan', value: 5 })]),
      ),
    ).toEqual(['RC_BAD_FACT_PARAMS @ /rules/0/if/all/0/params/window']);
    expect(
      errors(doc([leaf({ fact: 'message.length', params: { x: 1 }, operator: 'greaterThan', value: 5 })])),
    ).toEqual(['RC_BAD_FACT_PARAMS @ /rules/0/if/all/0/params']);
    expect(
      errors(
        doc([leaf({ fact: 'spam.recentMessages', params: { window: '10s' }, operator: 'greaterThan', value: 5 })]),
      ),
    ).toEqual([]);
  });

  test('operators and shapes are checked by checkCondition (engine-conditions)', () => {
    expect(errors(doc([leaf({ fact: 'message.length', operator: 'greaterThen', value: 1 })]))).toEqual([
      'RC_UNKNOWN_OPERATOR @ /rules/0/if/all/0/operator',
    ]);
    expect(errors(doc([rule({ if: { all: 'x' } })]))).toEqual(['RC_BAD_CONDITION @ /rules/0/if/all']);
  });
});

describe('steps', () => {
  const step = (s: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> =>
    rule({ then: [s], ...overrides });

  test.each([
    ['not an object', 'message.delete', ['RC_BAD_STEP @ /rules/0/then/0']],
    ['no action', { onError: 'continue' }, ['RC_BAD_STEP @ /rules/0/then/0']],
    ['two actions', { 'message.delete': {}, 'member.warn': { user: '1' } }, ['RC_BAD_STEP @ /rules/0/then/0']],
    [
      'a parameter beside its action',
      { 'member.warn': { user: '1' }, reason: 'x' },
      ['RC_BAD_STEP @ /rules/0/then/0/reason'],
    ],
    ['unknown action', { 'message.delet': {} }, ['RC_UNKNOWN_ACTION @ /rules/0/then/0/message.delet']],
    ['bad onError', { 'message.delete': {}, onError: 'ignore' }, ['RC_BAD_STEP @ /rules/0/then/0/onError']],
    ['bad retry', { 'message.delete': {}, retry: { attempts: 0 } }, ['RC_BAD_STEP @ /rules/0/then/0/retry/attempts']],
    [
      'bad backoff',
      { 'message.delete': {}, retry: { attempts: 3, backoff: '1 minute' } },
      ['RC_BAD_DURATION @ /rules/0/then/0/retry/backoff'],
    ],
    ['bad as', { 'message.delete': {}, as: 'my result' }, ['RC_BAD_STEP @ /rules/0/then/0/as']],
    ['bad wait', { wait: '10x' }, ['RC_BAD_DURATION @ /rules/0/then/0/wait']],
    ['negative wait', { wait: -5 }, ['RC_BAD_DURATION @ /rules/0/then/0/wait']],
    ['wait with an action', { wait: '1m', 'message.delete': {} }, ['RC_BAD_STEP @ /rules/0/then/0']],
    ['params not an object', { 'message.delete': null }, ['RC_BAD_PARAM @ /rules/0/then/0/message.delete']],
    [
      'a misspelt step option',
      { 'message.delete': {}, onerror: 'continue' },
      ['RC_BAD_STEP @ /rules/0/then/0/onerror'],
    ],
  ])('%s', (_name, s, expected) => {
    expect(errors(doc([step(s)]))).toEqual(expected);
  });

  test('a step written as a bare action name says how to write it', () => {
    expect(problems(doc([step('message.delete')]))[0]?.fix).toBe(
      'Write `- message.delete: {}` (an action with no parameters).',
    );
    expect(message(doc([step({ 'message.delete': {}, onerror: 'continue' })]))).toBe(
      'Unknown step option `onerror`. Did you mean `onError`?',
    );
  });

  test('unknown action message suggests the closest names', () => {
    expect(message(doc([step({ 'message.delet': {} })]))).toMatch(
      /^Unknown action `message.delet`. Did you mean `message.delete`(,| or) /,
    );
    expect(message(doc([step({ delete: {} })]))).toContain('Did you mean `message.delete`');
    expect(message(doc([step({ 'member.warn': { user: '1' }, reason: 'x' })]))).toBe(
      '`reason` is a parameter of `member.warn`, but it is written beside it.',
    );
  });

  test('an action that cannot run on the trigger event', () => {
    expect(errors(doc([step({ 'message.delete': {} }, { on: 'member.join' })]))).toEqual([
      'RC_ACTION_NOT_ON_EVENT @ /rules/0/then/0/message.delete',
    ]);
  });

  test('a limit window that is not a duration', () => {
    expect(errors(doc([rule({ limits: { cooldown: { per: 'user', window: '5 minutes' } } })]))).toEqual([
      'RC_BAD_DURATION @ /rules/0/limits/cooldown/window',
    ]);
    expect(message(doc([rule({ limits: { cooldown: { per: 'user', window: '5 minutes' } } })]))).toContain(
      'not a duration',
    );
  });

  test('duplicate `as` names', () => {
    expect(
      errors(
        doc([
          rule({
            then: [
              { 'message.delete': {}, as: 'a' },
              { 'member.warn': { user: '1' }, as: 'a' },
            ],
          }),
        ]),
      ),
    ).toEqual(['RC_BAD_STEP @ /rules/0/then/1/as']);
  });
});

describe('action parameters', () => {
  const send = (params: unknown): Record<string, unknown> => rule({ then: [{ 'message.send': params }] });

  test.each([
    ['wrong type', { channel: 5, content: 'x' }, ['RC_BAD_PARAM @ /rules/0/then/0/message.send/channel']],
    ['missing', { channel: '1' }, ['RC_BAD_PARAM @ /rules/0/then/0/message.send']],
    ['unknown', { channel: '1', content: 'x', chanel: '2' }, ['RC_BAD_PARAM @ /rules/0/then/0/message.send/chanel']],
    ['too long', { channel: '1', content: 'x'.repeat(2001) }, ['RC_BAD_PARAM @ /rules/0/then/0/message.send/content']],
    [
      'bad duration param',
      { channel: '1', content: 'x', deleteAfter: '1 hour' },
      ['RC_BAD_PARAM @ /rules/0/then/0/message.send/deleteAfter'],
    ],
    [
      'two mistakes, two problems',
      { channel: 5, content: 6 },
      ['RC_BAD_PARAM @ /rules/0/then/0/message.send/channel', 'RC_BAD_PARAM @ /rules/0/then/0/message.send/content'],
    ],
  ])('%s', (_name, params, expected) => {
    expect(errors(doc([send(params)]))).toEqual(expected);
  });

  test('messages', () => {
    expect(message(doc([send({ channel: 5, content: 'x' })]))).toBe(
      'Parameter `channel` of `message.send` must be a string, not the number 5.',
    );
    expect(message(doc([send({ channel: '1' })]))).toBe('Missing parameter `content` of `message.send`.');
    expect(message(doc([send({ channel: '1', content: 'x', chanel: '2' })]))).toBe(
      'Unknown parameter `chanel` of `message.send`. Did you mean `channel`?',
    );
    expect(message(doc([send({ channel: '1', content: 'x', deleteAfter: '1 hour' })]))).toContain('is not a duration');
  });

  test('a {{ placeholder }} is accepted where the value is only known at run time', () => {
    const timeout = (params: unknown): Record<string, unknown> =>
      rule({ on: 'member.join', then: [{ 'member.timeout': params }] });
    expect(
      errors(
        doc([timeout({ user: '{{ user.id }}', duration: '{{ event.minutes }}', notify: '{{ settings.notify }}' })]),
      ),
    ).toEqual([]);
    expect(
      errors(doc([rule({ then: [{ 'role.add': { user: '1', role: '2', days: '{{ facts.xp.level }}' } }] })])),
    ).toEqual([]);
    expect(errors(doc([rule({ then: [{ 'role.add': '{{ event.params }}' }] })]))).toEqual([]);
  });

  test('…while everything around the placeholder is still checked', () => {
    expect(errors(doc([rule({ then: [{ 'role.add': { user: '{{ user.id }}', days: 'three' } }] })]))).toEqual([
      'RC_BAD_PARAM @ /rules/0/then/0/role.add',
      'RC_BAD_PARAM @ /rules/0/then/0/role.add/days',
    ]);
    expect(
      errors(
        doc([rule({ then: [{ 'role.add': { user: '{{ user.id }}', role: '1', colour: '{{ user.colour }}' } }] })]),
      ),
    ).toEqual(['RC_BAD_PARAM @ /rules/0/then/0/role.add/colour']);
  });

  test('placeholders are parsed as the runtime will: unknown variables and step results', () => {
    expect(errors(doc([rule({ then: [{ 'member.warn': { user: '{{ usr.id }}' } }] })]))).toEqual([
      'RC_BAD_PLACEHOLDER @ /rules/0/then/0/member.warn/user',
    ]);
    expect(
      errors(doc([rule({ then: [{ 'member.warn': { user: '1', reason: 'see {{ steps.role.added }}' } }] })])),
    ).toEqual(['RC_BAD_PLACEHOLDER @ /rules/0/then/0/member.warn/reason']);
    expect(
      errors(
        doc([
          rule({
            then: [
              { 'role.add': { user: '1', role: '2' }, as: 'role' },
              { 'member.warn': { user: '1', reason: 'see {{ steps.role.added }}' } },
            ],
          }),
        ]),
      ),
    ).toEqual([]);
  });
});

describe('modules', () => {
  test('unknown module, with a suggestion', () => {
    expect(errors(doc([], { modules: { spma: {} } }))).toEqual(['RC_UNKNOWN_MODULE @ /modules/spma']);
    expect(message(doc([], { modules: { spma: {} } }))).toBe('Unknown module `spma`. Did you mean `spam`?');
  });

  test.each([
    ['wrong type', { maxMentions: 'five' }, ['RC_BAD_SETTINGS @ /modules/spam/maxMentions']],
    ['unknown setting', { maxMention: 5 }, ['RC_BAD_SETTINGS @ /modules/spam/maxMention']],
    [
      'nested enum',
      {
        escalation: [
          { warnings: 3, action: 'timeout', duration: '1h' },
          { warnings: 5, action: 'bann' },
        ],
      },
      ['RC_BAD_SETTINGS @ /modules/spam/escalation/1/action'],
    ],
    [
      'nested duration',
      { escalation: [{ warnings: 3, action: 'timeout', duration: '1 hour' }] },
      ['RC_BAD_SETTINGS @ /modules/spam/escalation/0/duration'],
    ],
    ['not an object', 5, ['RC_BAD_SETTINGS @ /modules/spam']],
  ])('%s', (_name, settings, expected) => {
    expect(errors(doc([], { modules: { spam: settings } }))).toEqual(expected);
  });

  test('setting messages', () => {
    expect(message(doc([], { modules: { spam: { escalation: [{ warnings: 5, action: 'bann' }] } } }))).toBe(
      'Setting `escalation[0].action` of module `spam` must be one of `timeout`, `kick`, `ban`, not the text "bann". Did you mean `ban`?',
    );
  });
});

describe('premium', () => {
  const cases: [string, unknown, string][] = [
    ['module settings', doc([], { modules: { ai: {} } }), 'RC_PREMIUM_REQUIRED @ /modules/ai'],
    [
      'fact of a premium module',
      doc([rule({ if: { all: [{ fact: 'ai.toxicity', operator: 'greaterThan', value: 0.5 }] } })]),
      'RC_PREMIUM_REQUIRED @ /rules/0/if/all/0/fact',
    ],
    [
      'premium fact',
      doc([rule({ if: { all: [{ fact: 'xp.boost', operator: 'greaterThan', value: 1 }] } })]),
      'RC_PREMIUM_REQUIRED @ /rules/0/if/all/0/fact',
    ],
    [
      'action of a premium module',
      doc([rule({ then: [{ 'ai.reply': { prompt: 'hi' } }] })]),
      'RC_PREMIUM_REQUIRED @ /rules/0/then/0/ai.reply',
    ],
    ['premium action', doc([rule({ then: [{ 'xp.reset': {} }] })]), 'RC_PREMIUM_REQUIRED @ /rules/0/then/0/xp.reset'],
    [
      'template of a premium module',
      doc([{ id: 'helper', use: { template: 'ai-helper' } }]),
      'RC_PREMIUM_REQUIRED @ /rules/0/use/template',
    ],
  ];
  test.each(cases)('%s: refused in a free guild, accepted in a premium one', (_name, document, expected) => {
    expect(errors(document, 'free')).toEqual([expected]);
    expect(errors(document, 'premium')).toEqual([]);
  });
});

test('a free template that configures a premium module is premium too', () => {
  const r = createRegistry([
    ...testModules,
    {
      id: 'helpers',
      version: '1.0.0',
      name: 'Helpers',
      description: 'Templates.',
      templates: [
        {
          id: 'ai-setup',
          version: 1,
          name: 'AI',
          description: 'Sets AI up.',
          inputs: { type: 'object' },
          modules: { ai: { model: 'large' } },
          rules: [],
        },
      ],
    },
  ]);
  const document = doc([{ id: 'setup', use: { template: 'ai-setup' } }]);
  expect(validateRuleSet(document, r, { tier: 'free' }).problems.map((p) => `${p.code} @ ${p.pointer}`)).toEqual([
    'RC_PREMIUM_REQUIRED @ /rules/0/use/template',
  ]);
  const premium = validateRuleSet(document, r, { tier: 'premium' });
  expect(premium.ok && premium.ruleSet.modules.ai).toEqual({ model: 'large' });
});

describe('template uses', () => {
  test('instantiates the latest version by default, with defaults and `<use id>.<rule id>` ids', () => {
    const result = validateRuleSet(
      doc([{ id: 'spam', use: { template: 'anti-spam', inputs: { logChannel: '42' } }, mode: 'shadow' }]),
      registry,
      { tier: 'free' },
    );
    expect(result.problems).toEqual([]);
    if (!result.ok) throw new Error('expected ok');
    const [flood] = result.ruleSet.rules;
    expect(flood?.id).toBe('spam.flood');
    expect(flood?.pointer).toBe('/rules/0');
    expect(flood?.template).toEqual({ id: 'anti-spam', version: 2, useId: 'spam' });
    expect(flood?.mode).toBe('shadow');
    expect(flood?.then[2]).toEqual({
      'message.send': { channel: '42', content: 'Timed out {{ author.mention }} for flooding.' },
    });
    // The template's module settings, under the guild's own, with the schema's defaults.
    expect(result.ruleSet.modules.spam).toEqual({ maxMentions: 3, exempt: [] });
  });

  test('the guild’s own settings win over the template’s', () => {
    const result = validateRuleSet(
      doc([{ id: 'spam', use: { template: 'anti-spam@2', inputs: { logChannel: '42' } } }], {
        modules: { spam: { maxMentions: 9 } },
      }),
      registry,
      { tier: 'free' },
    );
    expect(result.ok && result.ruleSet.modules.spam).toEqual({ maxMentions: 9, exempt: [] });
  });

  test.each([
    ['unknown template', { template: 'anti-spma' }, ['RC_UNKNOWN_TEMPLATE @ /rules/0/use/template']],
    ['unknown version', { template: 'anti-spam@7' }, ['RC_UNKNOWN_TEMPLATE @ /rules/0/use/template']],
    ['malformed reference', { template: 'Anti Spam' }, ['RC_UNKNOWN_TEMPLATE @ /rules/0/use/template']],
    ['missing input', { template: 'anti-spam@2', inputs: {} }, ['RC_BAD_TEMPLATE_INPUTS @ /rules/0/use/inputs']],
    [
      'input of the wrong type',
      { template: 'anti-spam@2', inputs: { logChannel: '1', max: 'five' } },
      ['RC_BAD_TEMPLATE_INPUTS @ /rules/0/use/inputs/max'],
    ],
    [
      'unknown input',
      { template: 'anti-spam@2', inputs: { logChannel: '1', maxx: 5 } },
      ['RC_BAD_TEMPLATE_INPUTS @ /rules/0/use/inputs/maxx'],
    ],
    [
      'bad duration input',
      { template: 'anti-spam@2', inputs: { logChannel: '1', window: '10 s' } },
      ['RC_BAD_TEMPLATE_INPUTS @ /rules/0/use/inputs/window'],
    ],
    ['inputs not an object', { template: 'anti-spam@2', inputs: [] }, ['RC_BAD_RULE @ /rules/0/use/inputs']],
    ['unknown key in use', { template: 'anti-spam@2', input: {} }, ['RC_BAD_RULE @ /rules/0/use/input']],
  ])('%s', (_name, use, expected) => {
    expect(errors(doc([{ id: 'spam', use }]))).toEqual(expected);
  });

  test('messages', () => {
    expect(message(doc([{ id: 'spam', use: { template: 'anti-spma' } }]))).toBe(
      'Unknown template `anti-spma`. Did you mean `anti-spam`?',
    );
    expect(message(doc([{ id: 'spam', use: { template: 'anti-spam@7' } }]))).toBe(
      'Template `anti-spam` has no version 7; installed: 1, 2.',
    );
    expect(message(doc([{ id: 'spam', use: { template: 'anti-spam@2', inputs: { logChannel: '1', maxx: 5 } } }]))).toBe(
      'Unknown input `maxx` of template `anti-spam@2`. Did you mean `max`?',
    );
  });

  test('a template rule made invalid by its inputs is reported at the use site', () => {
    const registry2 = createRegistry([
      ...testModules.filter((m) => m.id !== 'spam'),
      {
        ...testModules.find((m) => m.id === 'spam')!,
        templates: [
          {
            id: 'warn-in',
            version: 1,
            name: 'Warn',
            description: 'Warns',
            inputs: { type: 'object', properties: { channel: {} } },
            rules: [
              {
                id: 'warn',
                on: 'message.create',
                then: [{ 'message.send': { channel: '{{ inputs.channel }}', content: 'hi' } }],
              },
            ],
          },
        ],
      },
    ]);
    const result = validateRuleSet(
      doc([{ id: 'w', use: { template: 'warn-in', inputs: { channel: 42 } } }]),
      registry2,
      { tier: 'free' },
    );
    expect(result.problems.map((p) => `${p.code} @ ${p.pointer}`)).toEqual(['RC_BAD_PARAM @ /rules/0/use']);
    expect(result.problems[0]?.message).toBe(
      'In rule `warn` of template `warn-in@1` (at /then/0/message.send/channel): Parameter `channel` of `message.send` must be a string, not the number 42.',
    );
  });
});

describe('the full schema is the last word', () => {
  test('a mistake only the full schema sees is still reported (RC_SCHEMA)', () => {
    // checkCondition accepts json-rules-engine's `priority` on any node; the schema wants a number.
    const result = errors(doc([rule({ if: { all: [], priority: 'high' } })]));
    expect(result).toEqual(['RC_SCHEMA @ /rules/0/if/priority']);
  });
});

describe('schemas with alternatives report the alternative that was meant', () => {
  const r = createRegistry([
    ...testModules,
    {
      id: 'alt',
      version: '1.0.0',
      name: 'Alt',
      description: 'Alternatives.',
      actions: [
        {
          name: 'alt.send',
          description: 'Sends to a channel id or a channel object.',
          params: {
            type: 'object',
            additionalProperties: false,
            properties: {
              target: {
                anyOf: [
                  { type: 'string', pattern: '^\\d+$' },
                  {
                    type: 'object',
                    required: ['id'],
                    additionalProperties: false,
                    properties: { id: { type: 'string' }, thread: { type: 'boolean' } },
                  },
                ],
              },
              color: { oneOf: [{ type: 'integer', minimum: 0 }, { enum: ['red', 'green'] }] },
            },
          },
          run: async () => {},
        },
      ],
    },
  ]);
  const check = (params: unknown): string[] =>
    validateRuleSet(doc([rule({ then: [{ 'alt.send': params }] })]), r, { tier: 'free' }).problems.map(
      (p) => `${p.code} @ ${p.pointer}: ${p.message}`,
    );

  test('the branch whose type fits', () => {
    expect(check({ target: { id: 5 } })).toEqual([
      'RC_BAD_PARAM @ /rules/0/then/0/alt.send/target/id: Parameter `target.id` of `alt.send` must be a string, not the number 5.',
    ]);
    expect(check({ target: { id: '1', threads: true } })).toEqual([
      'RC_BAD_PARAM @ /rules/0/then/0/alt.send/target/threads: Unknown parameter `target.threads` of `alt.send`. Did you mean `thread`?',
    ]);
    expect(check({ target: 'general' })).toEqual([
      'RC_BAD_PARAM @ /rules/0/then/0/alt.send/target: Parameter `target` of `alt.send` has the wrong form (the text "general"): it must match `^\\d+$`.',
    ]);
  });

  test('no branch fits: one problem naming the forms', () => {
    expect(check({ target: true })).toEqual([
      'RC_BAD_PARAM @ /rules/0/then/0/alt.send/target: Parameter `target` of `alt.send` must be a string or an object, not true.',
    ]);
    expect(check({ color: 'blue' })).toEqual([
      'RC_BAD_PARAM @ /rules/0/then/0/alt.send/color: Parameter `color` of `alt.send` must be a whole number or one of `red`, `green`, not the text "blue".',
    ]);
    expect(check({ color: -1 })).toEqual([
      'RC_BAD_PARAM @ /rules/0/then/0/alt.send/color: Parameter `color` of `alt.send` must be >= 0.',
    ]);
  });

  test('a placeholder satisfies any alternative', () => {
    expect(check({ target: '{{ event.channelId }}', color: '{{ settings.color }}' })).toEqual([]);
    expect(check({ target: { id: '{{ event.channelId }}' } })).toEqual([]);
  });
});

describe('event fields', () => {
  const r = createRegistry([
    ...testModules,
    {
      id: 'ticket',
      version: '1.0.0',
      name: 'Tickets',
      description: 'Tickets.',
      events: [
        {
          name: 'ticket.open',
          description: 'A ticket was opened.',
          payload: {
            type: 'object',
            properties: {
              channelId: { type: 'string' },
              opener: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
              tags: { type: 'array', items: { type: 'string' } },
              extra: { type: 'object', additionalProperties: { type: 'string' } },
            },
          },
        },
      ],
    },
  ]);
  const check = (rule: Record<string, unknown>) => {
    const result = validateRuleSet(
      doc([{ id: 't', on: 'ticket.open', then: [{ 'member.warn': { user: '1' } }], ...rule }]),
      r,
      { tier: 'free' },
    );
    return {
      ok: result.ok,
      problems: result.problems.map((p) => `${p.severity} ${p.code} @ ${p.pointer}: ${p.message}`),
    };
  };
  const leaf = (fact: string, extra: Record<string, unknown> = {}) => ({
    if: { fact, operator: 'exists', value: true, ...extra },
  });

  test('fields the payload declares are fine', () => {
    for (const fact of [
      'event.channelId',
      'event.opener.name',
      'event.tags.0',
      'event.tags.length',
      'event.extra.anything',
      'event',
    ]) {
      expect(check(leaf(fact)).problems, fact).toEqual([]);
    }
    expect(check(leaf('event.opener', { path: 'id' })).problems).toEqual([]);
    expect(
      check({ then: [{ 'member.warn': { user: '{{ event.opener.id }}', reason: 'in {{ event.channelId }}' } }] })
        .problems,
    ).toEqual([]);
  });

  test('a field the payload does not declare is a warning, with a suggestion', () => {
    expect(check(leaf('event.chanelId'))).toEqual({
      ok: true,
      problems: [
        'warning RC_UNKNOWN_EVENT_FIELD @ /rules/0/if/fact: `event.chanelId` is not a field of `ticket.open`: it reads as nothing. Did you mean `channelId`?',
      ],
    });
    expect(check(leaf('event.opener', { path: 'nmae' })).problems).toEqual([
      'warning RC_UNKNOWN_EVENT_FIELD @ /rules/0/if/fact: `event.opener.nmae` is not a field of `ticket.open`: it reads as nothing. Did you mean `name`?',
    ]);
    expect(check({ then: [{ 'member.warn': { user: '{{ event.opnr.id }}' } }] }).problems).toEqual([
      'warning RC_UNKNOWN_EVENT_FIELD @ /rules/0/then/0/member.warn/user: `event.opnr.id` is not a field of `ticket.open`: it reads as nothing. Did you mean `opener`?',
    ]);
  });
});
