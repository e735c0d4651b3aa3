// Per-guild API tokens: shown once, stored hashed, scoped, revocable, last-used time; the CLI `rulecord token`.
import knexFactory from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../cli/capture.js';
import { sha256 } from '../../src/auth/crypto.js';
import { randomName, requireDatabaseUrl, tempDir } from '../../src/testing/index.js';
import { createHarness, doc, owner, snowflake, type Client, type Harness } from '../api/harness.js';

describe('API tokens over HTTP', () => {
  let h: Harness;
  let g: string;
  let other: string;
  let admin: Client;
  beforeAll(async () => {
    h = await createHarness();
    g = snowflake();
    other = snowflake();
    admin = await h.login(owner(h, [g, other]));
  });
  afterAll(async () => {
    await h?.close();
  });

  async function create(scope: 'read' | 'write', guild = g) {
    const res = await h.inject({
      method: 'POST',
      url: `/api/guilds/${guild}/tokens`,
      headers: admin.write,
      payload: { name: `ci-${scope}`, scope },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { token: string; id: string };
  }

  it('shows the token once and stores only its hash', async () => {
    const { token, id } = await create('write');
    const list = await h.inject({ method: 'GET', url: `/api/guilds/${g}/tokens`, headers: admin.read });
    expect(list.body).not.toContain(token);
    expect(list.json().tokens.find((t: { id: string }) => t.id === id)).toMatchObject({
      scope: 'write',
      lastUsedAt: null,
      revokedAt: null,
    });
    const row = await h.db.knex('api_tokens').where({ id }).first();
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.token_hash).toBe(sha256(token));
  });

  it('a write token can change its guild, records last use, and cannot reach another guild', async () => {
    const { token, id } = await create('write');
    const auth = { authorization: `Bearer ${token}` };
    const put = await h.inject({
      method: 'PUT',
      url: `/api/guilds/${g}/ruleset`,
      headers: auth,
      payload: { document: doc(g), message: 'from CI' },
    });
    expect(put.statusCode, put.body).toBe(200);
    const v = await h.inject({ method: 'GET', url: `/api/guilds/${g}/ruleset`, headers: auth });
    expect(v.json().author).toBe(`token:${id}`);
    const row = await h.db.knex('api_tokens').where({ id }).first();
    expect(row.last_used_at).not.toBeNull();
    const cross = await h.inject({ method: 'GET', url: `/api/guilds/${other}/ruleset`, headers: auth });
    expect(cross.statusCode).toBe(403);
  });

  it('a read token reads but cannot write (403), and cannot manage tokens', async () => {
    const { token } = await create('read');
    const auth = { authorization: `Bearer ${token}` };
    expect((await h.inject({ method: 'GET', url: `/api/guilds/${g}/premium`, headers: auth })).statusCode).toBe(200);
    const put = await h.inject({
      method: 'PUT',
      url: `/api/guilds/${g}/ruleset`,
      headers: auth,
      payload: { document: doc(g) },
    });
    expect(put.statusCode).toBe(403);
    expect(put.json().error.code).toBe('RC_API_TOKEN_SCOPE');
    expect((await h.inject({ method: 'GET', url: `/api/guilds/${g}/tokens`, headers: auth })).statusCode).toBe(403);
  });

  it('a revoked token is 401 at once; revoking twice is 404', async () => {
    const { token, id } = await create('write');
    const auth = { authorization: `Bearer ${token}` };
    expect((await h.inject({ method: 'GET', url: `/api/guilds/${g}/premium`, headers: auth })).statusCode).toBe(200);
    const del = await h.inject({ method: 'DELETE', url: `/api/guilds/${g}/tokens/${id}`, headers: admin.write });
    expect(del.statusCode, del.body).toBe(200);
    expect((await h.inject({ method: 'GET', url: `/api/guilds/${g}/premium`, headers: auth })).statusCode).toBe(401);
    expect(
      (await h.inject({ method: 'DELETE', url: `/api/guilds/${g}/tokens/${id}`, headers: admin.write })).statusCode,
    ).toBe(404);
    const audit = await h.db.knex('audit_log').where({ guild_id: g, action: 'token.revoke' });
    expect(audit.length).toBe(1);
  });

  it('a made-up or malformed bearer token is 401', async () => {
    for (const authorization of [
      'Bearer rct_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      'Bearer nope',
      'Basic abc',
      'Bearer',
    ])
      expect(
        (await h.inject({ method: 'GET', url: `/api/guilds/${g}/premium`, headers: { authorization } })).statusCode,
      ).toBe(401);
  });
});

const cli = (argv: string[], env: Record<string, string>, cwd: string) => runCommand(argv, { env, cwd });

describe('rulecord token (PostgreSQL)', () => {
  const dir = tempDir();
  const schema = randomName('tok');
  let env: Record<string, string> = {};
  let url = '';
  beforeAll(async () => {
    url = (await requireDatabaseUrl())!;
    const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
    await admin.raw('create schema ??', [schema]);
    await admin.destroy();
    env = { DATABASE_URL: `${url}?options=${encodeURIComponent(`-c search_path=${schema}`)}`, LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    dir.remove();
    const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
    await admin.raw('drop schema if exists ?? cascade', [schema]);
    await admin.destroy();
  });

  it('creates (shown once), lists without the secret, revokes', { timeout: 120_000 }, async () => {
    const created = await cli(
      ['token', 'create', '--guild', '445566', '--name', 'ci', '--scope', 'write'],
      env,
      dir.path,
    );
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^rct_[A-Za-z0-9_-]+_[A-Za-z0-9_-]+$/);
    const id = token.split('_')[1]!;
    const listed = await cli(['token', 'list', '--guild', '445566'], env, dir.path);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain('write');
    expect(listed.stdout).not.toContain(token);
    const revoked = await cli(['token', 'revoke', '--guild', '445566', '--id', id], env, dir.path);
    expect(revoked).toMatchObject({ code: 0, stdout: `Revoked token ${id}.\n` });
    expect((await cli(['token', 'list', '--guild', '445566'], env, dir.path)).stdout).toContain('REVOKED');
    expect((await cli(['token', 'revoke', '--guild', '445566', '--id', id], env, dir.path)).code).toBe(1);
  });

  it('refuses a bad command line with exit 2', async () => {
    expect((await cli(['token', 'create'], env, dir.path)).code).toBe(2);
    expect((await cli(['token', 'create', '--guild', 'abc'], env, dir.path)).code).toBe(2);
    expect((await cli(['token', 'create', '--guild', '1', '--scope', 'admin'], env, dir.path)).code).toBe(2);
    expect((await cli(['token', 'revoke', '--guild', '1'], env, dir.path)).code).toBe(2);
    expect((await cli(['token', 'explode', '--guild', '1'], env, dir.path)).code).toBe(2);
  });
});
