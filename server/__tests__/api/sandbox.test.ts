// The embedded default (PGlite, no Redis, no OAuth): sandbox login for loopback requests only, logged loudly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SANDBOX_GUILD_ID } from '../../src/api/index.js';
import { cookieFrom, createHarness, doc, type Harness } from './harness.js';

describe('sandbox login on the embedded default', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({
      kind: 'pglite',
      oauth: false,
      publicUrl: 'http://localhost:3000',
      deps: { botToken: null },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const g = DEFAULT_SANDBOX_GUILD_ID;
  const origin = 'http://localhost:3000';

  it('says so loudly at start', () => {
    expect(h.logs.join('\n')).toMatch(/SANDBOX LOGIN ENABLED/);
  });

  it('signs a loopback client in as the sandbox admin, who manages the sandbox guild', async () => {
    const cfg = await h.inject({ method: 'GET', url: '/api/auth/config' });
    expect(cfg.json()).toEqual({ oauth: false, sandbox: true, sandboxGuildId: g });
    const res = await h.inject({ method: 'POST', url: '/api/auth/sandbox', headers: { origin } });
    expect(res.statusCode, res.body).toBe(200);
    const cookie = `rulecord_session=${cookieFrom(res, 'rulecord_session')}`;
    const csrf = res.json().csrfToken as string;
    const guilds = await h.inject({ method: 'GET', url: '/api/me/guilds', headers: { cookie } });
    expect(guilds.json().guilds.map((x: { id: string }) => x.id)).toEqual([g]);
    const put = await h.inject({
      method: 'PUT',
      url: `/api/guilds/${g}/ruleset`,
      headers: { cookie, origin, 'x-csrf-token': csrf },
      payload: { document: doc(g), message: 'sandbox' },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(
      (await h.inject({ method: 'GET', url: `/api/guilds/${g}/ruleset`, headers: { cookie } })).json().author,
    ).toMatch(/^sandbox:/);
    expect((await h.inject({ method: 'GET', url: `/api/guilds/123/ruleset`, headers: { cookie } })).statusCode).toBe(
      403,
    );
    expect(h.logs.join('\n')).toMatch(/SANDBOX LOGIN: a loopback client signed in/);
  });

  it('refuses non-loopback clients and anything that came through a proxy', async () => {
    for (const [remoteAddress, headers] of [
      ['203.0.113.7', { origin }],
      ['10.0.0.2', { origin }],
      ['127.0.0.1', { origin, 'x-forwarded-for': '203.0.113.7' }],
      ['127.0.0.1', { origin, forwarded: 'for=203.0.113.7' }],
    ] as const) {
      const res = await h.inject({ method: 'POST', url: '/api/auth/sandbox', remoteAddress, headers });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('RC_API_SANDBOX_REMOTE');
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('refuses a sandbox login requested by another site (login CSRF)', async () => {
    const res = await h.inject({
      method: 'POST',
      url: '/api/auth/sandbox',
      headers: { origin: 'https://evil.example' },
    });
    expect(res.statusCode).toBe(403);
  });

  it('has no Discord login without credentials', async () => {
    expect((await h.inject({ method: 'GET', url: '/api/auth/login' })).statusCode).toBe(404);
  });
});

describe('origins of a localhost studio', () => {
  it('accepts localhost, 127.0.0.1 and [::1] on the same port, nothing else', async () => {
    const h = await createHarness({
      kind: 'pglite',
      oauth: false,
      publicUrl: 'http://localhost:3000',
      deps: { botToken: null },
    });
    try {
      for (const origin of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000'])
        expect((await h.inject({ method: 'POST', url: '/api/auth/sandbox', headers: { origin } })).statusCode).toBe(
          200,
        );
      for (const origin of ['http://localhost:3001', 'https://localhost:3000', 'http://127.0.0.2:3000'])
        expect((await h.inject({ method: 'POST', url: '/api/auth/sandbox', headers: { origin } })).statusCode).toBe(
          403,
        );
    } finally {
      await h.close();
    }
  });
});
