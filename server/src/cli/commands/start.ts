import { EXIT_FAILURE, defineCommand } from '../command.js';

export default defineCommand({
  name: 'start',
  summary: 'Run the start role',
  usage: 'rulecord start',
  async run(_args, ctx) {
    ctx.stderr.write('rulecord start: not implemented yet\n');
    return EXIT_FAILURE;
  },
});
