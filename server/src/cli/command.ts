import type { Writable } from 'node:stream';

/** Exit codes every `rulecord` command uses: 0 ok, 1 the work failed, 2 the command line was wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** What a command gets besides its arguments: where to write, the environment, the other commands (for `help`). */
export interface CommandContext {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Every registered command (`commands/index.ts`), for `help`. */
  readonly commands: readonly CommandEntry[];
}

/** One line of `commands/index.ts`: the command's name and how to load its file. */
export interface CommandEntry {
  readonly name: string;
  readonly load: () => Promise<{ default: Command }>;
}

/**
 * One `rulecord <name>` subcommand. Each lives in `server/src/cli/commands/<name>.ts` and is registered by one line in
 * `server/src/cli/commands/index.ts`.
 *
 * @example
 * export default defineCommand({
 *   name: 'hello',
 *   summary: 'Print a greeting',
 *   usage: 'rulecord hello [name]',
 *   async run(args, ctx) {
 *     ctx.stdout.write(`hello ${args[0] ?? 'world'}\n`);
 *     return EXIT_OK;
 *   },
 * });
 */
export interface Command {
  /** The word after `rulecord`; lower-case. */
  readonly name: string;
  /** One line, shown by `rulecord help`. */
  readonly summary: string;
  /** Usage line(s) and option help, shown by `rulecord help <name>` and on a usage error. */
  readonly usage: string;
  /**
   * Runs the command with the arguments after its name; resolves to the exit code. Throw `UsageError` for a wrong
   * command line (exit 2); any other thrown error is printed as one line and exits 1.
   */
  run(args: string[], ctx: CommandContext): Promise<number>;
}

export function defineCommand(command: Command): Command {
  return command;
}

/** A wrong command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A small `--flag value` / `--flag=value` / `--bool` parser for commands that need options. Unknown flags are a
 * usage error; positionals keep their order.
 */
export function parseArgs<const S extends Record<string, 'string' | 'boolean'>>(
  args: string[],
  spec: S,
): { flags: { [K in keyof S]?: S[K] extends 'boolean' ? boolean : string }; positionals: string[] } {
  const flags: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const kind = spec[name];
    if (kind === undefined) throw new UsageError(`unknown option --${name}`);
    if (kind === 'boolean') {
      if (eq !== -1) throw new UsageError(`option --${name} takes no value`);
      flags[name] = true;
    } else if (eq !== -1) {
      flags[name] = arg.slice(eq + 1);
    } else {
      const value = args[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`option --${name} needs a value`);
      flags[name] = value;
      i++;
    }
  }
  return { flags: flags as never, positionals };
}
