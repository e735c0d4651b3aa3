import type { Knex } from 'knex';
import { RulecordError } from '@rulecord/engine';
import { isEmbedded } from './open.js';

/** knex's table of applied migrations; its lock is the one-row table `knex_migrations_lock`. */
export const MIGRATION_TABLE = 'knex_migrations';
/** The row knex sets (`is_locked = 1`) while a process migrates and clears when it is done. */
export const MIGRATION_LOCK_TABLE = `${MIGRATION_TABLE}_lock`;

/**
 * knex's lock row outlives a process that dies in the middle of a non-transactional migration, and it says nothing
 * about who set it. So on PostgreSQL, Rulecord also holds a session-level advisory lock while it migrates: PostgreSQL
 * drops it with the session, so "the row is locked but nobody holds the advisory lock" means the row is stale, and
 * `pg_locks` names the session of a process that really is migrating. Keys: a fixed class ('RCMG') and a hash of the
 * schema, so test schemas on one database do not block each other.
 */
const LOCK_CLASS = 0x52434d47;
const SCHEMA_KEY = `('x' || substr(md5(current_schema()), 1, 8))::bit(32)::int`;

/** The PostgreSQL session of a Rulecord process that is migrating now. */
export interface MigrationLockHolder {
  pid: number;
  /** `application_name` of the session ('' when the client set none). */
  application: string;
  /** Client address; `null` for a Unix socket, or when this database role may not see other roles' sessions. */
  client: string | null;
  /** When the session connected (ISO 8601); `null` when this database role may not see it. */
  since: string | null;
}

export interface MigrationLockState {
  /** The database: `postgres`, or the embedded `pglite` (one process only, so a held lock there is always stale). */
  kind: 'postgres' | 'pglite';
  /** The schema the migration tables live in. */
  schema: string;
  /** Whether the lock table exists: it does once any migration has run. */
  exists: boolean;
  /** knex's lock row is set: a process is migrating, or one stopped in the middle and left it. */
  locked: boolean;
  /** PostgreSQL: the session of another Rulecord process that is migrating now. */
  holder?: MigrationLockHolder;
}

/** Thrown inside `withMigrationSession` when another session is migrating; callers treat it like knex's lock error. */
export class MigrationSessionBusy extends Error {
  constructor() {
    super('another Rulecord process holds the migration advisory lock');
    this.name = 'MigrationSessionBusy';
  }
}

/** Whether `error` means "someone else is migrating": knex's lock row, or Rulecord's advisory lock. */
export function isMigrationLockError(error: unknown): boolean {
  return error instanceof MigrationSessionBusy || (error instanceof Error && /already locked/i.test(error.message));
}

function usesAdvisoryLock(knex: Knex): boolean {
  if (isEmbedded(knex)) return false;
  // The advisory lock holds one pooled connection for the whole run; with a pool of one, knex would wait for it.
  const max = (knex.client.config as Knex.Config).pool?.max;
  return max === undefined || max >= 2;
}

/**
 * Runs `run` (a migration) while holding Rulecord's migration advisory lock on PostgreSQL; throws
 * `MigrationSessionBusy` at once when another session holds it. On the embedded database it just runs `run`.
 */
