// Session JWT cookie: forged, expired, alg:none, tampered and revoked tokens are 401; cookie attributes.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieFrom, createHarness, owner, SECRET, snowflake, type Client, type Harness } from '../api/harness.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function jwt(
  payload: Record<string, unknown>,
  secret: string,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string {
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
const COOKIE = '__Host-rulecord_session';

describe('session cookie (JWT)', () => {
  let h: Harness;
  let c: Client;
  let g: string;
  let sid: string;
  let sub: string;
  beforeAll(async () => {
    h = await createHarness();
    g = snowflake();
    c = await h.login(owner(h, [g]));
    const claims = JSON.parse(Buffer.from(c.sessionCookie!.split('=')[1]!.split('.')[1]!, 'base64url').toString()) as {
      sid: string;
      sub: string;
    };
    sid = claims.sid;
    sub = claims.sub;
  });
  afterAll(async () => {
    await h?.close();
  });

  const me = (token: string) => h.inject({ method: 'GET', url: '/api/me', headers: { cookie: `${COOKIE}=${token}` } });
  const now = () => Math.floor(Date.now() / 1000);

  it('accepts the real session', async () => {
    expect((await h.inject({ method: 'GET', url: '/api/me', headers: c.read })).statusCode).toBe(200);
  });

  it('refuses a token signed with another secret (forged)', async () => {
    const res = await me(jwt({ sid, sub, iat: now(), exp: now() + 3600 }, 'not-the-secret-' + 'y'.repeat(30)));
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('RC_API_UNAUTHENTICATED');
  });

  it('refuses an expired token even with the right secret', async () => {
    expect((await me(jwt({ sid, sub, iat: now() - 7200, exp: now() - 3600 }, SECRET))).statusCode).toBe(401);
  });

  it('refuses alg:none', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sid, sub, iat: now(), exp: now() + 3600 })}.`;
    expect((await me(unsigned)).statusCode).toBe(401);
    expect((await me(unsigned.slice(0, -1))).statusCode).toBe(401);
  });

  it('refuses HS512 / other algorithms with the same secret', async () => {
    const body = `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64({ sid, sub, iat: now(), exp: now() + 3600 })}`;
    const token = `${body}.${createHmac('sha512', SECRET).update(body).digest('base64url')}`;
    expect((await me(token)).statusCode).toBe(401);
  });

  it('refuses a correctly signed token naming another user or an unknown session', async () => {
    expect((await me(jwt({ sid, sub: '1', iat: now(), exp: now() + 3600 }, SECRET))).statusCode).toBe(401);
    expect((await me(jwt({ sid: 'nope', sub, iat: now(), exp: now() + 3600 }, SECRET))).statusCode).toBe(401);
    expect((await me('garbage')).statusCode).toBe(401);
  });

  it('refuses a correctly signed token that lacks the session or user claim', async () => {
    for (const claims of [{ sub }, { sid }, { sid: 1, sub }, { sid, sub: ['x'] }]) {
      const res = await me(jwt({ ...claims, iat: now(), exp: now() + 3600 }, SECRET));
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('RC_API_UNAUTHENTICATED');
    }
  });

  it('a session whose Discord sign-in is gone is 401 on guild routes, not a 500', async () => {
    const c2 = await h.login(owner(h, [g]));
    const row = await h.db.knex('sessions').whereNotNull('discord_token').orderBy('created_at', 'desc').first();
    await h.db.knex('sessions').where({ id: row.id }).update({ discord_token: null });
    const res = await h.inject({ method: 'GET', url: `/api/guilds/${g}/premium`, headers: c2.read });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toMatchObject({
      code: 'RC_API_UNAUTHENTICATED',
      message: expect.stringMatching(/sign in again/),
    });
  });

  it('logout revokes the session server-side: the old cookie stops working', async () => {
    const c2 = await h.login(owner(h, [g]));
    const out = await h.inject({ method: 'POST', url: '/api/auth/logout', headers: c2.write });
    expect(out.statusCode).toBe(200);
    expect(String(out.headers['set-cookie'])).toContain(`${COOKIE}=;`);
    expect((await h.inject({ method: 'GET', url: '/api/me', headers: c2.read })).statusCode).toBe(401);
    const row = await h.db.knex('sessions').whereNotNull('revoked_at').first();
    expect(row).toBeDefined();
    expect(row.discord_token).toBeNull();
  });

  it('logout needs the CSRF token (a cross-site page cannot sign you out)', async () => {
    const c3 = await h.login(owner(h, [g]));
    const res = await h.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { ...c3.read, origin: 'https://studio.example.test' },
    });
    expect(res.statusCode).toBe(403);
    expect((await h.inject({ method: 'GET', url: '/api/me', headers: c3.read })).statusCode).toBe(200);
  });

  it('sets a __Host- cookie: HttpOnly, Secure, SameSite=Lax, Path=/, no Domain (HTTPS public URL)', async () => {
    const start = await h.inject({ method: 'GET', url: '/api/auth/login' });
    const binding = cookieFrom(start, '__Host-rulecord_oauth')!;
    const { code, state } = h.discord.authorize(String(start.headers.location), owner(h, [g]));
    const cb = await h.inject({
      method: 'GET',
      url: `/api/auth/callback?code=${code}&state=${state}`,
      cookies: { '__Host-rulecord_oauth': binding },
    });
    const set = ([] as string[]).concat(cb.headers['set-cookie'] as string[]).find((x) => x.startsWith(`${COOKIE}=`))!;
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/Secure/i);
    expect(set).toMatch(/SameSite=Lax/i);
    expect(set).toMatch(/Path=\//i);
    expect(set).not.toMatch(/Domain=/i);
  });
});

describe('session cookie on plain-http localhost', () => {
  it('drops the __Host- prefix and Secure (browsers refuse them without HTTPS)', async () => {
    const h = await createHarness({ kind: 'pglite', publicUrl: 'http://localhost:3000' });
    try {
      const c = await h.login(owner(h, [snowflake()]));
      expect(c.sessionCookie!.startsWith('rulecord_session=')).toBe(true);
      const start = await h.inject({ method: 'GET', url: '/api/auth/login' });
      expect(String(start.headers['set-cookie'])).not.toMatch(/Secure/i);
    } finally {
      await h.close();
    }
  });
});
