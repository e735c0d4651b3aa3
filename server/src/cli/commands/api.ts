import { EXIT_FAILURE, defineCommand } from '../command.js';

export default defineCommand({
  name: 'api',
  summary: 'Run the api role',
  usage: 'rulecord api',
  async run(_args, ctx) {
    ctx.stderr.write('rulecord api: not implemented yet\n');
    return EXIT_FAILURE;
  },
});
