import { EXIT_OK, UsageError, defineCommand } from './command.js';
import type { Command } from './command.js';
import type { RoleName } from '../process/role.js';

/** `rulecord start|api|bot|worker`: run roles until SIGTERM/SIGINT, then stop gracefully (exit 0). */
export function roleCommand(name: string, roles: readonly RoleName[], summary: string): Command {
  return defineCommand({
    name,
    summary,
    usage: `rulecord ${name}\n\nConfiguration comes from the environment and ./.env (see docs/configuration.md).`,
    async run(args, ctx) {
      if (args.length > 0) throw new UsageError(`unexpected argument "${args[0]}"`);
      const { runUntilSignal } = await import('../process/runtime.js');
      const code = await runUntilSignal(roles, { env: ctx.env, cwd: ctx.cwd, announce: ctx.stdout });
      return code === 0 ? EXIT_OK : code;
    },
  });
}
