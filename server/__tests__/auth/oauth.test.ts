// Discord OAuth2 authorization-code flow with PKCE and a single-use, browser-bound state, against a fake Discord over
// real HTTP. A bad state is 400 and creates no session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieFrom, createHarness, owner, snowflake, type Harness } from '../api/harness.js';

const BIND = '__Host-rulecord_oauth';
const SESSION = '__Host-rulecord_session';

describe('OAuth login', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  async function start() {
    const res = await h.inject({ method: 'GET', url: '/api/auth/login' });
    expect(res.statusCode).toBe(302);
    return { location: String(res.headers.location), binding: cookieFrom(res, BIND)! };
  }
  const sessions = async () => Number((await h.db.knex('sessions').count<{ c: string }[]>('* as c'))[0]!.c);

  it('redirects to Discord with code flow, identify+guilds, S256 PKCE and a state', async () => {
    const { location } = await start();
    const u = new URL(location);
    expect(u.origin + u.pathname).toBe(h.discord.authorizeUrl);
    expect(u.searchParams.get('response_type')).toBe('code');
    expect(u.searchParams.get('scope')).toBe('identify guilds');
    expect(u.searchParams.get('code_challenge_method')).toBe('S256');
    expect(u.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(u.searchParams.get('state')!.length).toBeGreaterThanOrEqual(40);
    expect(u.searchParams.get('redirect_uri')).toBe('https://studio.example.test/api/auth/callback');
  });

  it('completes the flow: the token exchange carries the PKCE verifier, and a session cookie is set', async () => {
    const { location, binding } = await start();
    const user = owner(h, [snowflake()]);
    const { code, state } = h.discord.authorize(location, user);
    const cb = await h.inject({
      method: 'GET',
      url: `/api/auth/callback?code=${code}&state=${state}`,
      cookies: { [BIND]: binding },
    });
    expect(cb.statusCode).toBe(302);
    expect(cb.headers.location).toBe('/');
    expect(cookieFrom(cb, SESSION)).toBeTruthy();
    const exchange = h.discord.requests.filter((r) => r.path.endsWith('/oauth2/token')).at(-1)!;
    expect(new URLSearchParams(exchange.body).get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    // the Discord access token is kept sealed, never in clear
    const row = await h.db.knex('sessions').where({ user_id: user.id }).first();
    expect(row.discord_token).not.toContain(exchange.body);
    expect(String(row.discord_token).split('.')).toHaveLength(3);
  });

  it('a callback without state is 400 and creates no session', async () => {
    const { location, binding } = await start();
    const { code } = h.discord.authorize(location, owner(h, [snowflake()]));
    const before = await sessions();
    const cb = await h.inject({ method: 'GET', url: `/api/auth/callback?code=${code}`, cookies: { [BIND]: binding } });
    expect(cb.statusCode).toBe(400);
    expect(cb.json().error.code).toBe('RC_API_OAUTH_STATE');
    expect(cookieFrom(cb, SESSION)).toBeUndefined();
    expect(await sessions()).toBe(before);
  });

  it('a user who cancels on Discord (error=access_denied) gets 400, no session, and the state is burnt', async () => {
    const { location, binding } = await start();
    const { state } = h.discord.authorize(location, owner(h, [snowflake()]));
    const before = await sessions();
    const cb = await h.inject({
      method: 'GET',
      url: `/api/auth/callback?error=access_denied&state=${state}`,
      cookies: { [BIND]: binding },
    });
    expect(cb.statusCode).toBe(400);
    expect(cb.json().error).toMatchObject({
      code: 'RC_API_OAUTH_STATE',
      message: expect.stringContaining('access_denied'),
    });
    expect(cookieFrom(cb, SESSION)).toBeUndefined();
    expect(await sessions()).toBe(before);
    // the state is burnt: coming back with a code now is refused too
    const { code } = h.discord.authorize(location, owner(h, [snowflake()]));
    const replay = await h.inject({
      method: 'GET',
      url: `/api/auth/callback?code=${code}&state=${state}`,
      cookies: { [BIND]: binding },
    });
    expect(replay.statusCode).toBe(400);
    const noCode = await start();
    const again = h.discord.authorize(noCode.location, owner(h, [snowflake()]));
    const cb2 = await h.inject({
      method: 'GET',
      url: `/api/auth/callback?state=${again.state}`,
      cookies: { [BIND]: noCode.binding },
    });
    expect(cb2.statusCode).toBe(400);
    expect(cb2.json().error.message).toContain('no code');
    expect(await sessions()).toBe(before);
  });

  it("names the user by Discord's display name, or the username when there is none", async () => {
    for (const [globalName, shown] of [
      ['Display Name', 'Display Name'],
      [null, 'plainuser'],
    ] as const) {
      const user = { ...owner(h, [snowflake()]), username: 'plainuser', globalName };
      const c = await h.login(user);
      const me = await h.inject({ method: 'GET', url: '/api/me', headers: c.read });
      expect(me.json().user.name).toBe(shown);
    }
  });

  it('logout: an API token cannot log out (403), and logging out without a session just clears the cookie', async () => {
    const g = snowflake();
    owner(h, [g]);
    const t = await h.token(g, 'write');
    const res = await h.inject({ method: 'POST', url: '/api/auth/logout', headers: t.write });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('RC_API_TOKEN_SCOPE');
    const anon = await h.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { origin: 'https://studio.example.test' },
    });
    expect(anon.statusCode).toBe(200);
    expect(anon.json()).toEqual({ ok: true });
    expect(String(anon.headers['set-cookie'])).toMatch(new RegExp(`${SESSION}=;`));
  });

  it('a reused state is 400 and creates no second session', async () => {
    const { location, binding } = await start();
    const { code, state } = h.discord.authorize(location, owner(h, [snowflake()]));
    const first = await h.inject({
      method: 'GET',
      url: `/api/auth/callback?code=${code}&state=${state}`,
      cookies: { [BIND]: binding },
    });
    expect(first.statusCode).toBe(302);
    const before = await sessions();
    const again = await h.inject({
      method: 'GET',
      url: `/api/auth/callback?code=${code}&state=${state}`,
      cookies: { [BIND]: binding },
    });
    expect(again.statusCode).toBe(400);
    expect(cookieFrom(again, SESSION)).toBeUndefined();
    expect(await sessions()).toBe(before);
  });

  it('a state started in another browser (foreign binding cookie, or none) is 400, no session, and is burnt', async () => {
    const victim = await start();
    const attacker = await start();
    const { code, state } = h.discord.authorize(victim.location, owner(h, [snowflake()]));
    const before = await sessions();
    const tokenCalls = h.discord.requests.filter((r) => r.path.endsWith('/oauth2/token')).length;
    const foreign = await h.inject({
      method: 'GET',
      url: `/api/auth/callback?code=${code}&state=${state}`,
      cookies: { [BIND]: attacker.binding },
    });
    expect(foreign.statusCode).toBe(400);
    expect(cookieFrom(foreign, SESSION)).toBeUndefined();
    // the state is single-use: even the right browser cannot use it now
    const late = await h.inject({
      method: 'GET',
      url: `/api/auth/callback?code=${code}&state=${state}`,
      cookies: { [BIND]: victim.binding },
    });
    expect(late.statusCode).toBe(400);
    const other = await start();
    const x = h.discord.authorize(other.location, owner(h, [snowflake()]));
    const noCookie = await h.inject({ method: 'GET', url: `/api/auth/callback?code=${x.code}&state=${x.state}` });
    expect(noCookie.statusCode).toBe(400);
    expect(await sessions()).toBe(before);
    expect(h.discord.requests.filter((r) => r.path.endsWith('/oauth2/token')).length).toBe(tokenCalls);
    const logged = await h.db.knex('security_log').where({ kind: 'oauth.state' });
    expect(logged.length).toBeGreaterThanOrEqual(3);
  });

  it('an unknown state is 400', async () => {
    const { binding } = await start();
    const cb = await h.inject({
      method: 'GET',
      url: `/api/auth/callback?code=abc&state=made-up-state`,
      cookies: { [BIND]: binding },
    });
    expect(cb.statusCode).toBe(400);
  });

  it('a code Discord refuses (PKCE mismatch) is 400 and creates no session', async () => {
    const { location, binding } = await start();
    // forge the challenge Discord saw: the verifier we send cannot match it
    const tampered = new URL(location);
    tampered.searchParams.set('code_challenge', 'A'.repeat(43));
    const { code, state } = h.discord.authorize(tampered.toString(), owner(h, [snowflake()]));
    const before = await sessions();
    const cb = await h.inject({
      method: 'GET',
      url: `/api/auth/callback?code=${code}&state=${state}`,
      cookies: { [BIND]: binding },
    });
    expect(cb.statusCode).toBe(400);
    expect(await sessions()).toBe(before);
  });

  it('sandbox login does not exist when OAuth is configured', async () => {
    const res = await h.inject({
      method: 'POST',
      url: '/api/auth/sandbox',
      headers: { origin: 'https://studio.example.test' },
    });
    expect(res.statusCode).toBe(404);
    expect((await h.inject({ method: 'GET', url: '/api/auth/config' })).json()).toMatchObject({
      oauth: true,
      sandbox: false,
    });
  });
});
