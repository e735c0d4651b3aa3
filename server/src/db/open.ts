import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import knexFactory from 'knex';
import type { Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { RulecordError } from '@rulecord/engine';
import { lockDataDir } from './embedded-lock.js';
import type { Config } from '../config/schema.js';
import { maskPassword } from '../config/load.js';

/** An open database: a knex instance on PostgreSQL or on the embedded PGlite, and how to close it. */
export interface Database {
  readonly knex: Knex;
  /** `postgres` with DATABASE_URL, `pglite` (embedded, one process) without. */
  readonly kind: 'postgres' | 'pglite';
  /** Where it is, for logs and errors: the URL with its password masked, or the PGlite folder (`memory://`). */
  readonly location: string;
  /** Runs `select 1`; rejects when the database is unreachable. */
  ping(): Promise<void>;
  /** Waits for running queries, then closes the pool (or the PGlite instance). Idempotent. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PGlite only: keep the data in memory (tests, the simulator) instead of `RULECORD_DATA_DIR`. */
  inMemory?: boolean;
  /**
   * A schema to work in (created if missing, first on the search_path; `knex_migrations` lives there too). Tests
   * use a random one per file to run in parallel on one PostgreSQL.
   */
  schema?: string;
  /** PostgreSQL pool size; default 10. */
  poolMax?: number;
}

/**
 * Opens the database the configuration names: PostgreSQL (pg) when `DATABASE_URL` is set, otherwise the embedded
 * PGlite in `<RULECORD_DATA_DIR>/pgdata` (with pgvector). It does not migrate: call `migrateUp` next.
 *
 * @example
 * const db = await openDatabase(config);
 * await migrateUp(db.knex);
 * const rows = await forGuild(db.knex, guildId).query('rule_set_versions');
 * await db.close();
 */
export async function openDatabase(
  config: Pick<Config, 'DATABASE_URL' | 'dataDir'>,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new RulecordError('RC_DB_SCHEMA_NAME', `schema name "${schema}" is not a plain lower-case identifier`, {
      kind: 'bug',
    });
  }
  const searchPath = schema === undefined ? {} : { searchPath: [schema, 'public'] };

  if (config.DATABASE_URL !== undefined) {
    const location = maskPassword(config.DATABASE_URL);
    if (schema !== undefined) {
      const admin = knexFactory({
        client: 'pg',
        connection: config.DATABASE_URL,
        pool: { min: 0, max: 1 },
        log: knexLog,
      });
      try {
        await admin.raw('create schema if not exists ??', [schema]);
      } catch (error) {
        throw unreachable(location, error);
      } finally {
        await admin.destroy();
      }
    }
    const knex = knexFactory({
      client: 'pg',
      connection: config.DATABASE_URL,
      pool: { min: 0, max: options.poolMax ?? 10 },
      acquireConnectionTimeout: 10_000,
      log: knexLog,
      ...searchPath,
    });
    const db = wrap(knex, 'postgres', location);
    try {
      await db.ping();
    } catch (error) {
      await knex.destroy();
      throw unreachable(location, error);
    }
    return db;
  }

  let location = 'memory://';
  let unlock = () => {};
  if (!options.inMemory) {
    location = `${config.dataDir}/pgdata`;
    try {
      mkdirSync(location, { recursive: true });
    } catch (error) {
      throw embeddedOpenError(location, error);
    }
    unlock = lockDataDir(`${config.dataDir}/pgdata.lock`, location);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(options.inMemory ? undefined : location, { extensions: { vector } });
    await pglite.exec('create extension if not exists vector');
    if (schema !== undefined) await pglite.exec(`create schema if not exists "${schema}"`);
  } catch (error) {
    unlock();
    throw embeddedOpenError(location, error);
  }
  const knex = knexFactory({
    client: PgLiteClient,
    dialect: 'postgres',
    connection: () => ({ pglite }) as unknown as Knex.StaticConnectionConfig,
    log: knexLog,
    ...searchPath,
  });
  return wrap(knex, 'pglite', location, unlock);
}

/**
 * knex-pglite 0.14 derives the statement kind from knex's method name, so `del()` answers `DEL` and knex returns the
 * raw response instead of the row count that pg gives. Name the methods as PostgreSQL does.
 */
interface PgLiteInstance {
  processResponse(obj: { method?: string }, runner: unknown): unknown;
}
const PgLiteBase = ClientPgLite as unknown as new (config: Knex.Config) => PgLiteInstance;
class PgLiteClientImpl extends PgLiteBase {
  override processResponse(obj: { method?: string }, runner: unknown): unknown {
    const method = obj.method === 'del' ? 'delete' : obj.method === 'counter' ? 'update' : obj.method;
    return super.processResponse({ ...obj, method } as { method?: string }, runner);
  }
}
const PgLiteClient = PgLiteClientImpl as unknown as typeof knexFactory.Client;

/** Whether a knex instance runs on the embedded PGlite (opened by `openDatabase` without `DATABASE_URL`). */
export function isEmbedded(knex: Knex): boolean {
  return knex.client instanceof PgLiteClientImpl;
}

/**
 * knex's own log, minus the pool's "Acquire connection error" lines (an unreachable database is reported once, as
 * `RC_DB_UNREACHABLE` or by `/readyz`, not as a stack trace per attempt) and the migrator's two lines per attempt on
 * a held migration lock, whose advice (`knex migrate:unlock`) is not Rulecord's: waiting is logged once, and giving up
 * is `RC_DB_MIGRATION_LOCKED` with the fix. Exported for tests.
 */
const QUIET_WARNINGS = [
  'Acquire connection error',
  "Can't take lock to run migrations",
  'If you are sure migrations are not running',
];
export const knexLog = {
  warn(message: unknown) {
    const text = String(message);
    if (!QUIET_WARNINGS.some((start) => text.startsWith(start))) console.warn(`knex: ${text}`);
  },
  error(message: unknown) {
    console.error(`knex: ${String(message)}`);
  },
  // knex hands over the whole sentence ("json(true) is deprecated, please use jsonb()"), not (method, alternative).
  deprecate(message: unknown) {
    console.warn(`knex: ${String(message)}`);
  },
  // A query's `.debug()` output would break the JSON log lines on stdout: dropped.
  debug() {},
};

function wrap(knex: Knex, kind: Database['kind'], location: string, release: () => void = () => {}): Database {
  let closing: Promise<void> | undefined;
  return {
    knex,
    kind,
    location,
    async ping() {
      await knex.raw('select 1');
    },
    close() {
      closing ??= knex.destroy().finally(release);
      return closing;
    },
  };
}

function embeddedOpenError(location: string, error: unknown): RulecordError {
  return new RulecordError(
    'RC_DB_EMBEDDED_OPEN',
    `cannot open the embedded database in ${location}: ${message(error)}`,
    {
      kind: 'transient',
      fix: 'check that RULECORD_DATA_DIR is writable and holds a Rulecord database (or is empty)',
      cause: error,
    },
  );
}

function unreachable(location: string, error: unknown): RulecordError {
  return new RulecordError('RC_DB_UNREACHABLE', `cannot reach PostgreSQL at ${location}: ${message(error)}`, {
    kind: 'transient',
    fix: 'check DATABASE_URL and that PostgreSQL is running, or unset DATABASE_URL to use the embedded database',
    cause: error,
  });
}

function message(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return message(error.errors[0]);
  return error instanceof Error ? error.message || error.name : String(error);
}
