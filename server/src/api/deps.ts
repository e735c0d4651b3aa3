import type { Knex } from 'knex';
import type { Config } from '../config/index.js';
import type { Database } from '../db/index.js';
import type { Redis } from 'ioredis';
import type { Logger, Registry, TraceStore } from '@rulecord/engine';
import type { UserGuild } from '../auth/access.js';
import type { InvalidationBus } from '../rulesets/invalidation.js';

/** Per-route request budgets (per IP, or per API token when one is sent). */
export interface RateLimitSettings {
  /** Reads: GET routes. */
  read: { max: number; windowMs: number };
  /** Writes: PUT/POST/PATCH/DELETE that change something. */
  write: { max: number; windowMs: number };
  /** Login, callback, logout, sandbox. */
  auth: { max: number; windowMs: number };
  /** Simulation and validation (CPU-heavy). */
  compute: { max: number; windowMs: number };
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  read: { max: 300, windowMs: 60_000 },
  write: { max: 60, windowMs: 60_000 },
  auth: { max: 20, windowMs: 60_000 },
  compute: { max: 30, windowMs: 60_000 },
};

/**
 * Everything the HTTP API needs from the process that hosts it. The server composition builds it once and registers
 * `apiRoutes` with it under `/api`.
 *
 * @example
 * await app.register(apiRoutes, { prefix: '/api', db: db.knex, redis, registry, publicUrl: config.publicUrl,
 *   sessionSecret, oauth: config.DISCORD_CLIENT_SECRET ? { clientId, clientSecret } : null, botToken: config.DISCORD_TOKEN });
 */
export interface ApiDeps {
  /** The migrated database (core + `20261125000003_api`): the process's `Database` or its knex. */
  db: Knex | Database;
  /**
   * The process configuration. Fields below that are unset fall back to it: `publicUrl` ← PUBLIC_URL,
   * `sessionSecret` ← SESSION_SECRET (random per start when unset), `oauth` ← DISCORD_CLIENT_ID/SECRET,
   * `botToken` ← DISCORD_TOKEN.
   */
  config?: Config | undefined;
  /** Set when REDIS_URL is: caches, rate limits and invalidation become shared by every process. */
  redis?: Redis | null | undefined;
  /** Prefix of every Redis key the API writes (rate limits, access cache). Default `rulecord:`. */
  redisPrefix?: string | undefined;
  /** The engine registry (a function when modules can be reloaded); default: every `@rulecord/catalog` module. */
  registry?: Registry | (() => Registry) | undefined;
  /** `PUBLIC_URL`: the studio's origin; OAuth redirect and cookie security follow from it. */
  publicUrl?: string | undefined;
  /** Signs session JWTs and CSRF tokens; ≥ 32 characters. */
  sessionSecret?: string | undefined;
  /** Discord OAuth2 credentials. Absent or null: sandbox login (loopback only) instead of Discord login. */
  oauth?: { clientId: string; clientSecret: string } | null | undefined;
  /** Discord REST base URL (default https://discord.com/api/v10); tests point it at a local fake Discord. */
  discordApiBaseUrl?: string | undefined;
  /** Discord authorize page (default https://discord.com/oauth2/authorize). */
  discordAuthorizeUrl?: string | undefined;
  /** Bot token, to check that the bot is in a guild (`GET /guilds/:id`). */
  botToken?: string | null | undefined;
  /** Overrides the bot-membership check (the all-in-one process asks its own gateway cache). */
  botInGuild?: ((guildId: string) => Promise<boolean>) | undefined;
  /** The sandbox guild the bot runs against without a Discord token. */
  sandboxGuildId?: string | undefined;
  /** Extra origins allowed for state-changing requests and the trace websocket (the PUBLIC_URL origin always is). */
  allowedOrigins?: readonly string[] | undefined;
  /** Rule set change notifications; default: Redis pub/sub when `redis` is set, else this process's `processInvalidation()`. */
  invalidation?: InvalidationBus | undefined;
  /** The engine's trace store (the all-in-one process passes `engine.traces`); default: an empty in-memory store. */
  traces?: TraceStore | undefined;
  rateLimits?: Partial<RateLimitSettings> | undefined;
  /** Session lifetime; default 12 h. */
  sessionTtlMs?: number | undefined;
  /** Fetches a user's guilds for the sandbox user (default: the sandbox guild, as owner). */
  sandboxGuilds?: (() => UserGuild[]) | undefined;
  logger?: Logger | undefined;
  now?: (() => number) | undefined;
}
