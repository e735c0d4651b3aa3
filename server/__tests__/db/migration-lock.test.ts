import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { failure } from './failure.js';
import type { Config } from '../../src/config/index.js';
import {
  MIGRATION_LOCK_TABLE,
  migrateDownWhenUnlocked,
  migrateUpWhenUnlocked,
  migrationFolders,
  openDatabase,
  readMigrationLock,
  releaseMigrationLock,
  withMigrationSession,
} from '../../src/db/index.js';
import type { Database } from '../../src/db/index.js';
import { openTestDatabase, requireDatabaseUrl, testDatabaseKinds } from '../../src/testing/index.js';
import type { TestDatabase } from '../../src/testing/index.js';

const core = migrationFolders([]);
const hold = (db: Database) => db.knex(MIGRATION_LOCK_TABLE).update({ is_locked: 1 });

describe.each(await testDatabaseKinds())('a migration lock held for good, on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind, { migrate: false });
  });
  afterAll(() => db?.destroy());

  it('reads as absent before the first migration, then free', async () => {
    expect(await readMigrationLock(db.knex)).toEqual({
      kind,
      schema: db.schema,
      exists: false,
      locked: false,
    });
    expect(await releaseMigrationLock(db.knex)).toBe(false);
    await migrateUpWhenUnlocked(db.knex, { folders: core });
    expect(await readMigrationLock(db.knex)).toMatchObject({ exists: true, locked: false });
    expect((await readMigrationLock(db.knex)).holder).toBeUndefined();
  });

  it('gives up after the configured wait with RC_DB_MIGRATION_LOCKED: the table, the wait, stale, and the fix', async () => {
    await hold(db);
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let waits = 0;
    const started = Date.now();
    const error = await failure(
      migrateUpWhenUnlocked(db.knex, { folders: core, maxWaitMs: 300, pollMs: 50, onWait: () => waits++ }),
    );
    warnings.mockRestore();
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(waits).toBe(1);
    expect(error.code).toBe('RC_DB_MIGRATION_LOCKED');
    expect(error.kind).toBe('user');
    const table = kind === 'postgres' ? `${db.schema}.knex_migrations_lock` : 'knex_migrations_lock';
    expect(error.message).toMatch(
      new RegExp(`^the migration lock \\(table ${table}\\) is still held after waiting 0\\.[3-6] s; `),
    );
    expect(error.message).toContain('stopped in the middle of a migration left it');
    expect(error.fix).toContain('`rulecord migrate unlock --yes`');
    if (kind === 'postgres') {
      expect(error.fix).toMatch(/^make sure nothing else is migrating this database \(`rulecord migrate unlock` shows/);
      expect(error.fix).toContain('(same DATABASE_URL)');
    } else {
      expect(error.message).toContain('one process opens RULECORD_DATA_DIR at a time');
      expect(error.fix).toContain('(same RULECORD_DATA_DIR)');
    }
    // knex's own "Can't take lock" lines (advising `knex migrate:unlock`) are not repeated on every attempt.
    expect(warnings.mock.calls.map((c) => String(c[0]))).toEqual([]);
    expect(await readMigrationLock(db.knex)).toMatchObject({ locked: true });
  });

  it('gives up at once with a wait of 0, and rolling back waits the same way', async () => {
    const error = await failure(migrateUpWhenUnlocked(db.knex, { folders: core, maxWaitMs: 0 }));
    expect(error.message).toContain('after waiting 0 s');
    const down = await failure(migrateDownWhenUnlocked(db.knex, { folders: core, maxWaitMs: 100, pollMs: 20 }));
    expect(down.code).toBe('RC_DB_MIGRATION_LOCKED');
  });

  it('releases a stale lock, once, and migrating works again', async () => {
    expect(await releaseMigrationLock(db.knex)).toBe(true);
    expect(await releaseMigrationLock(db.knex)).toBe(false);
    expect(await readMigrationLock(db.knex)).toMatchObject({ locked: false });
    expect(await migrateUpWhenUnlocked(db.knex, { folders: core, maxWaitMs: 0 })).toEqual([]);
  });
});

describe.skipIf((await requireDatabaseUrl()) === undefined)('a process that is migrating, on postgres', () => {
  let db: TestDatabase;
  let other: Database;
  beforeAll(async () => {
    db = await openTestDatabase('postgres', { migrate: { folders: core } });
    // A second process on the same schema: its own pool, its own sessions.
    other = await openDatabase({ DATABASE_URL: (await requireDatabaseUrl())!, dataDir: '/nonexistent' } as Config, {
      schema: db.schema,
      poolMax: 2,
    });
  });
  afterAll(async () => {
    await other?.close();
    await db?.destroy();
  });

  /** The other process in the middle of a migration: its session lock and knex's row, until `finish()`. */
  async function migrating(options: { clearOnFinish: boolean } = { clearOnFinish: true }) {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const run = withMigrationSession(other.knex, async () => {
      await hold(other);
      entered();
      await done;
      if (options.clearOnFinish) await other.knex(MIGRATION_LOCK_TABLE).update({ is_locked: 0 });
    });
    await inside;
    return { finish: () => (finish(), run) };
  }

  it('names the session that is migrating, and waiting ends when it is done', async () => {
    const busy = await migrating();
    const state = await readMigrationLock(db.knex);
    expect(state).toMatchObject({ kind: 'postgres', schema: db.schema, exists: true, locked: true });
    expect(state.holder).toEqual({
      pid: expect.any(Number),
      application: expect.any(String),
      client: '127.0.0.1',
      since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    const error = await failure(migrateUpWhenUnlocked(db.knex, { folders: core, maxWaitMs: 200, pollMs: 50 }));
    expect(error.code).toBe('RC_DB_MIGRATION_LOCKED');
    expect(error.kind).toBe('transient');
    expect(error.message).toContain(`is migrating`);
    expect(error.message).toContain(`the process of PostgreSQL session ${state.holder!.pid} (`);
    expect(error.fix).toContain(`pg_terminate_backend(${state.holder!.pid})`);

    const refused = await failure(releaseMigrationLock(db.knex));
    expect(refused.code).toBe('RC_DB_MIGRATION_RUNNING');
    expect(refused.message).toMatch(/^not releasing the migration lock \(table t_[0-9a-f]+\.knex_migrations_lock\): /);
    expect(await readMigrationLock(db.knex)).toMatchObject({ locked: true });

    let waited = 0;
    const pending = migrateUpWhenUnlocked(db.knex, { folders: core, pollMs: 50, onWait: () => waited++ });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await busy.finish();
    expect(await pending).toEqual([]);
    expect(waited).toBe(1);
    expect(await readMigrationLock(db.knex)).toEqual({
      kind: 'postgres',
      schema: db.schema,
      exists: true,
      locked: false,
    });
  });

  it('a session lock dies with its session: the row it left is then reported stale', async () => {
    // The session is ended from outside, as when the process is killed: knex's row stays set.
    const busy = await migrating({ clearOnFinish: false });
    const holder = (await readMigrationLock(db.knex)).holder!;
    await db.knex.raw('select pg_terminate_backend(?)', [holder.pid]);
    await expect.poll(async () => (await readMigrationLock(db.knex)).holder, { timeout: 5_000 }).toBeUndefined();
    await busy.finish();
    const error = await failure(migrateUpWhenUnlocked(db.knex, { folders: core, maxWaitMs: 0 }));
    expect(error.message).toContain('no Rulecord process is migrating');
    expect(await releaseMigrationLock(db.knex)).toBe(true);
  });
});
