import { Writable } from 'node:stream';
import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { listMigrations, migrationFolders } from '../../src/db/index.js';
import { randomName, requireDatabaseUrl, tempDir, testDatabaseKinds } from '../../src/testing/index.js';
import type { TestDatabaseKind } from '../../src/testing/index.js';

async function cli(argv: string[], env: Record<string, string>, cwd: string) {
  let stdout = '';
  let stderr = '';
  const out = new Writable({ write: (c, _e, done) => ((stdout += String(c)), done()) });
  const err = new Writable({ write: (c, _e, done) => ((stderr += String(c)), done()) });
  const code = await runCli(argv, { stdout: out, stderr: err, env, cwd });
  return { code, stdout, stderr };
}

const { modules } = await import('@rulecord/catalog');
const all = listMigrations(migrationFolders(modules)).map((m) => m.name);

describe.each(await testDatabaseKinds())('rulecord migrate on %s', (kind: TestDatabaseKind) => {
  const dir = tempDir();
  const schema = randomName('cli');
  let env: Record<string, string> = {};
  beforeAll(async () => {
    if (kind === 'postgres') {
      const url = (await requireDatabaseUrl())!;
      const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
      await admin.raw('create schema ??', [schema]);
      await admin.destroy();
      // Every connection of the command works in this test's schema.
      env = { DATABASE_URL: `${url}?options=${encodeURIComponent(`-c search_path=${schema}`)}` };
    }
  });
  afterAll(async () => {
    dir.remove();
    if (kind === 'postgres') {
      const admin = knexFactory({ client: 'pg', connection: (await requireDatabaseUrl())!, pool: { min: 0, max: 1 } });
      await admin.raw('drop schema if exists ?? cascade', [schema]);
      await admin.destroy();
    }
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
});

describe('rulecord migrate: command-line errors (exit 2 with the usage, nothing opened)', () => {
  it.each([
    [[], 'say up, down or status'],
    [['sideways'], 'unknown action "sideways"; say up, down or status'],
    [['up', 'now'], 'unexpected argument "now"'],
    [['status', '--all'], '--all goes with down only'],
    [['down', '--all=yes'], 'option --all takes no value'],
  ])('%j → %s', async (args, message) => {
    const result = await cli(['migrate', ...args], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, '/');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(
      result.stderr.startsWith(`rulecord migrate: ${message}\nUsage: rulecord migrate up|down|status [--all]\n`),
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
