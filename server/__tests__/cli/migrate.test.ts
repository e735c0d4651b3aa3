import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCommand } from './capture.js';
import type { Knex } from 'knex';
import { loadConfig } from '../../src/config/index.js';
import { listMigrations, migrateUp, migrationFolders, openDatabase, withMigrationSession } from '../../src/db/index.js';
import { requireDatabaseUrl, tempDir, testDatabaseEnv, testDatabaseKinds } from '../../src/testing/index.js';
import type { TestDatabaseEnv, TestDatabaseKind } from '../../src/testing/index.js';

const cli = (argv: string[], env: Record<string, string>, cwd: string) => runCommand(argv, { env, cwd });

const { modules } = await import('@rulecord/catalog');
const all = listMigrations(migrationFolders(modules)).map((m) => m.name);

describe.each(await testDatabaseKinds())('rulecord migrate on %s', (kind: TestDatabaseKind) => {
  const dir = tempDir();
  let target: TestDatabaseEnv;
  let env: Record<string, string> = {};
  let schema = '';
  beforeAll(async () => {
    // Every connection of the command works in this test's schema.
    target = await testDatabaseEnv(kind, 'cli');
    ({ env, schema } = target);
  });
  afterAll(async () => {
    dir.remove();
    await target?.drop();
  });

  it('lists, applies, undoes and re-applies every migration', { timeout: 120_000 }, async () => {
    const before = await cli(['migrate', 'status'], env, dir.path);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain(`Database: ${kind}`);
    expect(before.stdout).toContain(`Applied (0):\nPending (${all.length}):\n  ${all.join('\n  ')}\n`);

    const up = await cli(['migrate', 'up'], env, dir.path);
    expect(up).toMatchObject({ code: 0, stderr: '' });
    expect(up.stdout).toBe(`Applied ${all.length}:\n  ${all.join('\n  ')}\n`);
    expect((await cli(['migrate', 'up'], env, dir.path)).stdout).toBe('Already up to date.\n');

    const down = await cli(['migrate', 'down', '--all'], env, dir.path);
    expect(down.stdout).toBe(`Undone ${all.length}:\n  ${[...all].reverse().join('\n  ')}\n`);
    expect((await cli(['migrate', 'down'], env, dir.path)).stdout).toBe('Nothing to undo.\n');
    expect((await cli(['migrate', 'up'], env, dir.path)).code).toBe(0);
    expect((await cli(['migrate', 'status'], env, dir.path)).stdout).toContain(`Applied (${all.length}):`);
  });

  it('reports a migration lock held for good, and releases it only with --yes', { timeout: 60_000 }, async () => {
    const table = kind === 'postgres' ? `${schema}.knex_migrations_lock` : 'knex_migrations_lock';
    await setLock(1);
    const status = await cli(['migrate', 'status'], env, dir.path);
    expect(status.stdout).toMatch(
      new RegExp(`\\nMigration lock \\(${table}\\): held, stale \\(see \`rulecord migrate unlock\`\\)\\n$`),
    );

    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const started = Date.now();
    const up = await cli(['migrate', 'up', '--wait', '300ms'], env, dir.path);
    warnings.mockRestore();
    // knex's per-attempt "Can't take lock … run 'knex migrate:unlock'" lines are not written.
    expect(warnings.mock.calls).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(up.code).toBe(1);
    expect(up.stdout).toBe('');
    const lines = up.stderr.split('\n');
    expect(lines[0]).toBe('Another process holds the migration lock; waiting up to 0.3 s for it.');
    expect(lines[1]).toMatch(
      new RegExp(
        `^rulecord migrate: the migration lock \\(table ${table}\\) is still held after waiting 0\\.[3-6] s; `,
      ),
    );
    expect(lines[2]).toMatch(
      /^ {2}fix: .*release the stale lock with `rulecord migrate unlock --yes` .*\[RC_DB_MIGRATION_LOCKED\]$/,
    );
    expect(lines.slice(3)).toEqual(['']);

    const check = await cli(['migrate', 'unlock'], env, dir.path);
    expect(check).toMatchObject({ code: 1, stderr: '' });
    expect(check.stdout).toContain(`The migration lock (table ${table}) is held. `);
    expect(check.stdout).toContain('Run `rulecord migrate unlock --yes` to release it');
    expect(await lockValue()).toBe(1);

    const unlock = await cli(['migrate', 'unlock', '--yes'], env, dir.path);
    expect(unlock).toMatchObject({ code: 0, stderr: '' });
    expect(unlock.stdout).toBe(
      `Released the migration lock (table ${table}). \`rulecord migrate up\` (or starting Rulecord) applies what is pending.\n`,
    );
    expect(await lockValue()).toBe(0);
    expect(await cli(['migrate', 'unlock', '--yes'], env, dir.path)).toMatchObject({
      code: 0,
      stdout: `The migration lock (table ${table}) is free: nothing to release.\n`,
    });
    expect((await cli(['migrate', 'status'], env, dir.path)).stdout).toContain(`Migration lock (${table}): free\n`);
    expect(await cli(['migrate', 'up', '--wait', '0s'], env, dir.path)).toMatchObject({
      code: 0,
      stdout: 'Already up to date.\n',
    });
  });

  /** Another process's view of the database the command uses (same env, same folder). */
  async function database<T>(use: (knex: Knex) => Promise<T>): Promise<T> {
    const db = await openDatabase(loadConfig({ env, cwd: dir.path, envFile: false }));
    try {
      return await use(db.knex);
    } finally {
      await db.close();
    }
  }
  const setLock = (value: number) => database((knex) => knex('knex_migrations_lock').update({ is_locked: value }));
  const lockValue = () =>
    database(async (knex) => Number((await knex('knex_migrations_lock').first('is_locked'))?.is_locked));
});

