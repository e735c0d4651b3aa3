import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Knex } from 'knex';
import type { Database } from '../db/index.js';
import { InMemoryTraceStore, type Registry } from '@rulecord/engine';
import type { UserGuild } from '../auth/access.js';
import { memoryCache, redisCache } from '../auth/cache.js';
import { hmac, randomToken, safeEqual } from '../auth/crypto.js';
import { DiscordOAuthClient, discordBotGuildCheck } from '../auth/discord.js';
import { GuildAccess, actorOf, type Principal } from '../auth/guild-access.js';
import { SecurityLog } from '../auth/security-log.js';
import { OAuthStateStore, SessionStore } from '../auth/sessions.js';
import { ApiTokenStore, type ApiTokenRecord } from '../auth/tokens.js';
import { processInvalidation, redisInvalidation, type InvalidationBus } from '../rulesets/invalidation.js';
import { RuleSetService } from '../rulesets/service.js';
import { RuleSetStore } from '../rulesets/store.js';
import { DEFAULT_RATE_LIMITS, type ApiDeps, type RateLimitSettings } from './deps.js';
import { ApiError } from './errors.js';
import { traceFeed, type TraceFeed } from './traces.js';

export const DEFAULT_SANDBOX_GUILD_ID = '100000000000000001';
export const SANDBOX_USER_ID = '100000000000000002';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `authenticate` / `guildAccess` guards. */
    principal?: Principal;
  }
}

/** Everything the route plugins share, built once from `ApiDeps`. */
export interface ApiContext {
  deps: ApiDeps;
  db: Knex;
  sessionSecret: string;
  registry(): Registry;
  now(): number;
  origin: string;
  secure: boolean;
  allowedOrigins: Set<string>;
  cookies: { session: string; oauth: string };
  sessionTtlMs: number;
  sandboxGuildId: string;
  /** Prefix of every Redis key the API writes. */
  redisPrefix: string;
  rateLimits: RateLimitSettings;
  sessions: SessionStore;
  oauthStates: OAuthStateStore;
  tokens: ApiTokenStore;
  securityLog: SecurityLog;
  access: GuildAccess;
  discord: DiscordOAuthClient | null;
  rulesets: RuleSetService;
  invalidation: InvalidationBus;
  traces: TraceFeed;
  /** Owned here (created from defaults), closed with the app. */
  owned: { close(): Promise<void> }[];
  csrfToken(sessionId: string): string;
  /** API tokens already verified for a request (by the rate-limit key), so one request verifies its token once. */
  verifiedTokens: WeakMap<FastifyRequest, ApiTokenRecord | null>;
}

