import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { RulecordError } from '@rulecord/engine';
import type { ApiDeps } from '../../api/index.js';
import { buildHttpServer, closeGracefully } from '../../http/server.js';
import type { ReadinessCheck } from '../../http/readiness.js';
import { defineRole } from '../role.js';
import type { ProcessContext } from '../role.js';

/** The HTTP server: API under /api, studio at /, health checks. */
export default defineRole({
  name: 'api',
  async start(ctx) {
    const { config, logger, db, redis } = ctx;
    const log = logger.child({ role: 'api' });
    const readiness: ReadinessCheck[] = [{ name: 'database', check: () => db.ping() }];
    if (redis) readiness.push({ name: 'redis', check: () => redis.ping() });
    const app = await buildHttpServer({ logger: log, readiness, apiOptions: apiDeps(ctx) });
    try {
      await app.listen({ port: config.PORT, host: config.HOST });
    } catch (error) {
      await app.close();
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
        throw new RulecordError(
          'RC_HTTP_LISTEN',
          code === 'EADDRINUSE'
            ? `port ${config.PORT} on ${config.HOST} is already in use`
            : `cannot listen on ${config.HOST}:${config.PORT} (${code})`,
          {
            kind: 'user',
            fix:
              code === 'EADDRINUSE'
                ? 'stop the other process (another rulecord?) or set PORT to a free port'
                : 'set HOST to an address of this machine (127.0.0.1 or 0.0.0.0) and PORT to 1024 or above',
            cause: error,
          },
        );
      }
      throw error;
    }
    const address = app.server.address() as AddressInfo;
    const host = ['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost'].includes(config.HOST) ? 'localhost' : config.HOST;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    return {
      url,
      async stop() {
        await closeGracefully(app, ctx.shutdownGraceMs);
      },
    };
  },
});

/** What the API plugin (`server/src/api`) needs, from the process's configuration and services. */
function apiDeps(ctx: ProcessContext): ApiDeps {
  const { config, logger, db, redis, registry } = ctx;
  let sessionSecret = config.SESSION_SECRET;
  if (sessionSecret === undefined) {
    sessionSecret = randomBytes(32).toString('hex');
    const level = config.DATABASE_URL === undefined ? 'info' : 'warn';
    logger[level](
      'SESSION_SECRET is unset: using a random one, so sessions end at restart (set it, the same on every API process)',
    );
  }
  return {
    config,
    db: db.knex,
    redis: redis ?? null,
    registry,
    publicUrl: config.publicUrl,
    sessionSecret,
    oauth:
      config.DISCORD_CLIENT_ID !== undefined && config.DISCORD_CLIENT_SECRET !== undefined
        ? { clientId: config.DISCORD_CLIENT_ID, clientSecret: config.DISCORD_CLIENT_SECRET }
        : null,
    botToken: config.DISCORD_TOKEN ?? null,
    logger: logger.child({ role: 'api' }),
    // One trace store and invalidation bus per process (Redis-backed when REDIS_URL is set): a PUT reloads the engine,
    // and the engine's traces are what GET /api/guilds/:id/traces lists.
    ...(ctx.services === undefined
      ? {}
      : {
          traces: ctx.services.traces(),
          invalidation: ctx.services.invalidation(),
          sandboxGuildId: ctx.services.sandboxGuildId,
        }),
  };
}
