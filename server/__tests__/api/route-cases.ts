// The route table shared by routes.test.ts and ratelimit.test.ts: every API route with a valid and an invalid request.
import type { InjectOptions } from 'fastify';
import { expect } from 'vitest';
import { doc, SHOUT_RULE } from './harness.js';

export interface Problem {
  in: string;
  pointer: string;
  code: string;
  message: string;
}

export interface RouteCase {
  name: string;
  method: NonNullable<InjectOptions['method']>;
  url: (g: string) => string;
  body?: (g: string) => unknown;
  /** Whether the route is guild-scoped (403 for a foreign guild). */
  guild: boolean;
  /** Seed a first version before the request. */
  seed?: boolean;
  status?: number;
  check?: (json: Record<string, unknown>, g: string) => void;
  /** A request that is invalid: status 400 with a problem at `pointer` (in `where`). */
  invalid?: { url?: (g: string) => string; body?: (g: string) => unknown; where: string; pointer: string };
  /** Sending If-Match "99" must answer 409 and change nothing. */
  stale?: boolean;
  /** The route needs a signed-in user (tokens get 403). */
  userOnly?: boolean;
}

const simulateBody = (g: string) => ({
  document: doc(g, [SHOUT_RULE]),
  world: { members: [{ id: 'u1' }], channels: [{ id: 'general' }] },
  steps: [
    { event: 'message.create', with: { author: 'u1', channel: 'general', content: 'HELLO EVERYONE LOOK AT ME' } },
  ],
});

