/**
 * Walks every catalog module (STYLE.md habit 4): names in the module's areas, every schema compiles (strict ajv),
 * every fact, action and event documented with examples that validate, every fact resolves on every event it claims
 * to support to a value its schema accepts, every action runs its own examples, every template validates.
 */
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { createRegistry, validateRuleSet } from '@rulecord/engine';
import type {
  ActionDefinition,
  EventDefinition,
  FactDefinition,
  JsonObject,
  JsonSchema,
  ModuleDefinition,
} from '@rulecord/engine';
import { createCatalogRegistry, modules } from '../src/index.js';
import { makeContext } from '../src/testing/context.js';

const ajv = new Ajv({
  strict: true,
  strictTypes: false,
  strictRequired: false,
  allErrors: true,
  keywords: ['x-rulecord-selector'],
});
const compiled = new Map<JsonSchema, ValidateFunction>();
function validator(schema: JsonSchema): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) compiled.set(schema, (v = ajv.compile(schema)));
  return v;
}
function expectValid(schema: JsonSchema, value: unknown, what: string): void {
  const validate = validator(schema);
  expect(validate(value), `${what}: ${ajv.errorsText(validate.errors)}`).toBe(true);
}

const registry = createCatalogRegistry();
const events = new Map(modules.flatMap((m) => m.events ?? []).map((e) => [e.name, e]));
const named = <T extends { name: string }>(items: readonly T[] | undefined): [string, T][] =>
  (items ?? []).map((i) => [i.name, i]);