export async function withMigrationSession<T>(knex: Knex, run: () => Promise<T>): Promise<T> {
  if (!usesAdvisoryLock(knex)) return run();
  const connection: unknown = await knex.client.acquireConnection();
  try {
    const rows = await rowsOf<{ ok: boolean }>(
      knex.raw(`select pg_try_advisory_lock(?, ${SCHEMA_KEY}) as ok`, [LOCK_CLASS]).connection(connection),
    );
    if (rows[0]?.ok !== true) throw new MigrationSessionBusy();
    try {
      return await run();
    } finally {
      await knex
        .raw(`select pg_advisory_unlock(?, ${SCHEMA_KEY})`, [LOCK_CLASS])
        .connection(connection)
        .catch(() => undefined); // a broken session has dropped the lock with it
    }
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

/** Reads knex's lock row and, on PostgreSQL, who (if anyone) is migrating now. Changes nothing. */
export async function readMigrationLock(knex: Knex): Promise<MigrationLockState> {
  const kind = isEmbedded(knex) ? 'pglite' : 'postgres';
  const schema = (await rowsOf<{ schema: string }>(knex.raw('select current_schema() as schema')))[0]?.schema ?? '';
  const exists = await knex.schema.hasTable(MIGRATION_LOCK_TABLE);
  const locked = exists && (await knex(MIGRATION_LOCK_TABLE).where('is_locked', 1).first()) !== undefined;
  const state: MigrationLockState = { kind, schema, exists, locked };
  if (kind === 'postgres') {
    const holder = await migratingSession(knex);
    if (holder) state.holder = holder;
  }
  return state;
}

async function migratingSession(knex: Knex): Promise<MigrationLockHolder | undefined> {
  const rows = await rowsOf<{
    pid: number;
    application: string | null;
    client: string | null;
    since: Date | string | null;
  }>(
    knex.raw(
      `select a.pid, a.application_name as application, host(a.client_addr) as client, a.backend_start as since
         from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and l.pid <> pg_backend_pid()
          and l.database = (select oid from pg_database where datname = current_database())
          and l.classid = ?::int::oid and l.objid = (${SCHEMA_KEY})::oid and l.objsubid = 2
        limit 1`,
      [LOCK_CLASS],
    ),
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    pid: Number(row.pid),
    application: row.application ?? '',
    client: row.client,
    since: row.since === null ? null : new Date(row.since).toISOString(),
  };
}

/**
 * Clears knex's lock row after a process stopped in the middle of a migration. On PostgreSQL it first takes the
 * advisory lock, so it refuses (`RC_DB_MIGRATION_RUNNING`) while a Rulecord process is migrating, and no process
 * can start migrating while it clears the row. Resolves `false` when there was nothing to release.
 */
export async function releaseMigrationLock(knex: Knex): Promise<boolean> {
  try {
    return await withMigrationSession(knex, async () => {
      if (!(await knex.schema.hasTable(MIGRATION_LOCK_TABLE))) return false;
      const released = await knex(MIGRATION_LOCK_TABLE).where('is_locked', 1).update({ is_locked: 0 });
      return Number(released) > 0;
    });
  } catch (error) {
    if (!(error instanceof MigrationSessionBusy)) throw error;
    throw migrationRunningError(await readMigrationLock(knex));
  }
}

/** `RC_DB_MIGRATION_RUNNING`: `rulecord migrate unlock` refused, because a process is migrating now. */
export function migrationRunningError(state: MigrationLockState): RulecordError {
  const who = state.holder ? describeHolder(state.holder) : 'another process';
  return new RulecordError(
    'RC_DB_MIGRATION_RUNNING',
    `not releasing the migration lock (table ${lockTable(state)}): ${who} is migrating the database right now`,
    {
      kind: 'transient',
      fix: holderFix(state.holder),
    },
  );
}

/**
 * `RC_DB_MIGRATION_LOCKED`: gave up waiting for the migration lock after `waitedMs`. Says whether a process is
 * migrating (and which) or the lock is stale, and how to release it.
 */
export function migrationLockedError(state: MigrationLockState, waitedMs: number, cause?: unknown): RulecordError {
  const held = `the migration lock (table ${lockTable(state)}) is still held after waiting ${formatWait(waitedMs)}`;
  const options = cause === undefined ? {} : { cause };
  if (state.holder) {
    return new RulecordError('RC_DB_MIGRATION_LOCKED', `${held}: ${describeHolder(state.holder)} is migrating`, {
      kind: 'transient',
      fix: holderFix(state.holder),
      ...options,
    });
  }
  const why =
    state.kind === 'pglite'
      ? 'no other process can be migrating the embedded database (one process opens RULECORD_DATA_DIR at a time), so a process that stopped in the middle of a migration left it'
      : 'no Rulecord process is migrating, so a process that stopped in the middle of a migration left it (or another tool, such as `knex migrate`, holds it)';
  const check =
    state.kind === 'pglite'
      ? ''
      : 'make sure nothing else is migrating this database (`rulecord migrate unlock` shows whether a Rulecord process is), then ';
  return new RulecordError('RC_DB_MIGRATION_LOCKED', `${held}; ${why}`, {
    kind: 'user',
    fix: `${check}release the stale lock with \`rulecord migrate unlock --yes\` (same ${state.kind === 'pglite' ? 'RULECORD_DATA_DIR' : 'DATABASE_URL'}) and start again`,
    ...options,
  });
}

export function lockTable(state: Pick<MigrationLockState, 'kind' | 'schema'>): string {
  return state.kind === 'postgres' && state.schema !== ''
    ? `${state.schema}.${MIGRATION_LOCK_TABLE}`
    : MIGRATION_LOCK_TABLE;
}

export function describeHolder(holder: MigrationLockHolder): string {
  const details = [
    holder.application === '' ? undefined : `application "${holder.application}"`,
    holder.client === null ? undefined : `client ${holder.client}`,
    holder.since === null ? undefined : `connected ${holder.since}`,
  ].filter((d) => d !== undefined);
  return `the process of PostgreSQL session ${holder.pid}${details.length === 0 ? '' : ` (${details.join(', ')})`}`;
}

function holderFix(holder: MigrationLockHolder | undefined): string {
  const terminate = holder ? ` (\`SELECT pg_terminate_backend(${holder.pid})\` ends its session)` : '';
  return `wait for that migration to finish, then start again; if the process hangs, stop it${terminate} and run \`rulecord migrate unlock\``;
}

/** `45 s`, `1.5 s`, `2 min 5 s`. */
export function formatWait(ms: number): string {
  if (ms < 10_000) return `${Math.round(ms / 100) / 10} s`;
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.floor(s / 60)} min${s % 60 === 0 ? '' : ` ${s % 60} s`}`;
}

async function rowsOf<T>(query: Promise<unknown> | Knex.Raw): Promise<T[]> {
  const result = (await query) as { rows?: T[] } | T[];
  return Array.isArray(result) ? result : (result.rows ?? []);
}
