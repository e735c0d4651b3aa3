// CSRF: every state-changing request with a session cookie needs the session's X-CSRF-Token and an allowed origin;
// GET routes never change anything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, doc, owner, snowflake, type Client, type Harness } from '../api/harness.js';

describe('CSRF protection', () => {
  let h: Harness;
  let g: string;
  let alice: Client;
  let bob: Client;
  beforeAll(async () => {
    h = await createHarness();
    g = snowflake();
    alice = await h.login(owner(h, [g]));
    bob = await h.login(owner(h, [g]));
  });
  afterAll(async () => {
    await h?.close();
  });

  const put = (headers: Record<string, string>) =>
    h.inject({
      method: 'PUT',
      url: `/api/guilds/${g}/ruleset`,
      headers,
      payload: { document: doc(g), message: 'csrf test' },
    });
  const versions = async () =>
    Number((await h.db.knex('rule_set_versions').where({ guild_id: g }).count<{ c: string }[]>('* as c'))[0]!.c);

  it('accepts the session-bound token from an allowed origin', async () => {
    expect((await put(alice.write)).statusCode).toBe(200);
  });

  it.each([
    ['missing token', () => ({ cookie: alice.sessionCookie!, origin: 'https://studio.example.test' })],
    [
      'foreign token (another session)',
      () => ({ cookie: alice.sessionCookie!, origin: 'https://studio.example.test', 'x-csrf-token': bob.csrf! }),
    ],
    [
      'garbage token',
      () => ({ cookie: alice.sessionCookie!, origin: 'https://studio.example.test', 'x-csrf-token': 'x' }),
    ],
    ['foreign Origin', () => ({ ...alice.write, origin: 'https://evil.example' })],
    [
      'cross-site fetch',
      () => ({ cookie: alice.sessionCookie!, 'x-csrf-token': alice.csrf!, 'sec-fetch-site': 'cross-site' }),
    ],
    ['no Origin nor Sec-Fetch-Site', () => ({ cookie: alice.sessionCookie!, 'x-csrf-token': alice.csrf! })],
  ])('refuses %s with 403 and changes nothing', async (_name, headers) => {
    const before = await versions();
    const res = await put(headers());
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('RC_API_CSRF');
    expect(await versions()).toBe(before);
  });

  it('accepts Sec-Fetch-Site: same-origin without an Origin header', async () => {
    expect(
      (await put({ cookie: alice.sessionCookie!, 'x-csrf-token': alice.csrf!, 'sec-fetch-site': 'same-origin' }))
        .statusCode,
    ).toBe(200);
  });

  it('does not ask API tokens (not ambient credentials) for a CSRF token', async () => {
    const t = await h.token(g, 'write');
    expect((await put(t.write)).statusCode).toBe(200);
  });

  it('logs refusals in the security log', async () => {
    const rows = await h.db.knex('security_log').where({ kind: 'csrf.rejected' });
    expect(rows.length).toBeGreaterThan(0);
  });

  it('no GET route changes state (every GET in the OpenAPI document, called as the owner)', async () => {
    const spec = (await h.inject({ method: 'GET', url: '/api/docs' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const tables = ['rule_set_versions', 'audit_log', 'api_tokens', 'sessions', 'guilds'];
    const count = async () =>
      Promise.all(tables.map(async (t) => Number((await h.db.knex(t).count<{ c: string }[]>('* as c'))[0]!.c)));
    const before = await count();
    let called = 0;
    for (const [path, ops] of Object.entries(spec.paths)) {
      if (!ops['get'] || path.startsWith('/api/auth/') || path.endsWith('/stream')) continue; // OAuth navigations: see docs/security.md
      const url = path
        .replace('{guildId}', g)
        .replace('{v}', '1')
        .replace('{id}', 'caps-filter')
        .replace('{tokenId}', 'x');
      const res = await h.inject({
        method: 'GET',
        url: url.includes('/diff') ? `${url}?from=0` : url,
        headers: alice.read,
      });
      expect(res.statusCode, `${url} ${res.body}`).toBeLessThan(500);
      called++;
    }
    expect(called).toBeGreaterThan(12);
    expect(await count()).toEqual(before);
  });
});
