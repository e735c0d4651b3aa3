import { EXIT_FAILURE, defineCommand } from '../command.js';

export default defineCommand({
  name: 'worker',
  summary: 'Run the worker role',
  usage: 'rulecord worker',
  async run(_args, ctx) {
    ctx.stderr.write('rulecord worker: not implemented yet\n');
    return EXIT_FAILURE;
  },
});
