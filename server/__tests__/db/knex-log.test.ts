import knexFactory from 'knex';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { knexLog, openDatabase } from '../../src/db/open.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function consoleLines() {
  const lines: string[] = [];
  for (const method of ['log', 'warn', 'error'] as const) {
    vi.spyOn(console, method).mockImplementation(
      (...args: unknown[]) => void lines.push(`${method}: ${args.join(' ')}`),
    );
  }
  return lines;
}

describe("knex's log, as the database writes it", () => {
  it('drops the pool\'s per-attempt "Acquire connection error" lines, keeps other warnings and errors', () => {
    const lines = consoleLines();
    knexLog.warn('Acquire connection error: connect ECONNREFUSED 127.0.0.1:1');
    knexLog.warn('.returning() is not supported by sqlite3');
    knexLog.error('Debug: dropFoo does not exist');
    expect(lines).toEqual([
      'warn: knex: .returning() is not supported by sqlite3',
      'error: knex: Debug: dropFoo does not exist',
    ]);
  });

  it("drops the migrator's two lines per attempt on a held lock (their advice, `knex migrate:unlock`, is not ours)", () => {
    const lines = consoleLines();
    knexLog.warn("Can't take lock to run migrations: Migration table is already locked");
    knexLog.warn(
      "If you are sure migrations are not running you can release the lock manually by running 'knex migrate:unlock'",
    );
    knexLog.warn('migration failed with error: boom');
    expect(lines).toEqual(['warn: knex: migration failed with error: boom']);
  });

  it('writes a deprecation as the one sentence knex gives (it passes a message, not method and alternative)', () => {
    const lines = consoleLines();
    const knex = knexFactory({ client: 'pg', log: knexLog });
    knex.schema
      .createTable('t', (t) => (t as unknown as { json(name: string, jsonb: boolean): unknown }).json('doc', true))
      .toSQL();
    void knex.destroy();
    expect(lines).toEqual(['warn: knex: json(true) is deprecated, please use jsonb()']);
  });

  it("keeps a query's .debug() output off stdout (it would break the JSON log lines)", async () => {
    const db = await openDatabase({ dataDir: '' }, { inMemory: true });
    const lines = consoleLines();
    expect(await db.knex.raw('select 1 as one').debug(true)).toMatchObject({ rows: [{ one: 1 }] });
    await db.close();
    expect(lines.filter((l) => l.includes('select 1'))).toEqual([]);
  });
});
