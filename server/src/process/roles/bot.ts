import { defineRole } from '../role.js';

/**
 * The Discord bot. Placeholder: the bot issue replaces this body with the discord.js client (or the sandbox guild
 * when DISCORD_TOKEN is unset) feeding events to the engine.
 */
export default defineRole({
  name: 'bot',
  async start(ctx) {
    const log = ctx.logger.child({ role: 'bot' });
    log.info(
      { discord: ctx.config.DISCORD_TOKEN === undefined ? 'sandbox' : 'token set' },
      'bot role started (placeholder: no gateway connection yet)',
    );
    return { stop: async () => log.info('bot role stopped') };
  },
});
