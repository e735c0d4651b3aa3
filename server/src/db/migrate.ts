import { readdirSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import type { ModuleDefinition } from '@rulecord/engine';
import { RulecordError } from '@rulecord/engine';
import {
  MIGRATION_TABLE,
  isMigrationLockError,
  migrationLockedError,
  readMigrationLock,
  withMigrationSession,
} from './migration-lock.js';

/** The core migrations folder (`server/src/db/migrations/core`). */
export const coreMigrationsDir = fileURLToPath(new URL('./migrations/core', import.meta.url));

/** One migration file: `name` is `<source>/<file without extension>`, the key stored in `knex_migrations`. */
export interface MigrationFile {
  readonly name: string;
  readonly source: string;
  readonly path: string;
}

/** Where migrations come from: `core` plus every catalog module that declares a `migrations` folder. */
export interface MigrationFolder {
  readonly source: string;
  readonly dir: string;
}

const MIGRATION_FILE = /^\d{14}_[a-z0-9_]+\.(ts|js|mjs)$/;

/** The folders to migrate: the core one, then one per module with `migrations` (source = module id). */
export function migrationFolders(modules: readonly Pick<ModuleDefinition, 'id' | 'migrations'>[]): MigrationFolder[] {
  const folders: MigrationFolder[] = [{ source: 'core', dir: coreMigrationsDir }];
  for (const module of modules) {
    if (module.migrations !== undefined) folders.push({ source: module.id, dir: module.migrations });
  }
  return folders;
}

/**
 * Every migration file of the folders, in the order they run: by the 14-digit timestamp that starts each file name,
 * then by source. Timestamps, not folders, order them, so a module migration can rely on an earlier core table.
 */
export function listMigrations(folders: readonly MigrationFolder[]): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const { source, dir } of folders) {
    if (!existsSync(dir)) {
      throw new RulecordError('RC_DB_MIGRATIONS_DIR', `migrations folder of "${source}" does not exist: ${dir}`, {
        kind: 'bug',
        fix: `create the folder or remove \`migrations\` from module "${source}"`,
      });
    }
    for (const file of readdirSync(dir).sort()) {
      if (file.endsWith('.d.ts') || file.startsWith('.')) continue;
      if (!MIGRATION_FILE.test(file)) {
        throw new RulecordError(
          'RC_DB_MIGRATION_NAME',
          `migration file ${join(dir, file)} is not named YYYYMMDDHHMMSS_snake_name.ts`,
          {
            kind: 'bug',
            fix: 'rename it, e.g. 20261125120000_create_cases.ts',
          },
        );
      }
      files.push({ name: `${source}/${file.replace(/\.(ts|js|mjs)$/, '')}`, source, path: join(dir, file) });
    }
  }
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.name)) {
      throw new RulecordError('RC_DB_MIGRATION_DUPLICATE', `two migration files are named ${f.name}`, { kind: 'bug' });
    }
    seen.add(f.name);
  }
  return files.sort((a, b) => {
    const ta = basename(a.name).slice(0, 14);
    const tb = basename(b.name).slice(0, 14);
    return ta < tb ? -1 : ta > tb ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

interface MigrationModule {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** A knex `migrationSource` over several folders. */
export function migrationSource(folders: readonly MigrationFolder[]): Knex.MigrationSource<MigrationFile> {
  return {
    getMigrations: async () => listMigrations(folders),
    getMigrationName: (migration) => migration.name,
    getMigration: async (migration) => {
      const module = (await import(pathToFileURL(migration.path).href)) as Partial<MigrationModule>;
      if (typeof module.up !== 'function' || typeof module.down !== 'function') {
        throw new RulecordError(
          'RC_DB_MIGRATION_SHAPE',
          `migration ${migration.path} must export async up(knex) and down(knex)`,
          {
            kind: 'bug',
          },
        );
      }
      return { up: module.up, down: module.down };
    },
  };
}

export interface MigrateOptions {
  /** Catalog modules whose `migrations` folders run with the core ones; default: every module of `@rulecord/catalog`. */
  modules?: readonly Pick<ModuleDefinition, 'id' | 'migrations'>[];
  /** Instead of `modules`: exactly these folders (tests). */
  folders?: readonly MigrationFolder[];
}

async function resolveFolders(options: MigrateOptions): Promise<readonly MigrationFolder[]> {
  if (options.folders) return options.folders;
  const modules = options.modules ?? ((await import('@rulecord/catalog')).modules as readonly ModuleDefinition[]);
  return migrationFolders(modules);
}

async function config(options: MigrateOptions): Promise<Knex.MigratorConfig> {
  return { migrationSource: migrationSource(await resolveFolders(options)), tableName: MIGRATION_TABLE };
}

/** Applies every pending migration (core and modules); resolves to the names applied, in order. */
export async function migrateUp(knex: Knex, options: MigrateOptions = {}): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest(await config(options))) as [number, string[]];
  return applied;
}

/** Undoes the last batch of migrations (or, with `all`, every one); resolves to the names undone. */
export async function migrateDown(knex: Knex, options: MigrateOptions & { all?: boolean } = {}): Promise<string[]> {
  const [, undone] = (await knex.migrate.rollback(await config(options), options.all === true)) as [number, string[]];
  return undone;
}

export interface MigrationLockWait {
  /** How long to wait for another process's migration lock before giving up with `RC_DB_MIGRATION_LOCKED`; default 60 s. */
  maxWaitMs?: number;
  /** How often to try again while waiting; default 1 s. */
  pollMs?: number;
  /** Called once, when the lock is found held (to log that this process waits). */
  onWait?: () => void;
}

/**
 * `migrateUp`, waiting while another process holds the migration lock (replicas starting at once: the first
 * migrates, the others wait for it and then find nothing pending). After `maxWaitMs` (default 60 s) it gives up with
 * `RC_DB_MIGRATION_LOCKED`, which says whether a process is still migrating or the lock is stale, and how to release it.
 */
export async function migrateUpWhenUnlocked(
  knex: Knex,
  options: MigrateOptions & MigrationLockWait = {},
): Promise<string[]> {
  return whenUnlocked(knex, () => migrateUp(knex, options), options);
}

/** `migrateDown`, waiting for the migration lock like `migrateUpWhenUnlocked`. */
export async function migrateDownWhenUnlocked(
  knex: Knex,
  options: MigrateOptions & MigrationLockWait & { all?: boolean } = {},
): Promise<string[]> {
  return whenUnlocked(knex, () => migrateDown(knex, options), options);
}

async function whenUnlocked<T>(knex: Knex, run: () => Promise<T>, options: MigrationLockWait): Promise<T> {
  const started = Date.now();
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  let waited = false;
  for (;;) {
    try {
      return await withMigrationSession(knex, run);
    } catch (error) {
      if (!isMigrationLockError(error)) throw error;
      const elapsed = Date.now() - started;
      if (elapsed >= maxWaitMs) throw migrationLockedError(await readMigrationLock(knex), elapsed, error);
      if (!waited) options.onWait?.();
      waited = true;
      await new Promise((resolve) => setTimeout(resolve, Math.min(options.pollMs ?? 1_000, maxWaitMs - elapsed)));
    }
  }
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

/** Which migrations ran and which are pending. */
export async function migrationStatus(knex: Knex, options: MigrateOptions = {}): Promise<MigrationStatus> {
  const [completed, pending] = (await knex.migrate.list(await config(options))) as [
    { name: string }[],
    MigrationFile[],
  ];
  return { applied: completed.map((c) => c.name), pending: pending.map((p) => p.name) };
}
