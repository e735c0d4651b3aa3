// The Discord client against real local HTTP servers that misbehave: errors become the API's error codes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../src/api/errors.js';
import { DiscordOAuthClient, discordBotGuildCheck } from '../../src/auth/discord.js';
import { freePort } from '../../src/testing/index.js';
import { createHarness, owner, snowflake } from '../api/harness.js';

let server: Server;
let base: string;
let answer: { status: number; headers?: Record<string, string>; body?: unknown } = { status: 200, body: {} };

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(JSON.stringify(answer.body ?? {}));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = () =>
  new DiscordOAuthClient({
    clientId: '1',
    clientSecret: 's',
    redirectUri: 'https://x/api/auth/callback',
    apiBaseUrl: base,
  });
const codeOf = async (p: Promise<unknown>) => ((await p.catch((e: unknown) => e)) as ApiError).code;

describe('DiscordOAuthClient', () => {
  it('maps Discord answers to API errors', async () => {
    answer = { status: 429, headers: { 'retry-after': '2.5' } };
    const limited = (await client()
      .guilds('t')
      .catch((e: unknown) => e)) as ApiError;
    expect(limited.code).toBe('RC_API_RATE_LIMITED');
    expect(limited.headers).toEqual({ 'retry-after': '3' });
    // without a usable Retry-After, the client is told to wait one second
    for (const headers of [{}, { 'retry-after': 'soon' }]) {
      answer = { status: 429, headers };
      expect(
        (
          (await client()
            .me('t')
            .catch((e: unknown) => e)) as ApiError
        ).headers,
      ).toEqual({ 'retry-after': '1' });
    }
    answer = { status: 401 };
    expect(await codeOf(client().me('t'))).toBe('RC_API_UNAUTHENTICATED');
    answer = { status: 500 };
    expect(await codeOf(client().guilds('t'))).toBe('RC_API_DISCORD');
    answer = { status: 400 };
    expect(await codeOf(client().exchangeCode('c', 'v'))).toBe('RC_API_OAUTH_STATE');
  });

  it('is RC_API_DEPENDENCY_DOWN when Discord cannot be reached', async () => {
    const port = await freePort();
    const down = new DiscordOAuthClient({
      clientId: '1',
      clientSecret: 's',
      redirectUri: 'r',
      apiBaseUrl: `http://127.0.0.1:${port}`,
    });
    expect(await codeOf(down.me('t'))).toBe('RC_API_DEPENDENCY_DOWN');
  });
});

describe('discordBotGuildCheck', () => {
  it('200 → in the guild; 403/404 → not; a non-snowflake is never asked; 5xx is an error', async () => {
    const check = discordBotGuildCheck('bot', base);
    answer = { status: 200 };
    expect(await check('123')).toBe(true);
    answer = { status: 404 };
    expect(await check('123')).toBe(false);
    answer = { status: 403 };
    expect(await check('123')).toBe(false);
    answer = { status: 200 };
    expect(await check('../users/@me')).toBe(false);
    answer = { status: 502 };
    expect(await codeOf(check('123'))).toBe('RC_API_DISCORD');
  });
});

describe('Discord unreachable during sign-in', () => {
  it('the callback answers 503 and creates no session', async () => {
    const h = await createHarness({ kind: 'pglite' });
    try {
      const start = await h.inject({ method: 'GET', url: '/api/auth/login' });
      const binding = String(start.headers['set-cookie']).split(';')[0]!.split('=')[1]!;
      const { code, state } = h.discord.authorize(String(start.headers.location), owner(h, [snowflake()]));
      await h.discord.close();
      const cb = await h.inject({
        method: 'GET',
        url: `/api/auth/callback?code=${code}&state=${state}`,
        cookies: { '__Host-rulecord_oauth': binding },
      });
      expect(cb.statusCode).toBe(503);
      expect(cb.json().error.code).toBe('RC_API_DEPENDENCY_DOWN');
      expect((await h.db.knex('sessions')).length).toBe(0);
    } finally {
      await h.app.close();
      await h.db.destroy();
    }
  });
});
