import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuthStateStore, SessionStore } from '../../src/auth/sessions.js';
import { openTestDatabase, type TestDatabase } from '../../src/testing/index.js';

describe('SessionStore / OAuthStateStore (PostgreSQL)', () => {
  let db: TestDatabase;
  let t = Date.UTC(2026, 0, 1);
  const now = () => t;
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('a session is active until it expires or is revoked, and old ones are swept', async () => {
    const sessions = new SessionStore(db.knex, 's'.repeat(40), now);
    const a = await sessions.create({
      userId: '1',
      userName: 'a',
      discordAccessToken: 'discord-secret',
      ttlMs: 60_000,
    });
    expect(await sessions.discordToken(a.id)).toBe('discord-secret');
    expect((await db.knex('sessions').where({ id: a.id }).first()).discord_token).not.toContain('discord-secret');
    expect((await sessions.active(a.id))?.userId).toBe('1');
    t += 61_000;
    expect(await sessions.active(a.id)).toBeNull();
    const b = await sessions.create({ userId: '2', userName: 'b', ttlMs: 60_000 });
    expect(await sessions.revoke(b.id)).toBe(true);
    expect(await sessions.revoke(b.id)).toBe(false);
    expect(await sessions.active(b.id)).toBeNull();
    t += 2 * 86_400_000;
    await sessions.create({ userId: '3', userName: 'c', ttlMs: 60_000 });
    expect(await db.knex('sessions').whereIn('id', [a.id, b.id])).toEqual([]);
  });

  it('an OAuth state is taken once, by the browser that started it, before it expires', async () => {
    const states = new OAuthStateStore(db.knex, now, 600_000);
    const s1 = await states.create('browser-1');
    expect(await states.take(s1.state, 'browser-2')).toBeNull();
    expect(await states.take(s1.state, 'browser-1')).toBeNull(); // burnt by the foreign attempt
    const s2 = await states.create('browser-1');
    expect(await states.take(s2.state, 'browser-1')).toEqual({ codeVerifier: s2.codeVerifier });
    expect(await states.take(s2.state, 'browser-1')).toBeNull();
    const s3 = await states.create('browser-1');
    t += 600_001;
    expect(await states.take(s3.state, 'browser-1')).toBeNull();
    expect(await states.take(s3.state, undefined)).toBeNull();
    expect(JSON.stringify(await db.knex('oauth_states'))).not.toContain(s3.state);
  });
});
