// Test helpers for the real services (PostgreSQL, Redis). Under CI=true a missing service FAILS the test that needs
// it; on a developer machine it is skipped with a note, so `npm test` still runs everything else.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import type { Config } from '../config/schema.js';
import { migrateUp } from '../db/migrate.js';
import type { MigrateOptions } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';
import type { Database } from '../db/open.js';

export const TEST_DATABASE_URL = process.env.RULECORD_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.RULECORD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const isCI = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

/** A random name for a test's schema or Redis key prefix: `<prefix>_<12 hex>`. */
export function randomName(prefix = 'test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

function missing(service: string, url: string, error: unknown): string {
  const why = error instanceof Error ? error.message || error.name : String(error);
  return `${service} at ${url} is unreachable (${why}).`;
}

const probes = new Map<string, Promise<string | undefined>>();

/**
 * The test PostgreSQL URL (`RULECORD_TEST_DATABASE_URL`, default the machine's). Resolves `undefined` when it is
 * unreachable on a developer machine (skip the suite: `describe.skipIf(!url)`); under CI=true it rejects, so the
 * test fails instead of skipping.
 */
export function requireDatabaseUrl(): Promise<string | undefined> {
  return probe('PostgreSQL', TEST_DATABASE_URL, async () => {
    const knex = knexFactory({
      client: 'pg',
      connection: TEST_DATABASE_URL,
      pool: { min: 0, max: 1 },
      acquireConnectionTimeout: 3_000,
      // The failure is reported once, below; not as a pool warning per attempt.
      log: { warn() {}, error() {}, deprecate() {}, debug() {} },
    });
    try {
      await knex.raw('select 1');
    } finally {
      await knex.destroy();
    }
  });
}

/** Like `requireDatabaseUrl`, for Redis (`RULECORD_TEST_REDIS_URL`). */
export function requireRedisUrl(): Promise<string | undefined> {
  return probe('Redis', TEST_REDIS_URL, async () => {
    const { hostname, port } = new URL(TEST_REDIS_URL);
    await new Promise<void>((resolve, reject) => {
      const socket = new Socket();
      socket.setTimeout(3_000, () => socket.destroy(new Error('timeout')));
      socket.once('error', reject);
      socket.connect(Number(port || 6379), hostname, () => {
        socket.write('PING\r\n');
      });
      socket.once('data', (data) => {
        socket.destroy();
        if (data.toString().startsWith('+PONG') || data.toString().startsWith('-NOAUTH')) resolve();
        else reject(new Error(`unexpected answer ${JSON.stringify(data.toString().trim())}`));
      });
    });
  });
}

function probe(service: string, url: string, check: () => Promise<void>): Promise<string | undefined> {
  let result = probes.get(url);
  if (!result) {
    result = check().then(
      () => url,
      (error: unknown) => {
        if (isCI())
          throw new Error(
            `${missing(service, url, error)} CI=true: a test that needs ${service} fails when it is missing.`,
          );
        console.warn(`${missing(service, url, error)} Skipping the tests that need it (they fail under CI=true).`);
        return undefined;
      },
    );
    probes.set(url, result);
  }
  return result;
}

export type TestDatabaseKind = 'pglite' | 'postgres';

/**
 * The databases a DB suite runs on: always PGlite, and PostgreSQL when reachable (always under CI=true, where an
 * unreachable one rejects). Use with `describe.each(await testDatabaseKinds())`.
 */
export async function testDatabaseKinds(): Promise<TestDatabaseKind[]> {
  return (await requireDatabaseUrl()) === undefined ? ['pglite'] : ['pglite', 'postgres'];
}

export interface TestDatabase extends Database {
  /** The schema this test file works in (PostgreSQL) or `public` (PGlite, a fresh in-memory instance). */
  readonly schema: string;
  /** Drops the schema (PostgreSQL) and closes. */
  destroy(): Promise<void>;
}

/**
 * A fresh database for one test file: an in-memory PGlite, or a random schema on the test PostgreSQL (dropped by
 * `destroy`). With `migrate`, core migrations (and the given modules') are applied.
 */
export async function openTestDatabase(
  kind: TestDatabaseKind,
  options: { migrate?: MigrateOptions | false } = {},
): Promise<TestDatabase> {
  const migrate = options.migrate === undefined ? { modules: [] } : options.migrate;
  if (kind === 'pglite') {
    const db = await openDatabase({ dataDir: '/nonexistent' } as Config, { inMemory: true });
    if (migrate) await migrateUp(db.knex, migrate);
    return { ...db, schema: 'public', destroy: () => db.close() };
  }
  const url = await requireDatabaseUrl();
  if (url === undefined) throw new Error('PostgreSQL is unreachable; guard the suite with testDatabaseKinds()');
  const schema = randomName('t');
  const db = await openDatabase({ DATABASE_URL: url, dataDir: '/nonexistent' } as Config, { schema, poolMax: 4 });
  if (migrate) await migrateUp(db.knex, migrate);
  return {
    ...db,
    schema,
    async destroy() {
      await db.close();
      await adminQuery(url, 'drop schema if exists ?? cascade', schema);
    },
  };
}

export interface TestDatabaseEnv {
  /** The variables to hand the process: `DATABASE_URL` on PostgreSQL, none for the embedded database. */
  env: Record<string, string>;
  /** The schema every connection works in (`public` for PGlite, whose data lives in the working directory). */
  schema: string;
  /** Drops the schema (PostgreSQL). */
  drop(): Promise<void>;
}

/**
 * The environment of code that opens the database by itself (the CLI, `startProcess`) on a fresh schema of the test
 * PostgreSQL: its `DATABASE_URL` sets the `search_path` of every connection. On `pglite`, an empty environment: the
 * embedded database of the working directory.
 */
export async function testDatabaseEnv(kind: TestDatabaseKind, prefix = 'env'): Promise<TestDatabaseEnv> {
  if (kind === 'pglite') return { env: {}, schema: 'public', drop: async () => {} };
  const url = await requireDatabaseUrl();
  if (url === undefined) throw new Error('PostgreSQL is unreachable; guard the suite with testDatabaseKinds()');
  const schema = randomName(prefix);
  await adminQuery(url, 'create schema ??', schema);
  return {
    env: { DATABASE_URL: `${url}?options=${encodeURIComponent(`-c search_path=${schema}`)}` },
    schema,
    drop: () => adminQuery(url, 'drop schema if exists ?? cascade', schema),
  };
}

async function adminQuery(url: string, sql: string, identifier: string): Promise<void> {
  const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  try {
    await admin.raw(sql, [identifier]);
  } finally {
    await admin.destroy();
  }
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A temporary folder, removed by the returned `remove`. */
export function tempDir(prefix = 'rulecord-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface OwnRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts a private `redis-server` on a free port (for tests that kill, flush or misconfigure Redis; never touch the
 * shared one on 6379). Extra `args` such as `['--maxmemory-policy', 'allkeys-lru']`.
 */
export async function startRedisServer(args: readonly string[] = []): Promise<OwnRedis> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
    {
      stdio: 'ignore',
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await Promise.race([
      new Promise<boolean>((resolve) => {
        const socket = new Socket();
        socket.once('error', () => resolve(false));
        socket.connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        });
      }),
      spawnError,
    ]);
    if (up) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
