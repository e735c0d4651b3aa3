import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './command.js';
import type { Command, CommandContext, CommandEntry } from './command.js';
import { commands as registered } from './commands/index.js';
import { formatError } from './format-error.js';

export interface RunCliOptions {
  stdout?: NodeJS.WritableStream & CommandContext['stdout'];
  stderr?: NodeJS.WritableStream & CommandContext['stderr'];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  commands?: readonly CommandEntry[];
}

/** Loads a registered command by name; throws when the entry's file exports a command with another name. */
export async function loadCommand(entries: readonly CommandEntry[], name: string): Promise<Command | undefined> {
  const entry = entries.find((e) => e.name === name);
  if (!entry) return undefined;
  const command = (await entry.load()).default;
  if (command.name !== entry.name) {
    throw new Error(
      `commands/index.ts registers "${entry.name}" but its file exports a command named "${command.name}"`,
    );
  }
  return command;
}

/**
 * Runs `rulecord <argv…>` and resolves to the exit code (0 ok, 1 failure, 2 usage error). Never throws: errors are
 * printed as one line, without a stack trace (set `RULECORD_DEBUG=1` for the stack).
 */
export async function runCli(argv: string[], options: RunCliOptions = {}): Promise<number> {
  const ctx: CommandContext = {
    stdout: options.stdout ?? process.stdout,
    stderr: options.stderr ?? process.stderr,
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
    commands: options.commands ?? registered,
  };
  const [first, ...rest] = argv;
  let name = first ?? 'help';
  let args = rest;
  if (name === '--help' || name === '-h') name = 'help';
  if (name === '--version' || name === '-v') {
    name = 'help';
    args = ['--version'];
  }
  let command: Command | undefined;
  try {
    command = await loadCommand(ctx.commands, name);
  } catch (error) {
    ctx.stderr.write(`rulecord: ${formatError(error, ctx.env)}\n`);
    return EXIT_FAILURE;
  }
  if (!command) {
    ctx.stderr.write(`rulecord: unknown command "${name}". Run \`rulecord help\` for the list.\n`);
    return EXIT_USAGE;
  }
  if (args.includes('--help') && command.name !== 'help') {
    ctx.stdout.write(`${command.summary}\n\nUsage: ${command.usage}\n`);
    return EXIT_OK;
  }
  try {
    return await command.run(args, ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      ctx.stderr.write(`rulecord ${command.name}: ${error.message}\nUsage: ${command.usage}\n`);
      return EXIT_USAGE;
    }
    ctx.stderr.write(`rulecord ${command.name}: ${formatError(error, ctx.env)}\n`);
    return EXIT_FAILURE;
  }
}