describe.each(modules.map((m) => [m.id, m] as [string, ModuleDefinition]))('module %s', (_id, module) => {
  it('is described and registers on its own (names inside its id and areas)', () => {
    expect(module.id).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(module.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(module.name.length).toBeGreaterThan(2);
    expect(module.description.length).toBeGreaterThan(40);
    expect(() => createRegistry([module])).not.toThrow();
    const areas = [module.id, ...(module.areas ?? [])];
    for (const item of [...(module.facts ?? []), ...(module.actions ?? []), ...(module.events ?? [])]) {
      expect(areas, item.name).toContain(item.name.split('.')[0]);
    }
  });

  it('has a settings schema that compiles and accepts {} with defaults', () => {
    if (!module.settings) return;
    expectValid(module.settings, {}, `${module.id} settings`);
  });

  it.each(named(module.events))(
    'event %s: payload schema compiles and its examples match',
    (_name, event: EventDefinition) => {
      expect(event.description.length).toBeGreaterThan(30);
      expect(event.examples?.length ?? 0).toBeGreaterThan(0);
      for (const example of event.examples ?? []) expectValid(event.payload, example, `${event.name} example`);
    },
  );

  it.each(named(module.facts))(
    'fact %s: documented, and resolves on every event it supports',
    async (_name, fact: FactDefinition) => {
      expect(fact.description.length).toBeGreaterThan(30);
      expect(fact.examples?.length ?? 0).toBeGreaterThan(0);
      expect(fact.cost, 'declare cost: cheap or io').toBeDefined();
      for (const example of fact.examples ?? []) expectValid(fact.schema, example, `${fact.name} example`);
      if (fact.params) validator(fact.params);
      const supported = fact.events ?? [...events.keys()];
      for (const name of supported) {
        const event = events.get(name) ?? registry.event(name);
        expect(event, `${fact.name} lists unknown event ${name}`).toBeDefined();
        const payload = (event?.examples?.[0] ?? {}) as JsonObject;
        const { ctx } = makeContext({ type: name, payload });
        const value = await fact.resolve(ctx, undefined);
        expectValid(fact.schema, value, `${fact.name} on ${name}`);
      }
    },
  );

  it.each(named(module.actions))(
    'action %s: documented, and runs its examples',
    async (_name, action: ActionDefinition) => {
      expect(action.description.length).toBeGreaterThan(30);
      expect(action.examples?.length ?? 0).toBeGreaterThan(0);
      for (const name of action.events ?? [])
        expect(registry.event(name), `${action.name} lists unknown event ${name}`).toBeDefined();
      const on = action.events?.[0] ?? 'message.create';
      for (const example of action.examples ?? []) {
        expectValid(action.params, example, `${action.name} example`);
        const { ctx, actions } = makeContext({
          type: on,
          payload: (registry.event(on)?.examples?.[0] ?? {}) as JsonObject,
        });
        const result = await action.run(example, ctx);
        expect(actions().length, `${action.name} made no Discord call`).toBeGreaterThan(0);
        if (action.result) expectValid(action.result, result, `${action.name} result`);
      }
    },
  );

  it.each((module.templates ?? []).map((t) => [`${t.id}@${t.version}`, t] as const))(
    'template %s validates as used in a rule set',
    (ref, template) => {
      expect(template.description.length).toBeGreaterThan(30);
      validator(template.inputs);
      const examples = (template.inputs['examples'] as JsonObject[] | undefined) ?? [{}];
      for (const inputs of examples) {
        expectValid(template.inputs, inputs, `${ref} example inputs`);
        const doc = {
          apiVersion: 'rulecord/v1',
          kind: 'RuleSet',
          guild: '112233445566778899',
          rules: [{ id: 'uses-it', use: { template: ref, inputs } }],
        };
        const result = validateRuleSet(doc, registry, { tier: 'free' });
        expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
        expect(result.ok).toBe(true);
      }
    },
  );
});

describe('the catalog', () => {
  it('lists modules with unique ids, and the registry holds them with the core module', () => {
    expect(new Set(modules.map((m) => m.id)).size).toBe(modules.length);
    for (const m of modules) expect(registry.module(m.id)).toBe(m);
    expect(registry.module('core')).toBeDefined();
  });

  it('provides the facts and actions the design and the benchmark rely on', () => {
    for (const name of [
      'message.capsRatio',
      'message.length',
      'message.mentionCount',
      'message.invites',
      'message.urls',
      'message.words',
      'author.accountAgeDays',
      'spam.recentMessages',
    ]) {
      expect(registry.fact(name), name).toBeDefined();
    }
    for (const name of ['message.delete', 'member.warn', 'member.timeout', 'role.add', 'message.send']) {
      expect(registry.action(name), name).toBeDefined();
    }
  });
});

describe('rule sets written against the catalog', () => {
  const base = { apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: '112233445566778899' };

  it('a realistic community rule set validates', () => {
    const doc = {
      ...base,
      modules: {
        moderation: {
          logChannel: '223344556677889900',
          escalation: [
            { warnings: 3, action: 'timeout', duration: '1h' },
            { warnings: 5, action: 'ban' },
          ],
        },
        spam: { window: '10s' },
        schedule: { schedules: [{ id: 'weekly-reminder', cron: '0 18 * * 5', timezone: 'Europe/Berlin' }] },
      },
      rules: [
        {
          id: 'no-shouting',
          on: 'message.create',
          where: { channel: { notIn: ['223344556677889911'] } },
          if: {
            all: [
              { fact: 'message.capsRatio', operator: 'greaterThan', value: 0.7 },
              { fact: 'message.length', operator: 'greaterThanInclusive', value: 10 },
            ],
          },
          then: [{ 'message.delete': {} }, { 'member.warn': { user: '{{ author.id }}', reason: 'Too many capitals' } }],
          limits: { cooldown: { per: 'user', window: '30s' } },
        },
        {
          id: 'mass-mentions',
          on: 'message.create',
          if: {
            any: [
              { fact: 'message.mentionCount', operator: 'greaterThan', value: 5 },
              { fact: 'message.mentionsEveryone', operator: 'equal', value: true },
            ],
          },
          then: [{ 'message.delete': {} }, { 'member.timeout': { duration: '10m', reason: 'Mass mentions' } }],
        },
        {
          id: 'links-from-newcomers',
          on: 'message.create',
          if: {
            all: [
              { fact: 'message.hasUrl', operator: 'equal', value: true },
              { fact: 'member.joinedDaysAgo', operator: 'lessThan', value: 1 },
            ],
          },
          then: [
            { 'message.delete': {} },
            { 'member.dm': { content: 'Links are allowed after your first day in {{ guild.name }}.' } },
          ],
        },
        {
          id: 'cross-channel-scam',
          on: 'message.create',
          if: {
            all: [
              { fact: 'spam.channelsRecent', params: { window: '30s' }, operator: 'greaterThanInclusive', value: 4 },
            ],
          },
          then: [{ 'member.ban': { reason: 'Compromised account spam', deleteMessages: '1d' } }],
        },
        {
          id: 'third-warning-notice',
          on: 'moderation.warned',
          if: { all: [{ fact: 'event.count', operator: 'equal', value: 3 }] },
          then: [
            { 'message.send': { channel: '223344556677889900', content: '<@{{ event.userId }}> reached 3 warnings.' } },
          ],
        },
        {
          id: 'verify-button',
          on: 'interaction.button',
          if: { all: [{ fact: 'event.customId', operator: 'equal', value: 'verify' }] },
          then: [
            { 'role.add': { role: '445566778899001122' } },
            { 'interaction.reply': { content: 'Welcome in!', ephemeral: true } },
          ],
        },
        {
          id: 'weekly-reminder',
          on: 'schedule.tick',
          if: { all: [{ fact: 'event.scheduleId', operator: 'equal', value: 'weekly-reminder' }] },
          then: [{ 'message.send': { channel: '223344556677889911', content: 'Game night in one hour!' } }],
        },
        { id: 'welcome', use: { template: 'welcome-message@1', inputs: { channel: '223344556677889900' } } },
        { id: 'spam', use: { template: 'anti-spam@1', inputs: { maxMessages: 5 } } },
        { id: 'words', use: { template: 'bad-words@1', inputs: { words: ['idiot'] } } },
      ],
    };
    const result = validateRuleSet(doc, registry, { tier: 'free' });
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('wrong parameters, unknown names and facts on the wrong event are refused (the checks above can fail)', () => {
    const bad = (rule: JsonObject) => validateRuleSet({ ...base, rules: [rule] }, registry, { tier: 'free' });
    expect(bad({ id: 'a', on: 'message.create', then: [{ 'member.timeout': { duration: 'soon' } }] }).ok).toBe(false);
    expect(bad({ id: 'a', on: 'message.create', then: [{ 'message.remove': {} }] }).ok).toBe(false);
    expect(
      bad({
        id: 'a',
        on: 'member.join',
        if: { all: [{ fact: 'message.capsRatio', operator: 'greaterThan', value: 0.5 }] },
        then: [],
      }).ok,
    ).toBe(false);
    expect(bad({ id: 'a', on: 'message.create', then: [{ 'message.send': { channel: 'c' } }] }).ok).toBe(false);
    const settings = validateRuleSet(
      { ...base, modules: { moderation: { escalation: [{ warnings: 3, action: 'timeout' }] } }, rules: [] },
      registry,
      { tier: 'free' },
    );
    expect(settings.ok).toBe(false);
    const cron = validateRuleSet(
      { ...base, modules: { schedule: { schedules: [{ id: 'x', cron: 'every monday' }] } }, rules: [] },
      registry,
      { tier: 'free' },
    );
    expect(cron.ok).toBe(false);
  });
});
