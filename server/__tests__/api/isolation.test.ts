// 1,000 random requests from users and tokens against guilds they may or may not manage: every answer agrees with the
// access model, and no response ever carries another guild's data.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, doc, snowflake, type Client, type Harness } from './harness.js';

const GUILDS = 6;
const marker = (g: string) => `SECRET-${g}`;

describe('cross-guild isolation', () => {
  let h: Harness;
  let guilds: string[];
  const principals: { client: Client; can: (g: string) => boolean; write: (g: string) => boolean; user: boolean }[] =
    [];
  const versions = new Map<string, number>();

  beforeAll(async () => {
    h = await createHarness({ redis: true });
    guilds = Array.from({ length: GUILDS }, () => snowflake());
    for (const g of guilds) h.discord.botGuilds.add(g);
    // users: each manages a fixed subset (owner, MANAGE_GUILD, ADMINISTRATOR, or a member without rights)
    const subsets = [[0, 1], [1, 2, 3], [4], [], [0, 5]];
    for (const [u, subset] of subsets.entries()) {
      const id = snowflake();
      const user = {
        id,
        username: `u${u}`,
        guilds: guilds.map((g, i) => ({
          id: g,
          name: `g${i}`,
          owner: subset.includes(i) && u % 2 === 0,
          permissions: subset.includes(i) ? (u % 2 === 0 ? '0' : '32') : '1024',
        })),
      };
      const client = await h.login(user);
      const managed = new Set(subset.map((i) => guilds[i]!));
      principals.push({ client, can: (g) => managed.has(g), write: (g) => managed.has(g), user: true });
    }
    // tokens: a read and a write token per guild
    for (const g of guilds) {
      for (const scope of ['read', 'write'] as const) {
        const client = await h.token(g, scope);
        principals.push({ client, can: (x) => x === g, write: (x) => x === g && scope === 'write', user: false });
      }
    }
    // every guild: a rule set, a trace and a token carrying its marker
    for (const g of guilds) {
      const writer = principals.find((p) => !p.user && p.write(g))!;
      const res = await h.inject({
        method: 'PUT',
        url: `/api/guilds/${g}/ruleset`,
        headers: writer.client.write,
        payload: { document: doc(g, [], { modules: { moderation: { logChannel: marker(g) } } }), message: marker(g) },
      });
      expect(res.statusCode, res.body).toBe(200);
      versions.set(g, 1);
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  type Route = {
    method: 'GET' | 'PUT' | 'POST' | 'PATCH';
    path: (g: string) => string;
    body?: (g: string) => unknown;
    write: boolean;
    userOnly?: boolean;
    changes?: boolean;
  };
  const routes: Route[] = [
    { method: 'GET', path: (g) => `/api/guilds/${g}/ruleset`, write: false },
    { method: 'GET', path: (g) => `/api/guilds/${g}/ruleset/versions`, write: false },
    { method: 'GET', path: (g) => `/api/guilds/${g}/ruleset/versions/1`, write: false },
    { method: 'GET', path: (g) => `/api/guilds/${g}/ruleset/diff?from=0`, write: false },
    { method: 'GET', path: (g) => `/api/guilds/${g}/traces`, write: false },
    { method: 'GET', path: (g) => `/api/guilds/${g}/settings`, write: false },
    { method: 'GET', path: (g) => `/api/guilds/${g}/premium`, write: false },
    { method: 'GET', path: (g) => `/api/guilds/${g}/audit`, write: false },
    { method: 'GET', path: (g) => `/api/guilds/${g}/tokens`, write: false, userOnly: true },
    { method: 'POST', path: (g) => `/api/guilds/${g}/ruleset/plan`, body: (g) => ({ document: doc(g) }), write: false },
    {
      method: 'PUT',
      path: (g) => `/api/guilds/${g}/ruleset`,
      body: (g) => ({ document: doc(g, [], { modules: { moderation: { logChannel: marker(g) } } }), message: 'x' }),
      write: true,
      changes: true,
    },
    {
      method: 'PATCH',
      path: (g) => `/api/guilds/${g}/settings`,
      body: (g) => ({ modules: { moderation: { logChannel: marker(g) } } }),
      write: true,
      changes: true,
    },
  ];

  it('1,000 random requests: status follows the access model and nothing leaks', async () => {
    let allowedCount = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: principals.length - 1 }),
        fc.nat({ max: GUILDS - 1 }),
        fc.nat({ max: routes.length - 1 }),
        async (pi, gi, ri) => {
          const p = principals[pi]!;
          const g = guilds[gi]!;
          const r = routes[ri]!;
          const body = r.body?.(g);
          const res = await h.inject({
            method: r.method,
            url: r.path(g),
            headers: r.method === 'GET' ? p.client.read : p.client.write,
            ...(body === undefined ? {} : { payload: body as object }),
          });
          const allowed = p.can(g) && (!r.write || p.write(g)) && (!r.userOnly || p.user);
          expect(res.statusCode, `${r.method} ${r.path(g)} ${res.body}`).toBe(allowed ? 200 : 403);
          if (allowed) allowedCount++;
          if (allowed && r.changes) versions.set(g, (versions.get(g) ?? 0) + 1);
          for (const other of guilds) if (other !== g) expect(res.body).not.toContain(marker(other));
          if (!allowed) expect(res.body).not.toContain(marker(g));
        },
      ),
      { numRuns: 1000, seed: 20261125 },
    );
    expect(allowedCount).toBeGreaterThan(100);
    for (const g of guilds) {
      const rows = await h.db.knex('rule_set_versions').where({ guild_id: g });
      expect(rows.length).toBe(versions.get(g));
      for (const row of rows)
        for (const other of guilds) if (other !== g) expect(JSON.stringify(row.document)).not.toContain(marker(other));
    }
  });
});
