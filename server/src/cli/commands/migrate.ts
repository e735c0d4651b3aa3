import { EXIT_OK, UsageError, defineCommand, parseArgs } from '../command.js';

export default defineCommand({
  name: 'migrate',
  summary: 'Apply, undo or list database migrations (core and every module)',
  usage: `rulecord migrate up|down|status [--all]

  up       apply every pending migration
  down     undo the last batch (--all: every migration; drops all Rulecord tables)
  status   list applied and pending migrations

Uses DATABASE_URL, or the embedded database in RULECORD_DATA_DIR when unset.`,
  async run(args, ctx) {
    const { flags, positionals } = parseArgs(args, { all: 'boolean' });
    const [action, extra] = positionals;
    if (action === undefined) throw new UsageError('say up, down or status');
    if (!['up', 'down', 'status'].includes(action))
      throw new UsageError(`unknown action "${action}"; say up, down or status`);
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    if (flags.all && action !== 'down') throw new UsageError('--all goes with down only');

    const { loadConfig } = await import('../../config/load.js');
    const { openDatabase } = await import('../../db/open.js');
    const { migrateDown, migrateUp, migrationStatus } = await import('../../db/migrate.js');
    const config = loadConfig({ env: ctx.env, cwd: ctx.cwd });
    const db = await openDatabase(config);
    const out = (line: string) => ctx.stdout.write(`${line}\n`);
    try {
      if (action === 'up') {
        const applied = await migrateUp(db.knex);
        out(
          applied.length === 0
            ? 'Already up to date.'
            : `Applied ${applied.length}:\n${applied.map((n) => `  ${n}`).join('\n')}`,
        );
      } else if (action === 'down') {
        const undone = await migrateDown(db.knex, { all: flags.all === true });
        out(
          undone.length === 0
            ? 'Nothing to undo.'
            : `Undone ${undone.length}:\n${undone.map((n) => `  ${n}`).join('\n')}`,
        );
      } else {
        const status = await migrationStatus(db.knex);
        out(`Database: ${db.kind} (${db.location})`);
        out(`Applied (${status.applied.length}):${status.applied.map((n) => `\n  ${n}`).join('')}`);
        out(`Pending (${status.pending.length}):${status.pending.map((n) => `\n  ${n}`).join('')}`);
      }
    } finally {
      await db.close();
    }
    return EXIT_OK;
  },
});
