import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendRuleSetVersion,
  forGuild,
  getGuild,
  listMigrations,
  listAudit,
  listRuleSetVersions,
  migrateDown,
  migrateUp,
  migrateUpWhenUnlocked,
  migrationFolders,
  migrationStatus,
  recordAudit,
  upsertGuild,
} from '../../src/db/index.js';
import type { MigrationFolder } from '../../src/db/index.js';
import { openTestDatabase, testDatabaseKinds } from '../../src/testing/index.js';
import type { TestDatabase } from '../../src/testing/index.js';

const core = migrationFolders([]);
// Other parts add core migrations (timers, API tables); these tests hold for whatever the folder holds.
const coreNames = listMigrations(core).map((m) => m.name);
const withNotes: MigrationFolder[] = [
  ...core,
  { source: 'notes', dir: fileURLToPath(new URL('./fixtures/notes-migrations', import.meta.url)) },
];
const G1 = '111111111111111111';
const G2 = '222222222222222222';

async function columns(db: TestDatabase, table: string): Promise<string[]> {
  const rows = (await db
    .knex('information_schema.columns')
    .where({ table_schema: db.schema, table_name: table })
    .orderBy('column_name')
    .pluck('column_name')) as string[];
  return rows;
}

describe.each(await testDatabaseKinds())('migrations on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind, { migrate: false });
  });
  afterAll(() => db?.destroy());

  it('starts with every core migration pending, then applies them', async () => {
    expect(coreNames[0]).toBe('core/20261125000001_core');
    expect(await migrationStatus(db.knex, { folders: core })).toEqual({ applied: [], pending: coreNames });
    expect(await migrateUp(db.knex, { folders: core })).toEqual(coreNames);
    expect(await migrateUp(db.knex, { folders: core })).toEqual([]);
    expect(await columns(db, 'guilds')).toEqual(['created_at', 'id', 'name', 'settings', 'tier', 'updated_at']);
    expect(await columns(db, 'rule_set_versions')).toEqual([
      'author',
      'created_at',
      'document',
      'guild_id',
      'message',
      'version',
    ]);
  });

  it('keeps the data when a later migration goes up, down and up again', async () => {
    await upsertGuild(db.knex, { id: G1, name: 'One', tier: 'premium', settings: { locale: 'fr' } });
    await upsertGuild(db.knex, { id: G2, name: 'Two' });
    const g1 = forGuild(db.knex, G1);
    await appendRuleSetVersion(g1, { document: { rules: [{ id: 'a' }] }, author: 'u1', message: 'first' });
    await appendRuleSetVersion(g1, { document: { rules: [] }, author: 'u2' });
    await recordAudit(g1, { actor: 'u1', action: 'ruleset.apply', after: { version: 2 } });

    expect(await migrateUp(db.knex, { folders: withNotes })).toEqual(['notes/20991231000000_add_notes']);
    expect(await columns(db, 'guilds')).toContain('locale');
    expect(await getGuild(db.knex, G1)).toMatchObject({
      name: 'One',
      tier: 'premium',
      settings: { locale: 'fr' },
      locale: 'en',
    });
    await g1.insert('notes', { body: 'hello' });

    expect(await migrateDown(db.knex, { folders: withNotes })).toEqual(['notes/20991231000000_add_notes']);
    expect(await columns(db, 'guilds')).not.toContain('locale');
    expect(await db.knex.schema.hasTable('notes')).toBe(false);
    expect(await getGuild(db.knex, G1)).toMatchObject({ name: 'One', tier: 'premium', settings: { locale: 'fr' } });
    expect((await listRuleSetVersions(g1)).map((v) => [v.version, v.author, v.message, v.document])).toEqual([
      [2, 'u2', '', { rules: [] }],
      [1, 'u1', 'first', { rules: [{ id: 'a' }] }],
    ]);
    expect((await listAudit(g1)).map((a) => [a.action, a.after])).toEqual([['ruleset.apply', { version: 2 }]]);

    expect(await migrateUp(db.knex, { folders: withNotes })).toEqual(['notes/20991231000000_add_notes']);
    expect(await forGuild(db.knex, G1).query('notes')).toEqual([]);
    expect(await migrationStatus(db.knex, { folders: withNotes })).toEqual({
      applied: [...coreNames, 'notes/20991231000000_add_notes'],
      pending: [],
    });
  });

  it('undoes everything with all, leaving no Rulecord table, and comes back empty', async () => {
    expect(await migrateDown(db.knex, { folders: withNotes, all: true })).toEqual([
      'notes/20991231000000_add_notes',
      ...[...coreNames].reverse(),
    ]);
    for (const table of ['guilds', 'rule_set_versions', 'audit_log', 'notes']) {
      expect(await db.knex.schema.hasTable(table), table).toBe(false);
    }
    await migrateUp(db.knex, { folders: core });
    expect(await db.knex('guilds').select('id')).toEqual([]);
  });

  it('refuses an unknown tier and a version below 1', async () => {
    await expect(db.knex('guilds').insert({ id: G1, tier: 'gold' })).rejects.toThrow(/guilds_tier_check/);
    await upsertGuild(db.knex, { id: G1 });
    await expect(
      forGuild(db.knex, G1).insert('rule_set_versions', { version: 0, document: '{}', author: 'x' }),
    ).rejects.toThrow(/rule_set_versions_version_check/);
  });
});

describe.each(await testDatabaseKinds())('migrating while another process holds the lock, on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind, { migrate: { folders: core } });
  });
  afterAll(() => db?.destroy());

  it('waits for the lock, then migrates', async () => {
    await db.knex('knex_migrations_lock').update({ is_locked: 1 });
    await expect(migrateUp(db.knex, { folders: withNotes })).rejects.toThrow(/already locked/);
    let waited = 0;
    const pending = migrateUpWhenUnlocked(db.knex, { folders: withNotes, pollMs: 50, onWait: () => waited++ });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await db.knex('knex_migrations_lock').update({ is_locked: 0 });
    expect(await pending).toEqual(['notes/20991231000000_add_notes']);
    expect(waited).toBe(1);
  });

  it('gives up after maxWaitMs with RC_DB_MIGRATION_LOCKED (details in migration-lock.test.ts)', async () => {
    await db.knex('knex_migrations_lock').update({ is_locked: 1 });
    try {
      await expect(
        migrateUpWhenUnlocked(db.knex, { folders: withNotes, maxWaitMs: 200, pollMs: 50 }),
      ).rejects.toMatchObject({ code: 'RC_DB_MIGRATION_LOCKED' });
    } finally {
      await db.knex('knex_migrations_lock').update({ is_locked: 0 });
    }
  });
});

describe.each(await testDatabaseKinds())('every core and catalog migration on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind, { migrate: false });
  });
  afterAll(() => db?.destroy());

  it('goes up, all the way down, and up again', async () => {
    const applied = await migrateUp(db.knex);
    expect(applied[0]).toBe('core/20261125000001_core');
    const undone = await migrateDown(db.knex, { all: true });
    expect(undone).toEqual([...applied].reverse());
    expect(await migrateUp(db.knex)).toEqual(applied);
  });
});