export const ROUTES: RouteCase[] = [
  {
    name: 'GET ruleset',
    method: 'GET',
    url: (g) => `/api/guilds/${g}/ruleset`,
    guild: true,
    seed: true,
    check: (j) => expect(j['version']).toBe(1),
    invalid: { url: () => `/api/guilds/not-a-snowflake/ruleset`, where: 'params', pointer: '/guildId' },
  },
  {
    name: 'PUT ruleset',
    method: 'PUT',
    url: (g) => `/api/guilds/${g}/ruleset`,
    body: (g) => ({ document: doc(g, [SHOUT_RULE]), message: 'add shouting rule' }),
    guild: true,
    seed: true,
    check: (j) => expect(j['version']).toBe(2),
    invalid: {
      body: (g) => ({ document: doc(g, [{ ...SHOUT_RULE, then: [{ 'message.explode': {} }] }]) }),
      where: 'body',
      pointer: '/document/rules/0/then/0',
    },
    stale: true,
  },
  {
    name: 'POST ruleset/validate',
    method: 'POST',
    url: (g) => `/api/guilds/${g}/ruleset/validate`,
    body: (g) => ({ document: doc(g, [SHOUT_RULE]) }),
    guild: true,
    check: (j) => expect(j['valid']).toBe(true),
    invalid: { body: () => ({}), where: 'body', pointer: '/document' },
  },
  {
    name: 'GET ruleset/versions',
    method: 'GET',
    url: (g) => `/api/guilds/${g}/ruleset/versions`,
    guild: true,
    seed: true,
    check: (j) => expect((j['versions'] as unknown[]).length).toBe(1),
    invalid: { url: (g) => `/api/guilds/${g}/ruleset/versions?limit=0`, where: 'query', pointer: '/limit' },
  },
  {
    name: 'GET ruleset/versions/:v',
    method: 'GET',
    url: (g) => `/api/guilds/${g}/ruleset/versions/1`,
    guild: true,
    seed: true,
    check: (j) => expect(j['document']).toMatchObject({ kind: 'RuleSet' }),
    invalid: { url: (g) => `/api/guilds/${g}/ruleset/versions/0`, where: 'params', pointer: '/v' },
  },
  {
    name: 'GET ruleset/diff',
    method: 'GET',
    url: (g) => `/api/guilds/${g}/ruleset/diff?from=0`,
    guild: true,
    seed: true,
    check: (j) => expect(j['to']).toBe(1),
    invalid: { url: (g) => `/api/guilds/${g}/ruleset/diff`, where: 'query', pointer: '/from' },
  },
  {
    name: 'POST ruleset/versions/:v/restore',
    method: 'POST',
    url: (g) => `/api/guilds/${g}/ruleset/versions/1/restore`,
    body: () => ({ message: 'back' }),
    guild: true,
    seed: true,
    check: (j) => expect(j).toMatchObject({ version: 2, restoredFrom: 1 }),
    invalid: { body: () => ({ bogus: true }), where: 'body', pointer: '/bogus' },
    stale: true,
  },
  {
    name: 'POST ruleset/plan',
    method: 'POST',
    url: (g) => `/api/guilds/${g}/ruleset/plan`,
    body: (g) => ({ document: doc(g, [SHOUT_RULE]) }),
    guild: true,
    seed: true,
    check: (j) => expect(j).toMatchObject({ valid: true, fromVersion: 1, rules: { added: ['no-shouting'] } }),
    invalid: { body: () => ({ document: 5, extra: 1 }), where: 'body', pointer: '/extra' },
  },
  {
    name: 'POST ruleset/apply',
    method: 'POST',
    url: (g) => `/api/guilds/${g}/ruleset/apply`,
    body: (g) => ({ document: doc(g, [SHOUT_RULE]), message: 'apply' }),
    guild: true,
    seed: true,
    check: (j) => expect(j).toMatchObject({ applied: true, version: 2 }),
    invalid: {
      body: (g) => ({ document: doc(g, [{ ...SHOUT_RULE, on: 'message.nope' }]) }),
      where: 'body',
      pointer: '/document/rules/0/on',
    },
    stale: true,
  },
  {
    name: 'POST simulate',
    method: 'POST',
    url: (g) => `/api/guilds/${g}/simulate`,
    body: simulateBody,
    guild: true,
    check: (j) => expect((j['actions'] as { action: string }[]).map((a) => a.action)).toContain('message.delete'),
    invalid: { body: (g) => ({ document: doc(g), steps: [] }), where: 'body', pointer: '/steps' },
  },
  {
    name: 'GET traces',
    method: 'GET',
    url: (g) => `/api/guilds/${g}/traces`,
    guild: true,
    check: (j) => expect(j['traces']).toEqual([]),
    invalid: { url: (g) => `/api/guilds/${g}/traces?outcome=exploded`, where: 'query', pointer: '/outcome' },
  },
  {
    name: 'GET settings',
    method: 'GET',
    url: (g) => `/api/guilds/${g}/settings`,
    guild: true,
    check: (j) => expect((j['modules'] as { id: string }[]).map((m) => m.id)).toContain('moderation'),
    invalid: { url: () => `/api/guilds/12ab/settings`, where: 'params', pointer: '/guildId' },
  },
  {
    name: 'PATCH settings',
    method: 'PATCH',
    url: (g) => `/api/guilds/${g}/settings`,
    body: () => ({ modules: { moderation: { logChannel: '223344556677889900' } } }),
    guild: true,
    seed: true,
    check: (j) => expect(j['version']).toBe(2),
    invalid: {
      body: () => ({ modules: { moderation: { bogus: 1 } } }),
      where: 'body',
      pointer: '/modules/moderation/bogus',
    },
    stale: true,
  },
  {
    name: 'GET premium',
    method: 'GET',
    url: (g) => `/api/guilds/${g}/premium`,
    guild: true,
    check: (j) => expect(j).toMatchObject({ tier: 'free', premium: false }),
    invalid: { url: () => `/api/guilds/x/premium`, where: 'params', pointer: '/guildId' },
  },
  {
    name: 'GET catalog',
    method: 'GET',
    url: () => `/api/catalog`,
    guild: false,
    check: (j) => expect((j['actions'] as { name: string }[]).map((a) => a.name)).toContain('message.delete'),
  },
  {
    name: 'GET templates',
    method: 'GET',
    url: () => `/api/templates`,
    guild: false,
    check: (j) => expect((j['templates'] as { id: string }[]).map((t) => t.id)).toContain('caps-filter'),
  },
  {
    name: 'GET templates/:id',
    method: 'GET',
    url: () => `/api/templates/caps-filter@1`,
    guild: false,
    check: (j) => expect(j).toMatchObject({ id: 'caps-filter', version: 1 }),
    invalid: { url: () => `/api/templates/Caps!`, where: 'params', pointer: '/id' },
  },
  {
    name: 'POST templates/:id/use',
    method: 'POST',
    url: (g) => `/api/guilds/${g}/templates/caps-filter/use`,
    body: () => ({ inputs: { threshold: 0.8 }, as: 'caps' }),
    guild: true,
    seed: true,
    check: (j) => expect(j).toMatchObject({ version: 2, ruleId: 'caps' }),
    invalid: { body: () => ({ inputs: { threshold: 2 } }), where: 'body', pointer: '/inputs/threshold' },
    stale: true,
  },
  {
    name: 'GET me',
    method: 'GET',
    url: () => `/api/me`,
    guild: false,
    userOnly: true,
    check: (j) => expect(typeof j['csrfToken']).toBe('string'),
  },
  {
    name: 'GET me/guilds',
    method: 'GET',
    url: () => `/api/me/guilds`,
    guild: false,
    userOnly: true,
    check: (j, g) => expect((j['guilds'] as { id: string }[]).map((x) => x.id)).toContain(g),
  },
  {
    name: 'GET tokens',
    method: 'GET',
    url: (g) => `/api/guilds/${g}/tokens`,
    guild: true,
    userOnly: true,
    check: (j) => expect(Array.isArray(j['tokens'])).toBe(true),
    invalid: { url: () => `/api/guilds/abc/tokens`, where: 'params', pointer: '/guildId' },
  },
  {
    name: 'POST tokens',
    method: 'POST',
    url: (g) => `/api/guilds/${g}/tokens`,
    body: () => ({ name: 'ci', scope: 'write' }),
    guild: true,
    userOnly: true,
    check: (j) => expect(String(j['token'])).toMatch(/^rct_/),
    invalid: { body: () => ({ name: '', scope: 'admin' }), where: 'body', pointer: '/scope' },
  },
  {
    name: 'GET audit',
    method: 'GET',
    url: (g) => `/api/guilds/${g}/audit`,
    guild: true,
    seed: true,
    check: (j) => expect((j['entries'] as { action: string }[])[0]?.action).toBe('ruleset.update'),
    invalid: { url: (g) => `/api/guilds/${g}/audit?limit=9999`, where: 'query', pointer: '/limit' },
  },
];
