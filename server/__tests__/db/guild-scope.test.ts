import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appendRuleSetVersion, forGuild, getRuleSetVersion, upsertGuild } from '../../src/db/index.js';
import { openTestDatabase, testDatabaseKinds } from '../../src/testing/index.js';
import type { TestDatabase } from '../../src/testing/index.js';

const GUILDS = ['100000000000000001', '100000000000000002', '100000000000000003'] as const;

describe.each(await testDatabaseKinds())('forGuild on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    for (const id of GUILDS) await upsertGuild(db.knex, { id });
    await db.knex.schema.createTable('scoped_items', (t) => {
      t.increments('id').primary();
      t.text('guild_id').notNullable();
      t.text('label').notNullable();
    });
  });
  afterAll(() => db?.destroy());
  beforeEach(async () => {
    await db.knex('scoped_items').del();
  });

  it('never lets one guild read, change or delete another guild’s rows', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ guild: fc.constantFrom(...GUILDS), label: fc.string({ maxLength: 8 }) }), {
          maxLength: 12,
        }),
        fc.constantFrom(...GUILDS),
        async (rows, actor) => {
          await db.knex('scoped_items').del();
          for (const row of rows) await forGuild(db.knex, row.guild).insert('scoped_items', { label: row.label });
          const scoped = forGuild(db.knex, actor);
          const own = rows
            .filter((r) => r.guild === actor)
            .map((r) => r.label)
            .sort();

          const seen = (await scoped.query('scoped_items').select('guild_id', 'label')) as {
            guild_id: string;
            label: string;
          }[];
          expect(seen.every((r) => r.guild_id === actor)).toBe(true);
          expect(seen.map((r) => r.label).sort()).toEqual(own);

          expect(await scoped.query('scoped_items').update({ label: 'changed' })).toBe(own.length);
          expect(await scoped.query('scoped_items as s').whereNot('s.label', 'changed').count({ n: '*' })).toEqual([
            { n: kind === 'postgres' ? '0' : 0 },
          ]);
          expect(await scoped.query('scoped_items').del()).toBe(own.length);

          const others = (await db.knex('scoped_items').select('guild_id', 'label')) as {
            guild_id: string;
            label: string;
          }[];
          expect(others.map((r) => `${r.guild_id}:${r.label}`).sort()).toEqual(
            rows
              .filter((r) => r.guild !== actor)
              .map((r) => `${r.guild}:${r.label}`)
              .sort(),
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it('stamps inserts with its guild and refuses a row naming another', async () => {
    const g1 = forGuild(db.knex, GUILDS[0]);
    await g1.insert('scoped_items', [{ label: 'a' }, { label: 'b', guild_id: GUILDS[0] }]);
    expect(() => g1.insert('scoped_items', { label: 'c', guild_id: GUILDS[1] })).toThrow(
      /RC_DB_GUILD_SCOPE|names guild/,
    );
    expect(await db.knex('scoped_items').where({ guild_id: GUILDS[0] }).count({ n: '*' })).toEqual([
      { n: kind === 'postgres' ? '2' : 2 },
    ]);
  });

  it('refuses to move rows to another guild or insert through query()', () => {
    const g1 = forGuild(db.knex, GUILDS[0]);
    expect(() => g1.query('scoped_items').update({ guild_id: GUILDS[1] })).toThrow(/tried to change guild_id/);
    expect(() => g1.query('scoped_items').insert({ label: 'x' })).toThrow(/db\.insert/);
  });

  it('scopes joins through the alias and refuses a malformed guild id or table', () => {
    const sql = forGuild(db.knex, GUILDS[0])
      .query('scoped_items as s')
      .join('guilds as g', 'g.id', 's.guild_id')
      .toSQL();
    expect(sql.sql).toContain('"s"."guild_id" = ?');
    expect(sql.bindings).toContain(GUILDS[0]);
    expect(() => forGuild(db.knex, "1' or '1'='1")).toThrow(/not valid/);
    expect(() => forGuild(db.knex, GUILDS[0]).query('a; drop table guilds')).toThrow(/not a plain name/);
  });

  it('runs a transaction with a handle scoped to the same guild, rolling back on error', async () => {
    const g2 = forGuild(db.knex, GUILDS[1]);
    await expect(
      g2.transaction(async (trx) => {
        expect(trx.guildId).toBe(GUILDS[1]);
        await trx.insert('scoped_items', { label: 'in-trx' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await g2.query('scoped_items')).toEqual([]);
  });

  it('numbers rule set versions 1, 2, 3… per guild, even when appended concurrently', async () => {
    const g3 = forGuild(db.knex, GUILDS[2]);
    const rows = await Promise.all(
      Array.from({ length: 6 }, (_, i) => appendRuleSetVersion(g3, { document: { n: i }, author: `u${i}` })),
    );
    expect(rows.map((r) => r.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await getRuleSetVersion(g3))?.version).toBe(6);
    expect((await getRuleSetVersion(g3, 2))?.guild_id).toBe(GUILDS[2]);
    expect(await getRuleSetVersion(forGuild(db.knex, GUILDS[0]))).toBeUndefined();
  });
});
