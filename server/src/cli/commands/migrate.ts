import { EXIT_FAILURE, EXIT_OK, UsageError, defineCommand, parseArgs } from '../command.js';

const ACTIONS = ['up', 'down', 'status', 'unlock'];

export default defineCommand({
  name: 'migrate',
  summary: 'Apply, undo or list database migrations (core and every module); release a stale migration lock',
  usage: `rulecord migrate up|down|status|unlock [--all] [--wait <duration>] [--yes]

  up       apply every pending migration
  down     undo the last batch (--all: every migration; drops all Rulecord tables)
  status   list applied and pending migrations, and the state of the migration lock
  unlock   check the migration lock: who holds it, or whether a process that stopped
           in the middle of a migration left it; with --yes, release a stale lock
           (refused while a process is migrating)

  --wait <duration>  up, down: how long to wait while another process holds the
                     migration lock, e.g. 30s or 5m (default RULECORD_MIGRATION_WAIT,
                     60s)
  --yes              unlock: really release the lock

Uses DATABASE_URL, or the embedded database in RULECORD_DATA_DIR when unset.`,
  async run(args, ctx) {
    const { flags, positionals } = parseArgs(args, { all: 'boolean', wait: 'string', yes: 'boolean' });
    const [action, extra] = positionals;
    if (action === undefined) throw new UsageError('say up, down, status or unlock');
    if (!ACTIONS.includes(action)) throw new UsageError(`unknown action "${action}"; say up, down, status or unlock`);
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    if (flags.all && action !== 'down') throw new UsageError('--all goes with down only');
    if (flags.yes && action !== 'unlock') throw new UsageError('--yes goes with unlock only');
    if (flags.wait !== undefined && action !== 'up' && action !== 'down')
      throw new UsageError('--wait goes with up and down only');
    const maxWaitMs = flags.wait === undefined ? undefined : await waitMs(flags.wait);

    const { loadConfig } = await import('../../config/load.js');
    const { openDatabase } = await import('../../db/open.js');
    const { migrateDownWhenUnlocked, migrateUpWhenUnlocked, migrationStatus } = await import('../../db/migrate.js');
    const { formatWait, lockTable, readMigrationLock, releaseMigrationLock } =
      await import('../../db/migration-lock.js');
    const config = loadConfig({ env: ctx.env, cwd: ctx.cwd });
    const db = await openDatabase(config);
    const out = (line: string) => ctx.stdout.write(`${line}\n`);
    const waitFor = maxWaitMs ?? config.migrationWaitMs;
    const wait = {
      maxWaitMs: waitFor,
      onWait: () =>
        ctx.stderr.write(`Another process holds the migration lock; waiting up to ${formatWait(waitFor)} for it.\n`),
    };
    try {
      if (action === 'up') {
        const applied = await migrateUpWhenUnlocked(db.knex, wait);
        out(
          applied.length === 0
            ? 'Already up to date.'
            : `Applied ${applied.length}:\n${applied.map((n) => `  ${n}`).join('\n')}`,
        );
      } else if (action === 'down') {
        const undone = await migrateDownWhenUnlocked(db.knex, { ...wait, all: flags.all === true });
        out(
          undone.length === 0
            ? 'Nothing to undo.'
            : `Undone ${undone.length}:\n${undone.map((n) => `  ${n}`).join('\n')}`,
        );
      } else if (action === 'status') {
        const status = await migrationStatus(db.knex);
        const lock = await readMigrationLock(db.knex);
        out(`Database: ${db.kind} (${db.location})`);
        out(`Applied (${status.applied.length}):${status.applied.map((n) => `\n  ${n}`).join('')}`);
        out(`Pending (${status.pending.length}):${status.pending.map((n) => `\n  ${n}`).join('')}`);
        out(
          `Migration lock (${lockTable(lock)}): ${
            !lock.locked ? 'free' : lock.holder ? 'held by a process that is migrating now' : 'held, stale'
          }${lock.locked ? ' (see `rulecord migrate unlock`)' : ''}`,
        );
      } else {
        return await unlock();
      }
    } finally {
      await db.close();
    }
    return EXIT_OK;

    async function unlock(): Promise<number> {
      const { migrationRunningError } = await import('../../db/migration-lock.js');
      const lock = await readMigrationLock(db.knex);
      const table = `the migration lock (table ${lockTable(lock)})`;
      if (!lock.exists) {
        out('No migration has run on this database yet: there is no migration lock to release.');
        return EXIT_OK;
      }
      if (!lock.locked) {
        out(`${capital(table)} is free: nothing to release.`);
        return EXIT_OK;
      }
      // A Rulecord process holding it is migrating now: releasing would let a second one run the same migrations.
      if (lock.holder) throw migrationRunningError(lock);
      const nobody =
        lock.kind === 'pglite'
          ? 'No other process has the embedded database open (this command holds RULECORD_DATA_DIR)'
          : 'No Rulecord process is migrating this database now (none holds its migration session lock)';
      if (!flags.yes) {
        out(
          `${capital(table)} is held. ${nobody}, so a process that stopped in the middle of a migration left it` +
            `${lock.kind === 'pglite' ? '' : ', unless another tool (such as `knex migrate`) is migrating'}.\n` +
            'Run `rulecord migrate unlock --yes` to release it; then `rulecord migrate up` (or starting Rulecord) ' +
            'applies what is pending.',
        );
        return EXIT_FAILURE;
      }
      const released = await releaseMigrationLock(db.knex);
      out(
        released
          ? `Released ${table}. \`rulecord migrate up\` (or starting Rulecord) applies what is pending.`
          : `${capital(table)} was released meanwhile: nothing to do.`,
      );
      return EXIT_OK;
    }
  },
});

async function waitMs(text: string): Promise<number> {
  const { parseDuration } = await import('@rulecord/engine');
  try {
    return parseDuration(text);
  } catch {
    throw new UsageError(`--wait takes a duration such as 30s or 5m, not "${text}"`);
  }
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
