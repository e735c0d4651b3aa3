// Every API route: success, 401 (no credentials), 403 (a guild the caller may not manage), 400 with JSON pointers,
// 409 for stale versions where it applies, and 429 (in routes-ratelimit.test.ts). Real PostgreSQL and Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { createHarness, doc, owner, snowflake, type Client, type Harness } from './harness.js';
import { ROUTES, type Problem, type RouteCase } from './route-cases.js';

function req(
  c: RouteCase,
  g: string,
  client: Client | null,
  overrides: { headers?: Record<string, string> } = {},
): InjectOptions {
  const headers = client ? (c.method === 'GET' ? client.read : client.write) : {};
  const body = c.body?.(g);
  return {
    method: c.method,
    url: c.url(g),
    headers,
    ...(body === undefined ? {} : { payload: body as object }),
    ...overrides,
  };
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
      const put = await h.inject({
        method: 'PUT',
        url: `/api/guilds/${g}/ruleset`,
        headers: user.write,
        payload: { document: doc(g), message: 'seed' },
      });
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
    const res = await h.inject(
      req(c, guilds[i]!, null, { headers: c.method === 'GET' ? {} : { origin: 'https://studio.example.test' } }),
    );
    expect(res.statusCode, res.body).toBe(401);
    expect(res.json().error.code).toBe('RC_API_UNAUTHENTICATED');
  });

  it.each(ROUTES.filter((c) => c.guild || c.userOnly).map((c) => [c.name, ROUTES.indexOf(c)] as const))(
    '%s: 403 for a guild the caller may not manage (or a token on a user-only route)',
    async (_name, i) => {
      const c = ROUTES[i]!;
      const g = guilds[i]!;
      const caller = c.guild ? stranger : await h.token(g, 'write');
      const before = await h.db
        .knex('rule_set_versions')
        .where({ guild_id: g })
        .count<{ count: string }[]>('* as count');
      const res = await h.inject(req(c, g, caller));
      expect(res.statusCode, res.body).toBe(403);
      expect(['RC_API_FORBIDDEN', 'RC_API_TOKEN_SCOPE']).toContain(res.json().error.code);
      const after = await h.db
        .knex('rule_set_versions')
        .where({ guild_id: g })
        .count<{ count: string }[]>('* as count');
      expect(after).toEqual(before);
      if (c.guild && !c.userOnly) {
        const logged = await h.db.knex('security_log').where({ guild_id: g, kind: 'guild.forbidden' });
        expect(logged.length).toBeGreaterThan(0);
      }
    },
  );

  it.each(ROUTES.filter((c) => c.invalid).map((c) => [c.name, ROUTES.indexOf(c)] as const))(
    '%s: 400 with JSON pointers',
    async (_name, i) => {
      const c = ROUTES[i]!;
      const g = guilds[i]!;
      const inv = c.invalid!;
      const before = await h.db
        .knex('rule_set_versions')
        .where({ guild_id: g })
        .count<{ count: string }[]>('* as count');
      const body = inv.body ? inv.body(g) : c.body?.(g);
      const res = await h.inject({
        method: c.method,
        url: (inv.url ?? c.url)(g),
        headers: c.method === 'GET' ? user.read : user.write,
        ...(body === undefined ? {} : { payload: body as object }),
      } as InjectOptions);
      expect(res.statusCode, res.body).toBe(400);
      const err = res.json().error;
      expect(err.code).toBe('RC_API_VALIDATION');
      const problems = err.details.problems as Problem[];
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) expect(p.pointer === '' || p.pointer.startsWith('/')).toBe(true);
      expect(
        problems.some((p) => p.in === inv.where && p.pointer.startsWith(inv.pointer)),
        JSON.stringify(problems),
      ).toBe(true);
      const after = await h.db
        .knex('rule_set_versions')
        .where({ guild_id: g })
        .count<{ count: string }[]>('* as count');
      expect(after).toEqual(before);
    },
  );

  it.each(ROUTES.filter((c) => c.stale).map((c) => [c.name, ROUTES.indexOf(c)] as const))(
    '%s: 409 on a stale If-Match, nothing changes',
    async (_name, i) => {
      const c = ROUTES[i]!;
      const g = guilds[i]!;
      const before = await h.db
        .knex('rule_set_versions')
        .where({ guild_id: g })
        .count<{ count: string }[]>('* as count');
      const res = await h.inject(req(c, g, user, { headers: { ...user.write, 'if-match': '"99"' } }));
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'RC_API_CONFLICT', details: { expectedVersion: 99 } });
      const after = await h.db
        .knex('rule_set_versions')
        .where({ guild_id: g })
        .count<{ count: string }[]>('* as count');
      expect(after).toEqual(before);
    },
  );
});
