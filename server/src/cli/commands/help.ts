import { readFileSync } from 'node:fs';
import { EXIT_OK, EXIT_USAGE, defineCommand } from '../command.js';
import { loadCommand } from '../run.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export default defineCommand({
  name: 'help',
  summary: 'List the commands, or show how to use one',
  usage: 'rulecord help [command]',
  async run(args, ctx) {
    if (args[0] === '--version') {
      ctx.stdout.write(`rulecord ${version()}\n`);
      return EXIT_OK;
    }
    const topic = args[0];
    if (topic !== undefined) {
      const command = await loadCommand(ctx.commands, topic);
      if (!command) {
        ctx.stderr.write(`rulecord help: unknown command "${topic}". Run \`rulecord help\` for the list.\n`);
        return EXIT_USAGE;
      }
      ctx.stdout.write(`${command.summary}\n\nUsage: ${command.usage}\n`);
      return EXIT_OK;
    }
    const loaded = await Promise.all(ctx.commands.map((entry) => loadCommand(ctx.commands, entry.name)));
    const width = Math.max(...ctx.commands.map((c) => c.name.length));
    const lines = loaded.map((c) => (c ? `  ${c.name.padEnd(width)}  ${c.summary}` : ''));
    ctx.stdout.write(
      `rulecord ${version()} — configuration-as-data engine for Discord bots\n\nUsage: rulecord <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun \`rulecord help <command>\` for a command's options.\n`,
    );
    return EXIT_OK;
  },
});
