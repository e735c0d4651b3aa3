import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import { fastify } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Logger } from '../logging/logger.js';
import { checkReadiness } from './readiness.js';
import type { ReadinessCheck } from './readiness.js';

/** The built studio (`nuxt generate` output) served at `/`. */
export const defaultStudioDir = fileURLToPath(new URL('../../../studio/.output/public', import.meta.url));

export interface HttpDeps {
  /** The process logger; request logs are its children. */
  logger: Logger;
  /** What `/readyz` checks: the database always, Redis when configured. */
  readiness?: readonly ReadinessCheck[];
  /**
   * The API plugin, registered under `/api` with `apiOptions`. Default: `apiRoutes` from `server/src/api`.
   * `false`: no API (tests of the shell).
   */
  api?: { plugin: FastifyPluginAsync<never>; options?: object } | false;
  /** Options handed to the default API plugin (its `ApiDeps`). */
  apiOptions?: object;
  /** Folder of the built studio; default `studio/.output/public`; `false` serves none. */
  studioDir?: string | false;
  /** Largest request body in bytes; default 1 MiB. */
  bodyLimit?: number;
}

/**
 * The HTTP server of the `api` role, not yet listening: `GET /healthz` (the process is up), `GET /readyz` (every
 * dependency reachable, else 503 naming the failing one), the API under `/api`, and the studio at `/` with a
 * fallback to its `index.html` for client-side routes.
 *
 * @example
 * const app = await buildHttpServer({ logger, readiness: [{ name: 'database', check: () => db.ping() }] });
 * await app.listen({ port: 3000 });
 */
export async function buildHttpServer(deps: HttpDeps): Promise<FastifyInstance> {
  const app = fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimit ?? 1024 * 1024,
    // On close: stop accepting, end idle keep-alive sockets, let in-flight requests finish.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });

  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    const report = await checkReadiness(deps.readiness ?? []);
    if (!report.ready) {
      return reply.code(503).send({
        status: 'unavailable',
        error: `not ready: ${report.failing.join(', ')} unreachable`,
        failing: report.failing,
        checks: report.checks,
      });
    }
    return { status: 'ok', checks: report.checks };
  });

  if (deps.api !== false) {
    const api = deps.api ?? {
      plugin: (await import('../api/index.js')).apiRoutes as FastifyPluginAsync<never>,
      options: deps.apiOptions,
    };
    await app.register(api.plugin, { ...(api.options ?? {}), prefix: '/api' } as never);
  }

  const studioDir = deps.studioDir === undefined ? defaultStudioDir : deps.studioDir;
  const studioIndex = studioDir === false ? undefined : join(studioDir, 'index.html');
  const studioBuilt = studioIndex !== undefined && existsSync(studioIndex);
  if (studioBuilt) {
    await app.register(fastifyStatic, {
      root: studioDir as string,
      prefix: '/',
      wildcard: true,
      index: ['index.html'],
      setHeaders(res, path) {
        // Nuxt fingerprints everything under _nuxt/; the HTML must always be revalidated to pick up a new build.
        res.header('cache-control', path.includes(`${'/_nuxt/'}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const wantsPage =
      (request.method === 'GET' || request.method === 'HEAD') && !path.startsWith('/api/') && path !== '/api';
    if (wantsPage && studioBuilt && !/\.[a-z0-9]+$/i.test(path)) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    if (wantsPage && !studioBuilt && path === '/') {
      return reply
        .type('text/html; charset=utf-8')
        .send(
          '<!doctype html><title>Rulecord</title><h1>Rulecord is running</h1><p>The studio is not built. Run <code>npm run build -w studio</code> and restart.</p><p><a href="/healthz">/healthz</a></p>',
        );
    }
    return reply.code(404).send({ error: 'not found', code: 'RC_HTTP_NOT_FOUND', path });
  });

  return app;
}

/**
 * Stops `app` gracefully: no new connections, idle keep-alive sockets closed, in-flight requests finished. After
 * `graceMs` the sockets still open are cut, so a stuck request cannot hold the process past its shutdown budget.
 * Resolves `true` when every request finished in time.
 */
export async function closeGracefully(app: FastifyInstance, graceMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const closed = app.close();
  // `close` ends the connections idle at that moment only; a keep-alive connection whose request finishes later would
  // hold the close open until the client drops it. End each one as soon as it falls idle.
  const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), graceMs);
  });
  const outcome = await Promise.race([closed.then(() => 'closed' as const), late]);
  clearTimeout(timer);
  clearInterval(sweep);
  if (outcome === 'late') {
    app.log.warn({ graceMs }, 'requests still running after the shutdown grace period; closing their connections');
    app.server.closeAllConnections();
    await closed;
  }
  return outcome === 'closed';
}
