import { EXIT_FAILURE, defineCommand } from '../command.js';

export default defineCommand({
  name: 'migrate',
  summary: 'Apply, undo or list database migrations',
  usage: 'rulecord migrate up|down|status',
  async run(_args, ctx) {
    ctx.stderr.write('rulecord migrate: not implemented yet\n');
    return EXIT_FAILURE;
  },
});
