import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { listMigrations, migrationFolders } from '../../src/db/index.js';
import { tempDir } from '../../src/testing/index.js';

describe('listMigrations', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());
  let n = 0;
  function folder(files: string[]): string {
    const path = join(dir.path, `f${n++}`);
    mkdirSync(path);
    for (const f of files)
      writeFileSync(join(path, f), 'export async function up() {}\nexport async function down() {}\n');
    return path;
  }

  it('orders files of every folder by their timestamp, then by source', () => {
    const timestamps = fc.integer({ min: 20200101000000, max: 20991231235959 }).map(String);
    fc.assert(
      fc.property(
        fc.uniqueArray(timestamps, { minLength: 1, maxLength: 6 }),
        fc.uniqueArray(timestamps, { maxLength: 6 }),
        (a, b) => {
          const list = listMigrations([
            { source: 'core', dir: folder(a.map((t) => `${t}_a.ts`)) },
            { source: 'xp', dir: folder(b.map((t) => `${t}_b.ts`)) },
          ]);
          expect(list).toHaveLength(a.length + b.length);
          const keys = list.map((m) => `${m.name.split('/')[1]!.slice(0, 14)} ${m.source}`);
          expect(keys).toEqual([...keys].sort());
          expect(list.every((m) => /^(core|xp)\/\d{14}_[ab]$/.test(m.name))).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('names a migration by source and file without extension, ignoring .d.ts files', () => {
    const path = folder(['20260101000000_init.ts', 'types.d.ts']);
    expect(listMigrations([{ source: 'xp', dir: path }])).toEqual([
      { name: 'xp/20260101000000_init', source: 'xp', path: join(path, '20260101000000_init.ts') },
    ]);
  });

  it('refuses a badly named file, a missing folder and a duplicate name', () => {
    expect(() => listMigrations([{ source: 'xp', dir: folder(['init.ts']) }])).toThrow(/YYYYMMDDHHMMSS_snake_name/);
    expect(() => listMigrations([{ source: 'xp', dir: join(dir.path, 'nope') }])).toThrow(/does not exist/);
    expect(() =>
      listMigrations([{ source: 'xp', dir: folder(['20260101000000_a.ts', '20260101000000_a.js']) }]),
    ).toThrow(/two migration files/);
  });

  it('takes the core folder first, then each module that has migrations', () => {
    const folders = migrationFolders([{ id: 'xp', migrations: '/m/xp' }, { id: 'ai' }]);
    expect(folders.map((f) => f.source)).toEqual(['core', 'xp']);
    expect(folders[0]!.dir).toMatch(/server\/src\/db\/migrations\/core$/);
  });
});