describe.skipIf((await requireDatabaseUrl()) === undefined)('rulecord migrate unlock while a process migrates', () => {
  it('refuses, naming the session, and leaves the lock as it is', { timeout: 60_000 }, async () => {
    const { env, schema, drop } = await testDatabaseEnv('postgres', 'cli');
    const db = await openDatabase(loadConfig({ env, cwd: '/', envFile: false }));
    await migrateUp(db.knex, { folders: migrationFolders([]) });
    let finish!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const run = withMigrationSession(db.knex, async () => {
      await db.knex('knex_migrations_lock').update({ is_locked: 1 });
      entered();
      await new Promise<void>((resolve) => (finish = resolve));
      await db.knex('knex_migrations_lock').update({ is_locked: 0 });
    });
    try {
      await inside;
      const result = await cli(['migrate', 'unlock', '--yes'], env, '/');
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(
          `^rulecord migrate: not releasing the migration lock \\(table ${schema}\\.knex_migrations_lock\\): the process of PostgreSQL session \\d+ \\(.*client 127\\.0\\.0\\.1, connected .*\\) is migrating the database right now\\n {2}fix: wait for that migration to finish, then start again; if the process hangs, stop it \\(\`SELECT pg_terminate_backend\\(\\d+\\)\` ends its session\\) and run \`rulecord migrate unlock\` \\[RC_DB_MIGRATION_RUNNING\\]\\n$`,
        ),
      );
      expect(Number((await db.knex('knex_migrations_lock').first('is_locked'))?.is_locked)).toBe(1);
      const status = await cli(['migrate', 'status'], env, '/');
      expect(status.stdout).toContain(': held by a process that is migrating now (see `rulecord migrate unlock`)\n');
    } finally {
      finish?.();
      await run;
      await db.close();
      await drop();
    }
  });
});

describe('rulecord migrate: command-line errors (exit 2 with the usage, nothing opened)', () => {
  it.each([
    [[], 'say up, down, status or unlock'],
    [['sideways'], 'unknown action "sideways"; say up, down, status or unlock'],
    [['up', 'now'], 'unexpected argument "now"'],
    [['status', '--all'], '--all goes with down only'],
    [['down', '--all=yes'], 'option --all takes no value'],
    [['up', '--yes'], '--yes goes with unlock only'],
    [['unlock', '--wait', '5s'], '--wait goes with up and down only'],
    [['up', '--wait', '30'], '--wait takes a duration such as 30s or 5m, not "30"'],
    [['up', '--wait'], 'option --wait needs a value'],
  ])('%j → %s', async (args, message) => {
    const result = await cli(['migrate', ...args], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, '/');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(
      result.stderr.startsWith(
        `rulecord migrate: ${message}\nUsage: rulecord migrate up|down|status|unlock [--all] [--wait <duration>] [--yes]\n`,
      ),
    ).toBe(true);
  });

  it('reports an unreachable PostgreSQL as one line with the fix, exit 1', async () => {
    const result = await cli(['migrate', 'status'], { DATABASE_URL: 'postgres://ops:hunter2@127.0.0.1:1/none' }, '/');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^rulecord migrate: cannot reach PostgreSQL at postgres:\/\/ops:\*\*\*@127\.0\.0\.1:1\/none: .*\n {2}fix: check DATABASE_URL and that PostgreSQL is running, or unset DATABASE_URL to use the embedded database \[RC_DB_UNREACHABLE\]\n$/,
    );
    expect(result.stderr).not.toContain('hunter2');
  });
});
