import { EXIT_FAILURE, defineCommand } from '../command.js';

export default defineCommand({
  name: 'bot',
  summary: 'Run the bot role',
  usage: 'rulecord bot',
  async run(_args, ctx) {
    ctx.stderr.write('rulecord bot: not implemented yet\n');
    return EXIT_FAILURE;
  },
});
