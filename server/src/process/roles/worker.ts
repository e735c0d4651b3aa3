import { defineRole } from '../role.js';

/**
 * The worker: fires timers and runs queued work. Placeholder: the timers issue replaces this body with the
 * scheduler (BullMQ with REDIS_URL, in-process without) and its reconciler.
 */
export default defineRole({
  name: 'worker',
  async start(ctx) {
    const log = ctx.logger.child({ role: 'worker' });
    log.info({ queue: ctx.redis ? 'redis' : 'in-process' }, 'worker role started (placeholder: no jobs yet)');
    return { stop: async () => log.info('worker role stopped') };
  },
});