export function createContext(app: FastifyInstance, deps: ApiDeps, defaultRegistry: () => Registry): ApiContext {
  const now = deps.now ?? Date.now;
  const config = deps.config;
  const db: Knex =
    'knex' in deps.db && typeof deps.db.ping === 'function' ? (deps.db as Database).knex : (deps.db as Knex);
  const url = new URL(deps.publicUrl ?? config?.publicUrl ?? 'http://localhost:3000');
  const secure = url.protocol === 'https:';
  const given = deps.registry;
  const registry = given === undefined ? defaultRegistry : typeof given === 'function' ? given : () => given;
  let sessionSecret = deps.sessionSecret ?? config?.SESSION_SECRET;
  if (sessionSecret === undefined) {
    sessionSecret = randomToken(48);
    app.log.warn(
      'SESSION_SECRET is not set: sessions are signed with a random secret, so everyone is signed out on restart.',
    );
  }
  const oauthCreds =
    deps.oauth !== undefined
      ? deps.oauth
      : config?.DISCORD_CLIENT_ID !== undefined && config.DISCORD_CLIENT_SECRET !== undefined
        ? { clientId: config.DISCORD_CLIENT_ID, clientSecret: config.DISCORD_CLIENT_SECRET }
        : null;
  const botToken = deps.botToken !== undefined ? deps.botToken : (config?.DISCORD_TOKEN ?? null);
  const prefix = deps.redisPrefix ?? 'rulecord:';
  const cache = deps.redis ? redisCache(deps.redis, `${prefix}api:`) : memoryCache(now);
  const logger = deps.logger ?? app.log;
  const sandboxGuildId = deps.sandboxGuildId ?? DEFAULT_SANDBOX_GUILD_ID;
  const discord = oauthCreds
    ? new DiscordOAuthClient({
        clientId: oauthCreds.clientId,
        clientSecret: oauthCreds.clientSecret,
        redirectUri: `${url.origin}/api/auth/callback`,
        ...(deps.discordApiBaseUrl === undefined ? {} : { apiBaseUrl: deps.discordApiBaseUrl }),
        ...(deps.discordAuthorizeUrl === undefined ? {} : { authorizeUrl: deps.discordAuthorizeUrl }),
      })
    : null;
  const botCheck =
    deps.botInGuild ??
    (botToken
      ? discordBotGuildCheck(botToken, deps.discordApiBaseUrl)
      : async (guildId: string) => guildId === sandboxGuildId);
  const sessions = new SessionStore(db, sessionSecret, now);
  const owned: { close(): Promise<void> }[] = [];
  let invalidation = deps.invalidation;
  if (!invalidation && deps.redis) {
    invalidation = redisInvalidation(deps.redis);
    owned.push(invalidation);
  }
  invalidation ??= processInvalidation();
  const sandboxGuilds: () => UserGuild[] =
    deps.sandboxGuilds ?? (() => [{ id: sandboxGuildId, name: 'Sandbox', icon: null, owner: true, permissions: '8' }]);
  const access = new GuildAccess({
    cache,
    botInGuild: botCheck,
    fetchUserGuilds: async (p) => {
      if (p.sandbox) return sandboxGuilds();
      const token = await sessions.discordToken(p.sessionId);
      if (!token || !discord)
        throw new ApiError('RC_API_UNAUTHENTICATED', 'The Discord sign-in of this session is gone; sign in again.');
      return discord.guilds(token);
    },
  });
  return {
    deps,
    db,
    sessionSecret,
    registry,
    now,
    origin: url.origin,
    secure,
    allowedOrigins: new Set([
      url.origin,
      ...loopbackAliases(url),
      ...(deps.allowedOrigins ?? []).map((o) => new URL(o).origin),
    ]),
    // `__Host-` needs Secure, which a plain-http localhost cannot set reliably in every browser: there the cookie
    // goes without the prefix (it is still HttpOnly, SameSite=Lax, Path=/, host-only).
    cookies: secure
      ? { session: '__Host-rulecord_session', oauth: '__Host-rulecord_oauth' }
      : { session: 'rulecord_session', oauth: 'rulecord_oauth' },
    sessionTtlMs: deps.sessionTtlMs ?? 12 * 3600_000,
    sandboxGuildId,
    redisPrefix: prefix,
    rateLimits: { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits },
    sessions,
    oauthStates: new OAuthStateStore(db, now),
    tokens: new ApiTokenStore(db, now),
    securityLog: new SecurityLog(db, logger, now),
    access,
    discord,
    rulesets: new RuleSetService(new RuleSetStore(db), registry, invalidation, now),
    invalidation,
    traces: traceFeed(deps.traces ?? new InMemoryTraceStore()),
    owned,
    csrfToken: (sessionId) => hmac(sessionSecret, 'csrf', sessionId),
    verifiedTokens: new WeakMap(),
  };
}

