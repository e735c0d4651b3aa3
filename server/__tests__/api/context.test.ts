// How the API is composed from what the host process hands it: the process configuration as fallback for every
// option, defaults when nothing is configured, and a host that already registered cookie/websocket support.
import fastifyCookie from '@fastify/cookie';
import fastifyWebsocket from '@fastify/websocket';
import { fastify, type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes, type ApiDeps } from '../../src/api/index.js';
import { loadConfig } from '../../src/config/index.js';
import { openTestDatabase, type TestDatabase } from '../../src/testing/index.js';
import { cookieFrom, registry } from './harness.js';

const SECRET = 'c'.repeat(40) + '-context-test-secret';

async function build(db: TestDatabase, deps: Omit<ApiDeps, 'db'>, host?: (app: FastifyInstance) => Promise<void>) {
  const logs: string[] = [];
  const app = fastify({ logger: { level: 'warn', stream: { write: (line: string) => void logs.push(line) } } });
  if (host) await host(app);
  await app.register(apiRoutes, { prefix: '/api', db, ...deps });
  await app.ready();
  return { app, logs };
}

describe('API composition', () => {
  let db: TestDatabase;
  const apps: FastifyInstance[] = [];
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await db?.destroy();
  });

  it('takes PUBLIC_URL, SESSION_SECRET, Discord credentials and the default catalog from the configuration', async () => {
    const config = loadConfig({
      env: {
        PUBLIC_URL: 'https://rules.example.org',
        SESSION_SECRET: SECRET,
        DISCORD_CLIENT_ID: '111111111111111111',
        DISCORD_CLIENT_SECRET: 'client-secret-from-config',
        DISCORD_TOKEN: 'bot-token-from-config',
      },
      envFile: false,
    });
    const { app, logs } = await build(db, { config });
    apps.push(app);
    expect((await app.inject({ method: 'GET', url: '/api/auth/config' })).json()).toEqual({
      oauth: true,
      sandbox: false,
      sandboxGuildId: null,
    });
    const login = await app.inject({ method: 'GET', url: '/api/auth/login' });
    const to = new URL(String(login.headers.location));
    expect(to.origin + to.pathname).toBe('https://discord.com/oauth2/authorize');
    expect(to.searchParams.get('client_id')).toBe('111111111111111111');
    expect(to.searchParams.get('redirect_uri')).toBe('https://rules.example.org/api/auth/callback');
    // HTTPS public URL → __Host- cookies
    expect(cookieFrom(login, '__Host-rulecord_oauth')).toBeTruthy();
    // the default registry is the whole catalog
    const schema = (await app.inject({ method: 'GET', url: '/api/schemas/ruleset.json' })).json();
    expect(JSON.stringify(schema)).toContain('message.create');
    expect(logs.join('\n')).not.toMatch(/SESSION_SECRET is not set|SANDBOX LOGIN/);
  });

  it('with nothing configured: a random session secret (said in the log), sandbox login, only the sandbox guild', async () => {
    const config = loadConfig({ env: { PUBLIC_URL: 'http://localhost' }, envFile: false });
    const other = '100000000000000099';
    const { app, logs } = await build(db, {
      config,
      registry: registry(),
      sandboxGuilds: () => [
        { id: '100000000000000001', name: 'Sandbox', owner: true, permissions: '8' },
        { id: other, name: 'Elsewhere', owner: true, permissions: '8' },
      ],
    });
    apps.push(app);
    expect(logs.join('\n')).toMatch(/SESSION_SECRET is not set/);
    // http://localhost (no port) is also reached as 127.0.0.1 and [::1]
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/sandbox',
      headers: { origin: 'http://127.0.0.1' },
    });
    expect(login.statusCode).toBe(200);
    const cookie = `rulecord_session=${cookieFrom(login, 'rulecord_session')}`;
    // without a bot token the bot is taken to be in the sandbox guild only
    const guilds = (await app.inject({ method: 'GET', url: '/api/me/guilds', headers: { cookie } })).json();
    expect(guilds.guilds.map((g: { id: string }) => g.id)).toEqual(['100000000000000001']);
    expect(
      (await app.inject({ method: 'GET', url: `/api/guilds/${other}/premium`, headers: { cookie } })).statusCode,
    ).toBe(403);
    // without a trace store: an empty one
    const traces = await app.inject({
      method: 'GET',
      url: '/api/guilds/100000000000000001/traces',
      headers: { cookie },
    });
    expect(traces.json()).toEqual({ traces: [] });
    // no Discord: the OAuth callback does not exist either
    const cb = await app.inject({ method: 'GET', url: '/api/auth/callback?code=x&state=y' });
    expect(cb.statusCode).toBe(404);
    expect(cb.json().error.code).toBe('RC_API_NOT_FOUND');
  });

  it('a sandbox session does not survive configuring Discord OAuth', async () => {
    const sandbox = await build(db, {
      registry: registry(),
      publicUrl: 'http://localhost:3000',
      sessionSecret: SECRET,
      oauth: null,
    });
    const withOAuth = await build(db, {
      registry: registry(),
      publicUrl: 'http://localhost:3000',
      sessionSecret: SECRET,
      oauth: { clientId: '1', clientSecret: 's' },
    });
    apps.push(sandbox.app, withOAuth.app);
    const login = await sandbox.app.inject({
      method: 'POST',
      url: '/api/auth/sandbox',
      headers: { origin: 'http://localhost:3000' },
    });
    const cookie = `rulecord_session=${cookieFrom(login, 'rulecord_session')}`;
    expect((await sandbox.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(200);
    const after = await withOAuth.app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('RC_API_UNAUTHENTICATED');
  });

  it('extra allowed origins may make changes (also same-site), other sites may not; default URL http://localhost:3000', async () => {
    const { app } = await build(db, {
      registry: registry(),
      sessionSecret: SECRET,
      oauth: null,
      allowedOrigins: ['https://preview.example.org/any/path'],
    });
    apps.push(app);
    const sandbox = (headers: Record<string, string>) =>
      app.inject({ method: 'POST', url: '/api/auth/sandbox', headers });
    expect((await sandbox({ origin: 'http://localhost:3000' })).statusCode).toBe(200);
    expect((await sandbox({ origin: 'https://preview.example.org' })).statusCode).toBe(200);
    expect((await sandbox({ origin: 'https://preview.example.org', 'sec-fetch-site': 'same-site' })).statusCode).toBe(
      200,
    );
    for (const headers of [
      { origin: 'https://evil.example' },
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'cross-site' },
    ]) {
      const res = await sandbox(headers);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('RC_API_CSRF');
    }
  });

  it('works inside a host that registered cookie and websocket support itself', async () => {
    const { app } = await build(
      db,
      { registry: registry(), publicUrl: 'http://localhost:3000', sessionSecret: SECRET, oauth: null },
      async (host) => {
        await host.register(fastifyCookie);
        await host.register(fastifyWebsocket);
      },
    );
    apps.push(app);
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/sandbox',
      headers: { origin: 'http://localhost:3000' },
    });
    const cookie = `rulecord_session=${cookieFrom(login, 'rulecord_session')}`;
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).json().user.sandbox).toBe(true);
    let first: Promise<string> | undefined;
    const ws = await app.injectWS(
      '/api/guilds/100000000000000001/traces/stream',
      { headers: { cookie } },
      { onInit: (socket) => (first = new Promise((resolve) => socket.once('message', (m) => resolve(String(m))))) },
    );
    expect(JSON.parse(await first!)).toEqual({ type: 'ready', guildId: '100000000000000001' });
    ws.terminate();
  });
});
