// Rule set versions on PGlite and PostgreSQL: append-only history, audit entries, optimistic concurrency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/api/errors.js';
import { RuleSetStore } from '../../src/rulesets/store.js';
import {
  openTestDatabase,
  testDatabaseKinds,
  type TestDatabase,
  type TestDatabaseKind,
} from '../../src/testing/index.js';

const doc = (g: string, n: number) => ({ apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: g, rules: [], n });

describe.each(await testDatabaseKinds())('RuleSetStore on %s', (kind: TestDatabaseKind) => {
  let db: TestDatabase;
  let store: RuleSetStore;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
    store = new RuleSetStore(db.knex);
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('appends versions 1, 2, 3 with author, message and an audit entry each', async () => {
    for (let n = 1; n <= 3; n++) {
      const { version, previous } = await store.append({
        guildId: '11',
        document: doc('11', n),
        author: 'user:1',
        message: `m${n}`,
      });
      expect(version.version).toBe(n);
      expect(previous).toBe(n - 1);
    }
    expect((await store.latest('11'))?.document).toMatchObject({ n: 3 });
    expect((await store.get('11', 2))?.message).toBe('m2');
    expect((await store.list('11')).map((v) => v.version)).toEqual([3, 2, 1]);
    expect((await store.list('11', { before: 3, limit: 1 })).map((v) => v.version)).toEqual([2]);
    const audit = await db.knex('audit_log').where({ guild_id: '11' }).orderBy('id');
    expect(audit.map((a) => [a.action, a.before, a.after])).toEqual([
      ['ruleset.update', { version: 0 }, { version: 1, message: 'm1' }],
      ['ruleset.update', { version: 1 }, { version: 2, message: 'm2' }],
      ['ruleset.update', { version: 2 }, { version: 3, message: 'm3' }],
    ]);
  });

  it('refuses a stale expectedVersion with RC_API_CONFLICT and writes nothing', async () => {
    await store.append({ guildId: '12', document: doc('12', 1), author: 'a', message: '' });
    const err = await store
      .append({ guildId: '12', document: doc('12', 2), author: 'a', message: '', expectedVersion: 0 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('RC_API_CONFLICT');
    expect((await store.list('12')).length).toBe(1);
    expect((await db.knex('audit_log').where({ guild_id: '12' })).length).toBe(1);
  });

  it('lets exactly one of several concurrent writers on the same version win', async () => {
    await store.append({ guildId: '13', document: doc('13', 1), author: 'a', message: '' });
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        store.append({ guildId: '13', document: doc('13', 10 + i), author: `w${i}`, message: '', expectedVersion: 1 }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as ApiError).code).toBe('RC_API_CONFLICT');
    expect((await store.list('13')).map((v) => v.version)).toEqual([2, 1]);
  });

  it('keeps guilds apart', async () => {
    expect(await store.latest('14')).toBeNull();
    expect(await store.get('14', 1)).toBeNull();
    expect(await store.tier('14')).toBe('free');
  });
});
