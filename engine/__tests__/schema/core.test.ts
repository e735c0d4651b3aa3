// The JSON Schema (schema/core.ts) and the TypeScript types (model/document.ts) describe the same document: every
// sample below that type-checks is accepted by the schema, and every sample marked `@ts-expect-error` is refused by it.
import { describe, expect, test } from 'vitest';
import {
  coreDocumentSchema,
  createAjv,
  type Rule,
  type RuleSetDocument,
  type Step,
  type TemplateUse,
} from '@rulecord/engine';

const validate = createAjv().compile(coreDocumentSchema());
const accepts = (doc: unknown): boolean => validate(doc) as boolean;
const wrap = (...rules: (Rule | TemplateUse)[]): RuleSetDocument => ({
  apiVersion: 'rulecord/v1',
  kind: 'RuleSet',
  guild: '112233',
  rules,
});
const base: Rule = { id: 'r', on: 'message.create', then: [{ 'message.delete': {} }] };

describe('types and schema agree', () => {
  const valid: [string, RuleSetDocument][] = [
    ['the smallest document', wrap()],
    [
      'a full rule',
      wrap({
        id: 'no-shouting',
        description: 'Delete messages that are mostly capitals',
        enabled: true,
        on: ['message.create', 'message.update'],
        where: {
          channel: { in: ['1'], notIn: ['2'] },
          user: { notIn: ['3'] },
          roles: { any: ['a'], all: ['b'], none: ['c'] },
          bots: false,
        },
        if: {
          all: [
            { fact: 'message.capsRatio', operator: 'greaterThan', value: 0.7 },
            {
              any: [
                { fact: 'author.roles', operator: 'contains', value: 'x', path: '0' },
                { not: { fact: 'now', operator: 'lessThan', value: { fact: 'event.at', path: 'x' } } },
              ],
            },
            {
              fact: 'spam.recentMessages',
              params: { window: '10s' },
              operator: 'greaterThan',
              value: 5,
              name: 'flood',
              priority: 2,
            },
          ],
        },
        then: [
          { 'message.delete': {}, retry: { attempts: 3, backoff: '1s' }, onError: 'continue', as: 'deleted' },
          { wait: '10m' },
          { wait: 60_000 },
          { 'member.warn': { user: '{{ author.id }}', reason: 'caps' } },
        ],
        mode: 'shadow',
        limits: { cooldown: { per: 'user', window: '30s' }, rate: { per: 'channel', max: 5, window: 60_000 } },
        concurrency: { mode: 'restart', per: 'user' },
        tags: ['automod'],
      }),
    ],
    [
      'a template use',
      wrap({ id: 'spam', use: { template: 'anti-spam@2', inputs: { max: 5 } }, enabled: false, mode: 'enforce' }),
    ],
    ['modules settings', { ...wrap(base), modules: { spam: { maxMentions: 5 } } }],
    ['concurrency as a word', wrap({ ...base, concurrency: 'queue' })],
  ];
  test.each(valid)('accepts %s', (_name, doc) => {
    expect(accepts(doc)).toBe(true);
  });

  test('refuses what the types refuse', () => {
    // @ts-expect-error the kind is `RuleSet`
    const badKind: RuleSetDocument = { apiVersion: 'rulecord/v1', kind: 'Rules', guild: '1', rules: [] };
    // @ts-expect-error the api version is `rulecord/v1`
    const badVersion: RuleSetDocument = { apiVersion: 'rulecord/v2', kind: 'RuleSet', guild: '1', rules: [] };
    // @ts-expect-error rules are required
    const noRules: RuleSetDocument = { apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: '1' };
    // @ts-expect-error the guild is a string
    const numericGuild: RuleSetDocument = { apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: 1, rules: [] };
    // @ts-expect-error mode is enforce | shadow
    const badMode: Rule = { ...base, mode: 'loud' };
    // @ts-expect-error limits are per user, channel or guild
    const badPer: Rule = { ...base, limits: { cooldown: { per: 'role', window: '1m' } } };
    // @ts-expect-error rate needs max
    const noMax: Rule = { ...base, limits: { rate: { per: 'user', window: '1m' } } };
    // @ts-expect-error concurrency is parallel | drop | queue | restart
    const badConcurrency: Rule = { ...base, concurrency: 'sometimes' };
    // @ts-expect-error bots is a boolean
    const badBots: Rule = { ...base, where: { bots: 'yes' } };
    // @ts-expect-error filters are lists of ids
    const badFilter: Rule = { ...base, where: { channel: { in: '1' } } };
    // @ts-expect-error `then` is a list
    const badThen: Rule = { ...base, then: { 'message.delete': {} } };
    // @ts-expect-error `on` is an event name or a list
    const badOn: Rule = { ...base, on: 5 };
    // @ts-expect-error `all` is a list
    const badAll: Rule = { ...base, if: { all: { fact: 'x', operator: 'equal', value: 1 } } };
    // @ts-expect-error onError is stop | continue
    const badOnError: Step = { 'message.delete': {}, onError: 'ignore' };
    // @ts-expect-error retry needs attempts
    const badRetry: Step = { 'message.delete': {}, retry: { backoff: '1s' } };
    // @ts-expect-error a template use needs `use.template`
    const badUse: TemplateUse = { id: 'x', use: { inputs: {} } };
    // @ts-expect-error tags are strings
    const badTags: Rule = { ...base, tags: [1] };
    // @ts-expect-error enabled is a boolean
    const badEnabled: Rule = { ...base, enabled: 'no' };

    for (const doc of [badKind, badVersion, noRules, numericGuild]) expect(accepts(doc)).toBe(false);
    for (const rule of [
      badMode,
      badPer,
      noMax,
      badConcurrency,
      badBots,
      badFilter,
      badThen,
      badOn,
      badAll,
      badTags,
      badEnabled,
      badUse,
    ]) {
      expect(accepts(wrap(rule))).toBe(false);
    }
    for (const step of [badOnError, badRetry]) expect(accepts(wrap({ ...base, then: [step] }))).toBe(false);
  });

  test('the schema is stricter than the types where types cannot say it (documented in docs/rules.md)', () => {
    expect(accepts(wrap({ ...base, id: 'Not Kebab' }))).toBe(false);
    expect(accepts(wrap({ ...base, then: [] }))).toBe(false);
    expect(accepts(wrap({ ...base, then: [{ wait: '10 minutes' }] }))).toBe(false);
    expect(accepts(wrap({ ...base, limits: { rate: { per: 'user', max: 0, window: '1m' } } }))).toBe(false);
  });
});
