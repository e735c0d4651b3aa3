import type { AddressInfo } from 'node:net';
import { buildHttpServer } from '../../http/server.js';
import type { ReadinessCheck } from '../../http/readiness.js';
import { defineRole } from '../role.js';

/** The HTTP server: API under /api, studio at /, health checks. */
export default defineRole({
  name: 'api',
  async start(ctx) {
    const { config, logger, db, redis } = ctx;
    const readiness: ReadinessCheck[] = [{ name: 'database', check: () => db.ping() }];
    if (redis) readiness.push({ name: 'redis', check: () => redis.ping() });
    const app = await buildHttpServer({
      logger: logger.child({ role: 'api' }),
      readiness,
      apiOptions: { config, db, redis, logger },
    });
    await app.listen({ port: config.PORT, host: config.HOST });
    const address = app.server.address() as AddressInfo;
    const host = ['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost'].includes(config.HOST) ? 'localhost' : config.HOST;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    return {
      url,
      async stop() {
        // Let in-flight requests finish; after the grace period cut the sockets that remain so the process still
        // exits in time.
        let timer: NodeJS.Timeout | undefined;
        const closed = app.close();
        const late = new Promise<'late'>((resolve) => {
          timer = setTimeout(() => resolve('late'), ctx.shutdownGraceMs);
        });
        if ((await Promise.race([closed.then(() => 'closed' as const), late])) === 'late') {
          logger.warn({ role: 'api' }, 'requests still running after the shutdown grace period; closing their connections');
          app.server.closeAllConnections();
          await closed;
        }
        clearTimeout(timer);
      },
    };
  },
});
