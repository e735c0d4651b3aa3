import { servicesOf } from '../../runtime/services.js';
import { defineRole } from '../role.js';

/**
 * The worker: hosts the engine with every guild's live rule set and fires timers through it (BullMQ with REDIS_URL,
 * in-process without), keeping the schedule module's cron timers in step with each guild's settings. Reloads a guild
 * whenever its rule set changes (the invalidation bus).
 */
export default defineRole({
  name: 'worker',
  async start(ctx) {
    const log = ctx.logger.child({ role: 'worker' });
    const { services, own } = servicesOf(ctx, { runTimers: true });
    const host = await services.acquireEngine();
    log.info(
      {
        queue: ctx.redis ? 'redis' : 'in-process',
        state: ctx.redis ? 'redis' : 'in-memory',
        traces: ctx.redis ? 'redis' : 'in-memory',
        discord: services.discordMode,
        guilds: host.guilds().length,
      },
      'worker role started (engine loaded, timers running)',
    );
    return {
      async stop() {
        await services.releaseEngine();
        if (own) await services.close();
        log.info('worker role stopped');
      },
    };
  },
});
