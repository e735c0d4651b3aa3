import type { ErrorKind } from '@rulecord/engine';
import { API_ERRORS } from './api/errors.js';

/** One code the server raises: who must act, what happened, how to fix it, and its HTTP status if the API answers with it. */
export interface ServerErrorInfo {
  readonly code: `RC_${string}`;
  /** Which table of docs/errors.md lists it: a process that will not start or run, an API answer, or an API problem. */
  readonly area: 'process' | 'api' | 'problem';
  readonly kind: ErrorKind;
  readonly summary: string;
  /** How to fix it; the API's answers have none (their summary says what to do). */
  readonly fix?: string;
  /** Only for the API's answers (`area: 'api'`): the HTTP status, as in `API_ERRORS` and docs/api.md. */
  readonly status?: number;
}

type Entry = Omit<ServerErrorInfo, 'area' | 'status' | 'fix'> & { readonly fix: string };
const inArea = (area: ServerErrorInfo['area'], list: readonly Entry[]): ServerErrorInfo[] =>
  list.map((c) => ({ ...c, area }));

/** The processes' codes: configuration, database, Redis, HTTP shell (operators: docs/deployment.md). */
const PROCESS_ERROR_CODES = inArea('process', [
  {
    code: 'RC_CONFIG_INVALID',
    kind: 'user',
    summary: 'One or more configuration variables are invalid; each is listed on its own line.',
    fix: 'Correct the variables named (see docs/configuration.md) and start again.',
  },
  {
    code: 'RC_DB_UNREACHABLE',
    kind: 'transient',
    summary: 'PostgreSQL at `DATABASE_URL` does not answer (the URL is shown with the password masked).',
    fix: 'Check the URL and that PostgreSQL runs, or unset `DATABASE_URL` for the embedded database.',
  },
  {
    code: 'RC_DB_EMBEDDED_LOCKED',
    kind: 'transient',
    summary: 'Another `rulecord` process has the embedded database in `RULECORD_DATA_DIR` open.',
    fix: 'Stop it, use another folder, or use PostgreSQL to share a database.',
  },
  {
    code: 'RC_DB_EMBEDDED_OPEN',
    kind: 'transient',
    summary: 'The embedded database cannot be opened: `RULECORD_DATA_DIR` is not writable or holds something else.',
    fix: 'Point `RULECORD_DATA_DIR` at a writable folder that only Rulecord uses.',
  },
  {
    code: 'RC_DB_MIGRATION_LOCKED',
    kind: 'transient',
    summary:
      'The migration lock (table `knex_migrations_lock`) was still held after waiting (`RULECORD_MIGRATION_WAIT`, default 60 s, on start; `--wait` for `rulecord migrate`); the message says whether a process is migrating or the lock is stale.',
    fix: 'Wait for the migrating process, or release a stale lock with `rulecord migrate unlock --yes`.',
  },
  {
    code: 'RC_DB_MIGRATION_RUNNING',
    kind: 'transient',
    summary: '`rulecord migrate unlock --yes` refused: a Rulecord process is migrating now (its session is named).',
    fix: 'Wait for it, or stop it and run `unlock` again.',
  },
  {
    code: 'RC_DB_MIGRATIONS_DIR',
    kind: 'bug',
    summary: 'A migrations folder is missing.',
    fix: 'Restore the folder, or report it: a release is incomplete.',
  },
  {
    code: 'RC_DB_MIGRATION_NAME',
    kind: 'bug',
    summary: 'A migration file is misnamed.',
    fix: 'Name it `YYYYMMDDHHMMSS_snake_name.ts`.',
  },
  {
    code: 'RC_DB_MIGRATION_DUPLICATE',
    kind: 'bug',
    summary: 'Two migration files have the same name.',
    fix: 'Rename one; migrations are append-only, so never rename one that has run.',
  },
  {
    code: 'RC_DB_MIGRATION_SHAPE',
    kind: 'bug',
    summary: 'A migration file does not export `up` and `down`.',
    fix: 'Export both functions from the file.',
  },
  {
    code: 'RC_DB_SCHEMA_NAME',
    kind: 'bug',
    summary: 'The PostgreSQL schema name is not a plain lower-case identifier.',
    fix: 'Use a name such as `rulecord_test_1`.',
  },
  {
    code: 'RC_DB_GUILD_ID',
    kind: 'bug',
    summary: 'A query was given a guild id that is not a Discord snowflake.',
    fix: 'Report it: queries must get their guild id from a checked request.',
  },
  {
    code: 'RC_DB_GUILD_SCOPE',
    kind: 'bug',
    summary: 'A query tried to leave its guild’s scope (raw SQL, or an insert that does not stamp `guild_id`).',
    fix: 'Report it: go through the guild-scoped handle (`db.insert(table, rows)`).',
  },
  {
    code: 'RC_DB_TABLE_NAME',
    kind: 'bug',
    summary: 'A query used a table name that is not a plain name.',
    fix: 'Report it: table names come from code, never from input.',
  },
  {
    code: 'RC_REDIS_UNREACHABLE',
    kind: 'transient',
    summary: 'Redis at `REDIS_URL` does not answer.',
    fix: 'Check the URL, or unset it to keep state in the process.',
  },
  {
    code: 'RC_REDIS_EVICTION_POLICY',
    kind: 'user',
    summary: 'Redis may evict keys (`maxmemory-policy` is not `noeviction`), which loses queued jobs.',
    fix: '`CONFIG SET maxmemory-policy noeviction` (and set it in `redis.conf`).',
  },
  {
    code: 'RC_HTTP_LISTEN',
    kind: 'user',
    summary: '`PORT` is already in use, or `HOST` is not an address of this machine.',
    fix: 'Stop what uses the port, or set another `PORT` / `HOST`.',
  },
  {
    code: 'RC_HTTP_NOT_FOUND',
    kind: 'user',
    summary: 'An HTTP request for a path that does not exist (JSON 404).',
    fix: 'Check the path; `/api/…` routes are listed in docs/api.md.',
  },
]);

