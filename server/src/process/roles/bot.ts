import { servicesOf } from '../../runtime/services.js';
import { defineRole } from '../role.js';

/**
 * The Discord bot: feeds events to the process's engine. Until the gateway bot exists (a later issue: discord.js
 * client → `host.engine.dispatch(event)`), the engine acts through the DiscordPort the process is handed — without one,
 * the sandbox port (an in-memory `RecordingDiscord` for the sandbox guild), logged as SANDBOX MODE. Without the worker
 * role in the same process the engine only queues timers; a worker fires them.
 */
export default defineRole({
  name: 'bot',
  async start(ctx) {
    const log = ctx.logger.child({ role: 'bot' });
    const { services, own } = servicesOf(ctx, { runTimers: ctx.roles.includes('worker') });
    const host = await services.acquireEngine();
    log.info(
      {
        discord: services.discordMode,
        sandboxGuildId: services.sandboxGuildId,
        // Not `token`: the logger redacts any field of that name.
        tokenSet: ctx.config.DISCORD_TOKEN !== undefined,
        guilds: host.guilds().length,
      },
      services.discordMode === 'sandbox'
        ? 'bot role started in sandbox mode (no gateway connection: events come from the sandbox only)'
        : 'bot role started',
    );
    return {
      async stop() {
        await services.releaseEngine();
        if (own) await services.close();
        log.info('bot role stopped');
      },
    };
  },
});
