// One API under test: the real plugin on a fresh database (PGlite or a random PostgreSQL schema), a real Redis with a
// random key prefix (optional), and a fake Discord over real HTTP on 127.0.0.1.
import { fastify, type FastifyInstance, type InjectOptions, type LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { createCatalogRegistry } from '@rulecord/catalog';
import { InMemoryTraceStore, type Registry } from '@rulecord/engine';
import { apiRoutes, type ApiDeps } from '../../src/api/index.js';
import { ApiTokenStore } from '../../src/auth/tokens.js';
import {
  openTestDatabase,
  randomName,
  requireRedisUrl,
  type TestDatabase,
  type TestDatabaseKind,
} from '../../src/testing/index.js';
import { startFakeDiscord, type FakeDiscord, type FakeUser } from './fake-discord.js';

export const PUBLIC_URL = 'https://studio.example.test';
export const ORIGIN = PUBLIC_URL;
export const SECRET = 'x'.repeat(40) + '-test-session-secret';

let sharedRegistry: Registry | undefined;
export function registry(): Registry {
  sharedRegistry ??= createCatalogRegistry();
  return sharedRegistry;
}

export interface Client {
  kind: 'session' | 'token';
  /** Headers for a safe request. */
  read: Record<string, string>;
  /** Headers for a state-changing request (Origin + CSRF for sessions). */
  write: Record<string, string>;
  userId?: string;
  sessionCookie?: string;
  csrf?: string;
}

export interface Harness {
  app: FastifyInstance;
  db: TestDatabase;
  redis: Redis | null;
  prefix: string;
  discord: FakeDiscord;
  traces: InMemoryTraceStore;
  logs: string[];
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Runs the whole OAuth flow for `user` against the fake Discord; the user's guilds are what Discord reports. */
  login(user: FakeUser): Promise<Client>;
  /** A token for `guildId`, created in the store directly. */
  token(guildId: string, scope: 'read' | 'write'): Promise<Client>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  kind?: TestDatabaseKind;
  redis?: boolean;
  oauth?: boolean;
  publicUrl?: string;
  deps?: Partial<ApiDeps>;
}

export function cookieFrom(res: LightMyRequestResponse, name: string): string | undefined {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [String(raw)];
  for (const c of list) {
    const [pair] = c.split(';');
    const [k, ...v] = (pair ?? '').split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const db = await openTestDatabase(options.kind ?? 'postgres');
  let redis: Redis | null = null;
  if (options.redis) {
    const url = await requireRedisUrl();
    if (url === undefined) throw new Error('Redis unreachable');
    redis = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: false });
  }
  const prefix = `${randomName('rcapi')}:`;
  const discord = await startFakeDiscord();
  const traces = new InMemoryTraceStore();
  const logs: string[] = [];
  const app = fastify({
    logger: { level: 'warn', stream: { write: (line: string) => void logs.push(line) } },
  });
  const publicUrl = options.publicUrl ?? PUBLIC_URL;
  await app.register(apiRoutes, {
    prefix: '/api',
    db: db.knex,
    redis,
    redisPrefix: prefix,
    registry: registry(),
    publicUrl,
    sessionSecret: SECRET,
    oauth: options.oauth === false ? null : { clientId: discord.clientId, clientSecret: discord.clientSecret },
    discordApiBaseUrl: discord.apiBaseUrl,
    discordAuthorizeUrl: discord.authorizeUrl,
    botToken: discord.botToken,
    traces,
    // Tests log in many times from 127.0.0.1; ratelimit.test.ts sets tight limits itself.
    rateLimits: {
      read: { max: 1e6, windowMs: 60_000 },
      write: { max: 1e6, windowMs: 60_000 },
      auth: { max: 1e6, windowMs: 60_000 },
      compute: { max: 1e6, windowMs: 60_000 },
    },
    ...options.deps,
  });
  await app.ready();
  const origin = new URL(publicUrl).origin;
  const inject = (o: InjectOptions) => app.inject(o);

  const h: Harness = {
    app,
    db,
    redis,
    prefix,
    discord,
    traces,
    logs,
    inject,
    async login(user) {
      const start = await inject({ method: 'GET', url: '/api/auth/login' });
      if (start.statusCode !== 302) throw new Error(`login start ${start.statusCode} ${start.body}`);
      const binding = cookieFrom(start, publicUrl.startsWith('https') ? '__Host-rulecord_oauth' : 'rulecord_oauth');
      const { code, state } = discord.authorize(String(start.headers.location), user);
      const cb = await inject({
        method: 'GET',
        url: `/api/auth/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`,
        cookies:
          binding === undefined
            ? {}
            : { [publicUrl.startsWith('https') ? '__Host-rulecord_oauth' : 'rulecord_oauth']: binding },
      });
      if (cb.statusCode !== 302) throw new Error(`callback ${cb.statusCode} ${cb.body}`);
      const name = publicUrl.startsWith('https') ? '__Host-rulecord_session' : 'rulecord_session';
      const session = cookieFrom(cb, name);
      if (!session) throw new Error('no session cookie');
      const cookie = `${name}=${session}`;
      const me = await inject({ method: 'GET', url: '/api/me', headers: { cookie } });
      const csrf = (me.json() as { csrfToken: string }).csrfToken;
      return {
        kind: 'session',
        userId: user.id,
        sessionCookie: cookie,
        csrf,
        read: { cookie },
        write: { cookie, origin, 'x-csrf-token': csrf },
      };
    },
    async token(guildId, scope) {
      await db.knex('guilds').insert({ id: guildId }).onConflict('id').ignore();
      const { token } = await new ApiTokenStore(db.knex).create({
        guildId,
        name: `t-${scope}`,
        scope,
        createdBy: 'test',
      });
      const headers = { authorization: `Bearer ${token}` };
      return { kind: 'token', read: headers, write: headers };
    },
    async close() {
      await app.close();
      await discord.close();
      if (redis) {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length) await redis.del(...keys);
        redis.disconnect();
      }
      await db.destroy();
    },
  };
  return h;
}

let seq = 0;
/** A fresh snowflake-looking id, unique in the test process. */
export function snowflake(): string {
  seq++;
  return `${9_000_000_000_000_000 + (Date.now() % 1_000_000) * 1000 + seq}`;
}

/** A user who owns `guildIds` (and the bot is added to them). */
export function owner(h: Harness, guildIds: string[], id = snowflake()): FakeUser {
  for (const g of guildIds) h.discord.botGuilds.add(g);
  return {
    id,
    username: `user${id.slice(-4)}`,
    guilds: guildIds.map((g) => ({ id: g, name: `Guild ${g}`, owner: true, permissions: '0' })),
  };
}

/** A guild whose owner is signed in, and a request helper for its routes (a `GET` reads, anything else writes). */
export async function ownedGuild(h: Harness, guildId = snowflake()) {
  const client = await h.login(owner(h, [guildId]));
  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    headers: Record<string, string> = {},
  ) =>
    h.inject({
      method,
      url: `/api/guilds/${guildId}${url}`,
      headers: { ...(method === 'GET' ? client.read : client.write), ...headers },
      ...(payload ? { payload } : {}),
    });
  return { guildId, client, call };
}

/** A valid minimal rule document for `guildId`. */
export function doc(
  guildId: string,
  rules: unknown[] = [],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: guildId, rules, ...extra };
}

export const SHOUT_RULE = {
  id: 'no-shouting',
  on: 'message.create',
  if: { all: [{ fact: 'message.capsRatio', operator: 'greaterThan', value: 0.7 }] },
  then: [{ 'message.delete': {} }],
};