/** `http://localhost:3000` is also reached as `127.0.0.1:3000` and `[::1]:3000`: the same machine, the same studio. */
function loopbackAliases(url: URL): string[] {
  if (!['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return [];
  const port = url.port === '' ? '' : `:${url.port}`;
  return ['localhost', '127.0.0.1', '[::1]'].map((host) => `${url.protocol}//${host}${port}`);
}

export function isLoopback(request: FastifyRequest): boolean {
  const addr = request.socket.remoteAddress;
  const proxied =
    request.headers['x-forwarded-for'] !== undefined ||
    request.headers['forwarded'] !== undefined ||
    request.headers['x-real-ip'] !== undefined;
  return !proxied && (addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1');
}

interface SessionClaims {
  sid: string;
  sub: string;
}

/** Who is calling, from `Authorization: Bearer <api token>` or the session cookie; null when neither is sent. */
export async function resolvePrincipal(
  ctx: ApiContext,
  app: FastifyInstance,
  request: FastifyRequest,
): Promise<Principal | null> {
  const authz = request.headers.authorization;
  if (authz !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(authz);
    if (!m?.[1]) throw new ApiError('RC_API_UNAUTHENTICATED', 'Send the API token as `Authorization: Bearer rct_…`.');
    const record = await verifiedToken(ctx, request, m[1]);
    if (!record)
      throw new ApiError(
        'RC_API_UNAUTHENTICATED',
        'The API token is unknown or revoked; create a new one with `rulecord token create`.',
      );
    return { kind: 'token', tokenId: record.id, guildId: record.guildId, scope: record.scope, name: record.name };
  }
  const cookie = request.cookies?.[ctx.cookies.session];
  if (cookie === undefined || cookie === '') return null;
  let claims: SessionClaims;
  try {
    claims = app.jwt.verify<SessionClaims>(cookie);
  } catch {
    throw new ApiError('RC_API_UNAUTHENTICATED', 'The session cookie is invalid or expired; sign in again.');
  }
  if (typeof claims.sid !== 'string' || typeof claims.sub !== 'string')
    throw new ApiError('RC_API_UNAUTHENTICATED', 'The session cookie is invalid; sign in again.');
  const session = await ctx.sessions.active(claims.sid);
  if (!session || session.userId !== claims.sub)
    throw new ApiError('RC_API_UNAUTHENTICATED', 'The session has ended (signed out or expired); sign in again.');
  // A sandbox session from before Discord OAuth was configured must not outlive the sandbox: with OAuth, it does not exist.
  if (session.sandbox && ctx.discord)
    throw new ApiError(
      'RC_API_UNAUTHENTICATED',
      'Sandbox sessions end when Discord sign-in is configured; sign in with Discord.',
    );
  return {
    kind: 'user',
    userId: session.userId,
    userName: session.userName,
    sessionId: session.id,
    sandbox: session.sandbox,
  };
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF defence for cookie-authenticated state changes: the request must come from an allowed origin (Origin header,
 * or `Sec-Fetch-Site: same-origin`) AND carry `X-CSRF-Token` = HMAC(session id). API tokens are not ambient
 * credentials (a browser never attaches them), so bearer requests skip this.
 */
export async function checkCsrf(ctx: ApiContext, request: FastifyRequest, principal: Principal): Promise<void> {
  if (!UNSAFE.has(request.method) || principal.kind === 'token') return;
  checkOrigin(ctx, request);
  const sent = request.headers['x-csrf-token'];
  if (typeof sent !== 'string' || !safeEqual(sent, ctx.csrfToken(principal.sessionId))) {
    await ctx.securityLog.record({
      kind: 'csrf.rejected',
      actor: actorOf(principal),
      ip: request.ip,
      route: routeOf(request),
      details: { present: typeof sent === 'string' },
    });
    throw new ApiError(
      'RC_API_CSRF',
      'Missing or wrong X-CSRF-Token header; read the token from GET /api/me (csrfToken) and send it with every change.',
    );
  }
}

export function checkOrigin(ctx: ApiContext, request: FastifyRequest): void {
  const origin = request.headers.origin;
  const site = request.headers['sec-fetch-site'];
  if (
    typeof site === 'string' &&
    site !== 'same-origin' &&
    site !== 'none' &&
    !(typeof origin === 'string' && ctx.allowedOrigins.has(origin))
  )
    throw new ApiError('RC_API_CSRF', `Cross-site request refused (Sec-Fetch-Site: ${site}).`);
  if (typeof origin === 'string') {
    if (!ctx.allowedOrigins.has(origin))
      throw new ApiError(
        'RC_API_CSRF',
        `Requests from origin ${origin} are not allowed; use the studio at ${ctx.origin}.`,
      );
    return;
  }
  if (site !== 'same-origin')
    throw new ApiError(
      'RC_API_CSRF',
      'State-changing requests need an Origin header (browsers send it) or an API token.',
    );
}

export function routeOf(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? request.url}`;
}

/** Guard: any signed-in principal (user or token); sets `request.principal`; CSRF on unsafe methods. */
export function authenticate(ctx: ApiContext, app: FastifyInstance, options: { userOnly?: boolean } = {}) {
  return async (request: FastifyRequest): Promise<void> => {
    const principal = await resolvePrincipal(ctx, app, request);
    if (!principal) throw new ApiError('RC_API_UNAUTHENTICATED', 'Sign in (session cookie) or send an API token.');
    await checkCsrf(ctx, request, principal);
    if (options.userOnly && principal.kind !== 'user')
      throw new ApiError('RC_API_TOKEN_SCOPE', 'This route needs a signed-in user, not an API token.');
    request.principal = principal;
  };
}

/**
 * Guard for `/guilds/:guildId/…`: authenticated, allowed to manage that guild (the access rule), and for `write`
 * not a read-only token. A refusal is a 403 written to the security log.
 */
export function guildAccess(
  ctx: ApiContext,
  app: FastifyInstance,
  need: 'read' | 'write',
  options: { userOnly?: boolean } = {},
) {
  const auth = authenticate(ctx, app, options);
  return async (request: FastifyRequest): Promise<void> => {
    await auth(request);
    const principal = request.principal as Principal;
    // Only on `/guilds/:guildId/…` routes, whose params schema requires the id.
    const guildId = (request.params as { guildId: string }).guildId;
    if (!(await ctx.access.canAccess(principal, guildId))) {
      await ctx.securityLog.record({
        kind: 'guild.forbidden',
        guildId,
        actor: actorOf(principal),
        ip: request.ip,
        route: routeOf(request),
      });
      throw new ApiError(
        'RC_API_FORBIDDEN',
        `You may not manage guild ${guildId}: you need to own it or hold Administrator or Manage Server there, and the bot must be in it.`,
      );
    }
    if (need === 'write' && principal.kind === 'token' && principal.scope !== 'write') {
      await ctx.securityLog.record({
        kind: 'token.scope',
        guildId,
        actor: actorOf(principal),
        ip: request.ip,
        route: routeOf(request),
      });
      throw new ApiError('RC_API_TOKEN_SCOPE', 'This API token is read-only; create a write token for changes.');
    }
  };
}

/** The token record for `text`, verified at most once per request. */
async function verifiedToken(ctx: ApiContext, request: FastifyRequest, text: string): Promise<ApiTokenRecord | null> {
  if (ctx.verifiedTokens.has(request)) return ctx.verifiedTokens.get(request) ?? null;
  const record = await ctx.tokens.verify(text);
  ctx.verifiedTokens.set(request, record);
  return record;
}

/**
 * Rate-limit key: the API token's id when a live token is sent, else the client IP. Keying by whatever
 * `Authorization` header arrives would give every made-up token a fresh budget, i.e. no per-IP limit at all.
 */
export function rateLimitKey(ctx: ApiContext): (request: FastifyRequest) => Promise<string> {
  return async (request) => {
    const m = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const record = m?.[1] === undefined ? null : await verifiedToken(ctx, request, m[1]);
    return record ? `tok:${record.id}` : `ip:${request.ip}`;
  };
}

export function setSessionCookie(ctx: ApiContext, reply: FastifyReply, jwt: string): void {
  void reply.setCookie(ctx.cookies.session, jwt, {
    path: '/',
    httpOnly: true,
    secure: ctx.secure,
    sameSite: 'lax',
    maxAge: Math.floor(ctx.sessionTtlMs / 1000),
  });
}

export function clearSessionCookie(ctx: ApiContext, reply: FastifyReply): void {
  void reply.clearCookie(ctx.cookies.session, { path: '/', httpOnly: true, secure: ctx.secure, sameSite: 'lax' });
}
