import fastifyCookie from '@fastify/cookie';
import fastifyJwt from '@fastify/jwt';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyWebsocket from '@fastify/websocket';
import { Ajv } from 'ajv';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Registry } from '@rulecord/engine';
import { createContext, rateLimitKey, type ApiContext } from './context.js';
import type { ApiDeps } from './deps.js';
import { ApiError, handleError } from './errors.js';
import { RouteCollector } from './openapi.js';
import { DEFAULT_BODY_LIMIT, type RouteOptions } from './routes/shared.js';
import { mapPlaceholders } from './schemas.js';
import { authRoutes } from './routes/auth/index.js';
import { catalogRoutes } from './routes/catalog/index.js';
import { docsRoutes } from './routes/docs/index.js';
import { meRoutes } from './routes/me/index.js';
import { premiumRoutes } from './routes/premium/index.js';
import { rulesetRoutes } from './routes/ruleset/index.js';
import { settingsRoutes } from './routes/settings/index.js';
import { simulateRoutes } from './routes/simulate/index.js';
import { templateRoutes } from './routes/templates/index.js';
import { tokenRoutes } from './routes/tokens/index.js';
import { traceRoutes } from './routes/traces/index.js';
import { auditRoutes } from './routes/audit/index.js';

export type { ApiDeps, RateLimitSettings } from './deps.js';
export { DEFAULT_RATE_LIMITS } from './deps.js';
export { API_ERRORS, ApiError, type ApiErrorCode, type ApiProblem } from './errors.js';
export { traceFeed, type TraceFeed, type TraceFilter } from './traces.js';
export { DEFAULT_SANDBOX_GUILD_ID, type ApiContext } from './context.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The API's shared services (stores, access, rule sets); decorated on the `/api` context only. */
    rulecordApi: ApiContext;
  }
}

/**
 * The Rulecord HTTP API as one fastify plugin. Register it with `{ prefix: '/api', ...deps }`. It is encapsulated:
 * its cookie/JWT/rate-limit/websocket plugins, validator, and error format apply to `/api` only.
 */
export const apiRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  const registry =
    deps.registry === undefined ? (await import('@rulecord/catalog')).createCatalogRegistry() : undefined;
  const ctx = createContext(app, deps, () => registry as Registry);
  const collector = new RouteCollector();
  app.addHook('onRoute', collector.onRoute);
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= DEFAULT_BODY_LIMIT;
  });
  app.decorate('rulecordApi', ctx);
  app.addHook('onClose', async () => {
    for (const o of ctx.owned) await o.close();
  });

  if (!app.hasRequestDecorator('cookies')) await app.register(fastifyCookie);
  await app.register(fastifyJwt, {
    secret: ctx.sessionSecret,
    sign: { algorithm: 'HS256', expiresIn: Math.floor(ctx.sessionTtlMs / 1000) },
    verify: { algorithms: ['HS256'] },
  });
  await app.register(fastifyRateLimit, {
    global: false,
    ...(deps.redis ? { redis: deps.redis, nameSpace: `${ctx.redisPrefix}rl:` } : {}),
    keyGenerator: rateLimitKey(ctx),
    skipOnError: false,
    errorResponseBuilder: (_req, context) =>
      new ApiError('RC_API_RATE_LIMITED', `Too many requests on this route; retry in ${context.after}.`, {
        headers: { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
        details: { limit: context.max, retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)) },
      }),
  });
  if (!app.hasDecorator('websocketServer'))
    await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  // JSON only: anything else is 415 (fastify would otherwise accept text/plain bodies).
  app.removeContentTypeParser('text/plain');
  installValidator(app);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    handleError(
      new ApiError('RC_API_NOT_FOUND', `No API route ${request.method} ${request.url.split('?')[0]}.`),
      request,
      reply,
    );
  });

  if (!ctx.discord) {
    app.log.warn(
      { sandboxGuildId: ctx.sandboxGuildId },
      '!!! SANDBOX LOGIN ENABLED: no Discord OAuth credentials are configured, so requests from THIS MACHINE (loopback) can sign in as the sandbox admin via POST /api/auth/sandbox. Set DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET before exposing this server. !!!',
    );
  }

  const opts: RouteOptions = { ctx, collector };
  await app.register(authRoutes, opts);
  await app.register(meRoutes, opts);
  await app.register(catalogRoutes, opts);
  await app.register(templateRoutes, opts);
  await app.register(rulesetRoutes, opts);
  await app.register(simulateRoutes, opts);
  await app.register(traceRoutes, opts);
  await app.register(settingsRoutes, opts);
  await app.register(premiumRoutes, opts);
  await app.register(tokenRoutes, opts);
  await app.register(auditRoutes, opts);
  await app.register(docsRoutes, opts);
};

/** Request validation with every problem reported (allErrors), engine-schema placeholders left to the routes. */
function installValidator(app: FastifyInstance): void {
  const body = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: true });
  const params = new Ajv({ allErrors: true, strict: false, coerceTypes: true, useDefaults: true });
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const prepared = mapPlaceholders(schema, () => ({})) as object;
    return (httpPart === 'body' ? body : params).compile(prepared);
  });
}
