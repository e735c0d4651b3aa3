import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import type { Config } from '../../src/config/index.js';
import { freePort, requireDatabaseUrl, tempDir } from '../../src/testing/index.js';

const pgUrl = await requireDatabaseUrl();

describe('openDatabase', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('names an unreachable PostgreSQL with its password masked, and how to fix it', async () => {
    const url = `postgres://rc:hunter2@127.0.0.1:${await freePort()}/db`;
    for (const options of [{}, { schema: 'some_schema' }]) {
      const error = await openDatabase({ DATABASE_URL: url, dataDir: dir.path } as Config, options).then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string; fix: string },
      );
      expect(error?.code).toBe('RC_DB_UNREACHABLE');
      expect(error?.message).toMatch(/^cannot reach PostgreSQL at postgres:\/\/rc:\*\*\*@127\.0\.0\.1:\d+\/db: /);
      expect(error?.message).not.toContain('hunter2');
      expect(error?.fix).toContain('unset DATABASE_URL');
    }
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(
      openDatabase({ dataDir: dir.path } as Config, { inMemory: true, schema: 'x"; drop' }),
    ).rejects.toMatchObject({
      code: 'RC_DB_SCHEMA_NAME',
    });
  });

  it('keeps the embedded database in <RULECORD_DATA_DIR>/pgdata, with pgvector', { timeout: 60_000 }, async () => {
    const db = await openDatabase({ dataDir: dir.path } as Config);
    try {
      expect(db.kind).toBe('pglite');
      expect(db.location).toBe(`${dir.path}/pgdata`);
      const [row] = (await db.knex.raw(`select '[1,2,3]'::vector <-> '[1,2,4]'::vector as distance`)).rows as {
        distance: number;
      }[];
      expect(row?.distance).toBe(1);
      await db.ping();
    } finally {
      await db.close();
    }
    await expect(db.ping()).rejects.toThrow();
  });

  it.skipIf(!pgUrl)('opens PostgreSQL when DATABASE_URL is set', async () => {
    const db = await openDatabase({ DATABASE_URL: pgUrl!, dataDir: dir.path } as Config);
    expect(db.kind).toBe('postgres');
    await db.ping();
    await db.close();
    await db.close();
  });
});