/** Codes inside an API answer's `details.problems` that the API raises itself (the rest come from the engine). */
const PROBLEM_ERROR_CODES = inArea('problem', [
  {
    code: 'RC_API_GUILD_MISMATCH',
    kind: 'user',
    summary: 'The document’s `guild` is not the guild it was sent to (or stored under).',
    fix: 'Set `guild` to the guild of the path, or send the document to its own guild.',
  },
  {
    code: 'RC_API_TIER_LIMIT',
    kind: 'user',
    summary: 'The document has more rules or template uses than the guild’s tier allows.',
    fix: 'Remove rules or template uses, or upgrade the guild to premium.',
  },
  {
    code: 'RC_API_UNKNOWN_MODULE',
    kind: 'user',
    summary: 'The settings name a module that does not exist.',
    fix: '`GET /api/catalog` lists the modules.',
  },
  {
    code: 'RC_API_DUPLICATE_ID',
    kind: 'user',
    summary: 'A template was used with an id the rule set already has.',
    fix: 'Pass another id in `as`.',
  },
  {
    code: 'RC_API_IF_MATCH',
    kind: 'user',
    summary: '`If-Match` is not a version number, or disagrees with `expectedVersion`.',
    fix: 'Send the ETag of `GET ruleset` (the version you loaded), in one of the two places.',
  },
]);

/**
 * Every code the server raises, in one closed list: the processes' codes, the HTTP API's answers (from `API_ERRORS`,
 * with their status) and the API's own problem codes. `dsl/scripts/errors-doc.ts` writes docs/errors.md from it, and
 * `server/__tests__/errors.test.ts` checks that the sources raise no code outside it (or the engine, catalog and dsl
 * lists).
 */
export const SERVER_ERROR_CODES: readonly ServerErrorInfo[] = [
  ...PROCESS_ERROR_CODES,
  ...Object.entries(API_ERRORS).map(([code, e]): ServerErrorInfo => ({
    code: code as `RC_${string}`,
    area: 'api',
    kind: e.status >= 500 ? (e.status === 500 ? 'bug' : 'transient') : 'user',
    summary: e.summary,
    status: e.status,
  })),
  ...PROBLEM_ERROR_CODES,
];
