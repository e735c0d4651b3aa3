// Rule set changes reach every process: Redis pub/sub between separate connections; an invalid PUT publishes nothing.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessInvalidation, redisInvalidation, type RuleSetChange } from '../../src/rulesets/invalidation.js';
import { randomName, requireRedisUrl } from '../../src/testing/index.js';
import { createHarness, doc, owner, snowflake, type Harness } from '../api/harness.js';

const until = async (check: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
};

describe('invalidation bus', () => {
  it('in-process: subscribers get every change, unsubscribed ones do not', async () => {
    const bus = inProcessInvalidation();
    const got: RuleSetChange[] = [];
    const off = bus.subscribe((c) => got.push(c));
    await bus.publish({ guildId: '1', version: 2, at: 0 });
    off();
    await bus.publish({ guildId: '1', version: 3, at: 0 });
    expect(got).toEqual([{ guildId: '1', version: 2, at: 0 }]);
    await bus.close();
  });

  it('Redis: a change published by one process reaches another', async () => {
    const url = (await requireRedisUrl())!;
    const channel = randomName('rc_inval');
    const a = new Redis(url);
    const b = new Redis(url);
    const busA = redisInvalidation(a, channel);
    const busB = redisInvalidation(b, channel);
    const got: RuleSetChange[] = [];
    busB.subscribe((c) => got.push(c));
    await busB.ready();
    await busA.publish({ guildId: '42', version: 7, at: 1 });
    await until(() => got.length > 0);
    expect(got).toEqual([{ guildId: '42', version: 7, at: 1 }]);
    // foreign messages on the channel are ignored; an unsubscribed listener hears nothing more
    const second: RuleSetChange[] = [];
    const off = busB.subscribe((c) => second.push(c));
    await b.publish(channel, 'not json');
    await b.publish(channel, JSON.stringify({ guildId: 5, version: 'x' }));
    await busA.publish({ guildId: '43', version: 8, at: 2 });
    await until(() => got.length > 1);
    off();
    await busA.publish({ guildId: '44', version: 9, at: 3 });
    await until(() => got.length > 2);
    expect(got.map((c) => c.guildId)).toEqual(['42', '43', '44']);
    expect(second.map((c) => c.guildId)).toEqual(['43']);
    await busA.close();
    await busB.close();
    a.disconnect();
    b.disconnect();
  });
});

describe('PUT ruleset publishes to every process (Redis)', () => {
  let h: Harness;
  let listener: Redis;
  const got: RuleSetChange[] = [];
  beforeAll(async () => {
    h = await createHarness({ redis: true });
    listener = new Redis((await requireRedisUrl())!);
    const bus = redisInvalidation(listener);
    bus.subscribe((c) => got.push(c));
    await bus.ready();
  });
  afterAll(async () => {
    listener?.disconnect();
    await h?.close();
  });

  it('valid → one change with the new version; invalid → 400, nothing stored, nothing published', async () => {
    const g = snowflake();
    const c = await h.login(owner(h, [g]));
    const ok = await h.inject({
      method: 'PUT',
      url: `/api/guilds/${g}/ruleset`,
      headers: c.write,
      payload: { document: doc(g), message: 'v1' },
    });
    expect(ok.statusCode).toBe(200);
    await until(() => got.some((x) => x.guildId === g));
    expect(got.filter((x) => x.guildId === g).map((x) => x.version)).toEqual([1]);
    const bad = await h.inject({
      method: 'PUT',
      url: `/api/guilds/${g}/ruleset`,
      headers: c.write,
      payload: { document: { ...doc(g), rules: 'nope' } },
    });
    expect(bad.statusCode).toBe(400);
    await new Promise((r) => setTimeout(r, 150));
    expect(got.filter((x) => x.guildId === g).map((x) => x.version)).toEqual([1]);
    expect((await h.db.knex('rule_set_versions').where({ guild_id: g })).length).toBe(1);
    expect((await h.db.knex('audit_log').where({ guild_id: g })).length).toBe(1);
  });
});

describe('embedded default (no Redis)', () => {
  it("the API publishes on this process's bus, where the bot of the same process listens", async () => {
    const { processInvalidation } = await import('../../src/rulesets/invalidation.js');
    const seen: RuleSetChange[] = [];
    const off = processInvalidation().subscribe((c) => seen.push(c));
    const h = await createHarness({ kind: 'pglite' });
    try {
      const g = snowflake();
      const c = await h.login(owner(h, [g]));
      const res = await h.inject({
        method: 'PUT',
        url: `/api/guilds/${g}/ruleset`,
        headers: c.write,
        payload: { document: doc(g) },
      });
      expect(res.statusCode).toBe(200);
      expect(seen.filter((x) => x.guildId === g).map((x) => x.version)).toEqual([1]);
    } finally {
      off();
      await h.close();
    }
  });
});
