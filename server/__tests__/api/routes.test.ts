// Every API route: success, 401 (no credentials), 403 (a guild the caller may not manage), 400 with JSON pointers,
// 409 for stale versions where it applies, and 429 (in routes-ratelimit.test.ts). Real PostgreSQL and Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { createHarness, doc, owner, snowflake, SHOUT_RULE, type Client, type Harness } from './harness.js';

interface Problem {
  in: string;
  pointer: string;
  code: string;
  message: string;
}

export interface RouteCase {
  name: string;
  method: InjectOptions['method'];
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
  steps: [{ event: 'message.create', with: { author: 'u1', channel: 'general', content: 'HELLO EVERYONE LOOK AT ME' } }],
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
    invalid: { body: (g) => ({ document: doc(g, [{ ...SHOUT_RULE, on: 'message.nope' }]) }), where: 'body', pointer: '/document/rules/0/on' },
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
    invalid: { body: () => ({ modules: { moderation: { bogus: 1 } } }), where: 'body', pointer: '/modules/moderation/bogus' },
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

function req(c: RouteCase, g: string, client: Client | null, overrides: Partial<InjectOptions> = {}): InjectOptions {
  const headers = client ? (c.method === 'GET' ? client.read : client.write) : {};
  const body = c.body?.(g);
  return { method: c.method, url: c.url(g), headers, ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }), ...overrides };
}

describe('every API route', () => {
  let h: Harness;
  let guilds: string[];
  let user: Client;
  let stranger: Client;
  beforeAll(async () => {
    h = await createHarness({ redis: true });
    guilds = ROUTES.map(() => snowflake());
    user = await h.login(owner(h, guilds));
    stranger = await h.login(owner(h, [snowflake()]));
    for (const [i, c] of ROUTES.entries()) {
      if (!c.seed) continue;
      const g = guilds[i]!;
      const put = await h.inject({ method: 'PUT', url: `/api/guilds/${g}/ruleset`, headers: user.write, payload: { document: doc(g), message: 'seed' } });
      expect(put.statusCode, put.body).toBe(200);
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it.each(ROUTES.map((c, i) => [c.name, i] as const))('%s: success', async (_name, i) => {
    const c = ROUTES[i]!;
    const g = guilds[i]!;
    const res = await h.inject(req(c, g, user));
    expect(res.statusCode, res.body).toBe(c.status ?? 200);
    c.check?.(res.json(), g);
  });

  it.each(ROUTES.map((c, i) => [c.name, i] as const))('%s: 401 without credentials', async (_name, i) => {
    const c = ROUTES[i]!;
    const res = await h.inject(req(c, guilds[i]!, null, { headers: c.method === 'GET' ? {} : { origin: 'https://studio.example.test' } }));
    expect(res.statusCode, res.body).toBe(401);
    expect(res.json().error.code).toBe('RC_API_UNAUTHENTICATED');
  });

  it.each(ROUTES.filter((c) => c.guild || c.userOnly).map((c) => [c.name, ROUTES.indexOf(c)] as const))(
    '%s: 403 for a guild the caller may not manage (or a token on a user-only route)',
    async (_name, i) => {
      const c = ROUTES[i]!;
      const g = guilds[i]!;
      const caller = c.guild ? stranger : await h.token(g, 'write');
      const before = await h.db.knex('rule_set_versions').where({ guild_id: g }).count<{ count: string }[]>('* as count');
      const res = await h.inject(req(c, g, caller));
      expect(res.statusCode, res.body).toBe(403);
      expect(['RC_API_FORBIDDEN', 'RC_API_TOKEN_SCOPE']).toContain(res.json().error.code);
      const after = await h.db.knex('rule_set_versions').where({ guild_id: g }).count<{ count: string }[]>('* as count');
      expect(after).toEqual(before);
      if (c.guild && !c.userOnly) {
        const logged = await h.db.knex('security_log').where({ guild_id: g, kind: 'guild.forbidden' });
        expect(logged.length).toBeGreaterThan(0);
      }
    },
  );

  it.each(ROUTES.filter((c) => c.invalid).map((c) => [c.name, ROUTES.indexOf(c)] as const))('%s: 400 with JSON pointers', async (_name, i) => {
    const c = ROUTES[i]!;
    const g = guilds[i]!;
    const inv = c.invalid!;
    const before = await h.db.knex('rule_set_versions').where({ guild_id: g }).count<{ count: string }[]>('* as count');
    const body = inv.body ? inv.body(g) : c.body?.(g);
    const res = await h.inject({
      method: c.method,
      url: (inv.url ?? c.url)(g),
      headers: c.method === 'GET' ? user.read : user.write,
      ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }),
    });
    expect(res.statusCode, res.body).toBe(400);
    const err = res.json().error;
    expect(err.code).toBe('RC_API_VALIDATION');
    const problems = err.details.problems as Problem[];
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p.pointer === '' || p.pointer.startsWith('/')).toBe(true);
    expect(problems.some((p) => p.in === inv.where && p.pointer.startsWith(inv.pointer)), JSON.stringify(problems)).toBe(true);
    const after = await h.db.knex('rule_set_versions').where({ guild_id: g }).count<{ count: string }[]>('* as count');
    expect(after).toEqual(before);
  });

  it.each(ROUTES.filter((c) => c.stale).map((c) => [c.name, ROUTES.indexOf(c)] as const))('%s: 409 on a stale If-Match, nothing changes', async (_name, i) => {
    const c = ROUTES[i]!;
    const g = guilds[i]!;
    const before = await h.db.knex('rule_set_versions').where({ guild_id: g }).count<{ count: string }[]>('* as count');
    const res = await h.inject(req(c, g, user, { headers: { ...user.write, 'if-match': '"99"' } }));
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'RC_API_CONFLICT', details: { expectedVersion: 99 } });
    const after = await h.db.knex('rule_set_versions').where({ guild_id: g }).count<{ count: string }[]>('* as count');
    expect(after).toEqual(before);
  });
});
