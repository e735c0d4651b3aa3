import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RulecordError } from '@rulecord/engine';
import { formatError } from '../../src/cli/format-error.js';
import { loadConfig } from '../../src/config/index.js';
import { migrateUp, migrationFolders, openDatabase, readMigrationLock } from '../../src/db/index.js';
import { startProcess } from '../../src/process/index.js';
import { tempDir, testDatabaseEnv, testDatabaseKinds } from '../../src/testing/index.js';
import type { TestDatabaseEnv } from '../../src/testing/index.js';

function logLines() {
  let text = '';
  return {
    stream: new Writable({ write: (c, _e, done) => ((text += String(c)), done()) }),
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg: string; lockTable?: string; maxWaitMs?: number }),
  };
}

describe.each(await testDatabaseKinds())('starting while the migration lock is held for good, on %s', (kind) => {
  const dir = tempDir();
  let target: TestDatabaseEnv;
  let env: Record<string, string> = {};
  const database = async () => openDatabase(loadConfig({ env, cwd: dir.path, envFile: false }));

  beforeAll(async () => {
    target = await testDatabaseEnv(kind, 'start');
    env = { ...target.env, LOG_LEVEL: 'info' };
    const db = await database();
    await migrateUp(db.knex, { folders: migrationFolders([]) });
    await db.knex('knex_migrations_lock').update({ is_locked: 1 });
    await db.close();
  });
  afterAll(async () => {
    dir.remove();
    await target?.drop();
  });

  it(
    'logs the wait once, then stops with RC_DB_MIGRATION_LOCKED and releases the database',
    { timeout: 60_000 },
    async () => {
      const logs = logLines();
      const error = await startProcess(['worker'], {
        env,
        cwd: dir.path,
        envFile: false,
        announce: null,
        logDestination: logs.stream,
        migrate: { modules: [], maxWaitMs: 300, pollMs: 50 },
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RulecordError);
      expect((error as RulecordError).code).toBe('RC_DB_MIGRATION_LOCKED');
      const table = kind === 'postgres' ? `${target.schema}.knex_migrations_lock` : 'knex_migrations_lock';
      expect(formatError(error, {})).toMatch(
        new RegExp(
          `^the migration lock \\(table ${table}\\) is still held after waiting 0\\.[3-6] s; .*\\n {2}fix: .*\`rulecord migrate unlock --yes\`.* \\[RC_DB_MIGRATION_LOCKED\\]$`,
        ),
      );
      const waits = logs.lines().filter((l) => l.msg.startsWith('another process is migrating'));
      expect(waits).toEqual([
        expect.objectContaining({
          msg: 'another process is migrating the database; waiting for its migration lock',
          lockTable: 'knex_migrations_lock',
          maxWaitMs: 300,
        }),
      ]);
      expect(logs.lines().some((l) => l.msg === 'rulecord started')).toBe(false);
      // The process gave the database back (for PGlite: the data folder), so `rulecord migrate unlock` can open it.
      const db = await database();
      try {
        expect(await readMigrationLock(db.knex)).toMatchObject({ locked: true });
      } finally {
        await db.close();
      }
    },
  );

  it('gives up after RULECORD_MIGRATION_WAIT rather than 60 s', { timeout: 30_000 }, async () => {
    const logs = logLines();
    const started = Date.now();
    const error = await startProcess(['worker'], {
      env: { ...env, RULECORD_MIGRATION_WAIT: '300ms' },
      cwd: dir.path,
      envFile: false,
      announce: null,
      logDestination: logs.stream,
      migrate: { modules: [] },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    expect((error as RulecordError).code).toBe('RC_DB_MIGRATION_LOCKED');
    expect(formatError(error, {})).toMatch(/ is still held after waiting 0\.[3-9] s; /);
    expect(elapsed).toBeLessThan(10_000);
    expect(logs.lines().filter((l) => l.msg.startsWith('another process is migrating'))).toEqual([
      expect.objectContaining({ maxWaitMs: 300 }),
    ]);
  });
});
