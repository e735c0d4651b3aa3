import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from './capture.js';
import { randomName, requireDatabaseUrl, tempDir } from '../../src/testing/index.js';

const cli = (argv: string[], env: Record<string, string>, cwd: string) => runCommand(argv, { env, cwd });

const usage = (message: string) =>
  expect.stringMatching(new RegExp(`^rulecord token: ${message}.*\\nUsage: rulecord token create`));

describe('rulecord token: command-line errors (exit 2, before any database is opened)', () => {
  it.each([
    [[], 'say create, list or revoke'],
    [['rotate'], 'say create, list or revoke'],
    [['list', 'more', '--guild', '1'], 'unexpected argument "more"'],
    [['list'], '--guild needs the guild id \\(a Discord snowflake, digits only\\)'],
    [['list', '--guild', 'abc'], '--guild needs the guild id'],
    [['create', '--guild', '1', '--scope', 'admin'], '--scope must be read or write, not "admin"'],
    [['revoke', '--guild', '1'], 'revoke needs --id TOKEN_ID'],
    [['list', '--guild', '1', '--name', 'x'], '--name and --scope go with create only'],
  ])('%j → %s', async (args, message) => {
    // DATABASE_URL points nowhere: a usage error must not try to reach it.
    const result = await cli(['token', ...args], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }, '/');
    expect(result.code).toBe(2);
    expect(result.stderr).toEqual(usage(message));
  });
});

describe('rulecord token on PostgreSQL', async () => {
  const url = await requireDatabaseUrl();
  const schema = randomName('cli_token');
  const dir = tempDir();
  const env: Record<string, string> = {
    DATABASE_URL: `${url ?? ''}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    USER: 'ops',
  };
  beforeAll(async () => {
    if (!url) return;
    const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
    await admin.raw('create schema ??', [schema]);
    await admin.destroy();
  });
  afterAll(async () => {
    dir.remove();
    if (!url) return;
    const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
    await admin.raw('drop schema if exists ?? cascade', [schema]);
    await admin.destroy();
  });

  it.skipIf(!url)(
    'creates a token shown once, lists it without the secret, revokes it, audits both',
    async () => {
      const created = await cli(
        ['token', 'create', '--guild', '123', '--name', 'ci', '--scope', 'write'],
        env,
        dir.path,
      );
      expect(created.code).toBe(0);
      const [line, copy, token, ...rest] = created.stdout.split('\n');
      const id = /^Created write token (\S+) \("ci"\) for guild 123\.$/.exec(line ?? '')?.[1];
      expect(id).toBeDefined();
      expect(copy).toBe('Copy it now; it is not shown again:');
      expect(token).toMatch(/^\S{20,}$/);
      expect(rest).toEqual(['']);

      const listed = await cli(['token', 'list', '--guild', '123'], env, dir.path);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(new RegExp(`^${id!}  write  "ci"  created \\S+.*last used never\\n$`));
      expect(listed.stdout).not.toContain(token);

      expect(await cli(['token', 'revoke', '--guild', '123', '--id', id!], env, dir.path)).toEqual({
        code: 0,
        stdout: `Revoked token ${id!}.\n`,
        stderr: '',
      });
      expect((await cli(['token', 'list', '--guild', '123'], env, dir.path)).stdout).toContain('  REVOKED ');

      // Revoking again, or another guild's token, is a failure that says what to look at.
      const again = await cli(['token', 'revoke', '--guild', '999', '--id', id!], env, dir.path);
      expect(again).toEqual({
        code: 1,
        stdout: '',
        stderr: `rulecord token: guild 999 has no live token ${id!} (see \`rulecord token list --guild 999\`)\n`,
      });
      expect((await cli(['token', 'list', '--guild', '999'], env, dir.path)).stdout).toBe(
        'Guild 999 has no API tokens.\n',
      );

      const admin = knexFactory({ client: 'pg', connection: url!, pool: { min: 0, max: 1 } });
      const audit = (await admin
        .withSchema(schema)
        .table('audit_log')
        .select('actor', 'action', 'target')
        .orderBy('created_at')) as unknown[];
      await admin.destroy();
      expect(audit).toEqual([
        { actor: 'cli:ops', action: 'token.create', target: `token:${id!}` },
        { actor: 'cli:ops', action: 'token.revoke', target: `token:${id!}` },
      ]);
    },
    30_000,
  );
});
