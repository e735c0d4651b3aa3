import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTraceStore } from '../../src/index.js';
import type { Trace } from '../../src/index.js';
import { trace } from './fixtures.js';
import { connectTestRedis, deleteKeysWithPrefix } from '../../src/testing/redis.js';
import { randomId, waitFor } from '../../src/testing/util.js';

type Redis = NonNullable<Awaited<ReturnType<typeof connectTestRedis>>>;

describe('RedisTraceStore (real Redis)', () => {
  let redis: Redis | null = null;
  const prefix = randomId('rctr');
  const stores: RedisTraceStore[] = [];
  const connections: Redis[] = [];
  beforeAll(async () => {
    redis = await connectTestRedis();
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    for (const c of connections) c.disconnect();
    if (redis) {
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
    }
  });
  const make = (name: string, options: ConstructorParameters<typeof RedisTraceStore>[1] = {}) => {
    const store = new RedisTraceStore(redis!, { prefix: `${prefix}:${name}`, flushEveryMs: 50, ...options });
    stores.push(store);
    return store;
  };

  it('a trace recorded by one process is listed by another, bounded per outcome, newest first, per guild', async (ctx) => {
    if (!redis) return ctx.skip();
    const writer = make('a', { retention: { 'condition-false': 3 } });
    const reader = make('a');
    const errors = [trace('error'), trace('error')];
    for (const t of errors) writer.record(t);
    for (let i = 0; i < 50; i++) writer.record(trace('condition-false'));
    writer.record(trace('fired', 'g2'));
    await writer.flush();
    for (let i = 0; i < 4; i++) writer.record(trace('condition-false'));
    await writer.flush();
    const g1 = reader.forGuild('g1');
    expect((await g1.list({ outcome: 'error' })).map((t) => t.id)).toEqual(errors.map((t) => t.id).reverse());
    expect((await g1.list({ outcome: 'condition-false' })).length).toBe(3);
    expect((await g1.counts())['condition-false']).toBe(3);
    expect((await g1.list()).every((t) => t.guildId === 'g1')).toBe(true);
    expect(await g1.get(errors[0]!.id)).toMatchObject({ id: errors[0]!.id, outcome: 'error' });
    const g2 = reader.forGuild('g2');
    expect((await g2.list()).map((t) => t.outcome)).toEqual(['fired']);
    expect(await g2.get(errors[0]!.id)).toBeUndefined();
    await g1.clear();
    expect(await g1.list()).toEqual([]);
  });

  it("streams a guild's traces to another process, only that guild, and builds filtered ones only for listeners who ask", async (ctx) => {
    if (!redis) return ctx.skip();
    const subscriber = redis.duplicate();
    connections.push(subscriber);
    const writer = make('b');
    const api = make('b', { subscriber });
    const seen: Trace[] = [];
    const stop = api.forGuild('g1').subscribe((t) => seen.push(t));
    expect(writer.wants('g1', 'filtered')).toBe(false);
    // The writer learns that someone listens at its next flush, then publishes.
    await waitFor(async () => {
      writer.record(trace('fired', 'g1'));
      writer.record(trace('fired', 'g2'));
      await writer.flush();
      return seen.length > 0;
    }, 3000);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((t) => t.guildId === 'g1')).toBe(true);
    expect(writer.wants('g1', 'filtered')).toBe(false);

    const filtered: Trace[] = [];
    const stopFiltered = api.forGuild('g1').subscribe((t) => filtered.push(t), { outcomes: ['filtered'] });
    const ok = await waitFor(async () => {
      await writer.flush();
      return writer.wants('g1', 'filtered');
    }, 3000);
    expect(ok).toBe(true);
    writer.record(trace('filtered', 'g1'));
    expect(await waitFor(() => filtered.length === 1, 2000)).toBe(true);
    stopFiltered();
    stop();
  });

  it('an Engine records into it, and another process reads the runs', async (ctx) => {
    if (!redis) return ctx.skip();
    const { harness, load, message, GUILD } = await import('../runtime/fixtures.js');
    const traces = make('c');
    const h = await harness({ traces });
    load(h, [
      {
        id: 'caps',
        on: 'message.create',
        if: { fact: 'message.capsRatio', operator: 'greaterThan', value: 0.5 },
        then: [{ 'log.trace': { message: 'loud' } }],
      },
    ]);
    await h.engine.dispatch(message('HELLO'));
    h.clock.advance(1000);
    await h.engine.dispatch(message('hello'));
    // The writer's buffer reaches Redis on its next flush (every 50 ms here): flush now rather than race the timer.
    await traces.flush();
    const listed = await make('c').forGuild(GUILD).list();
    expect(listed.map((t) => [t.rule.id, t.outcome])).toEqual([
      ['caps', 'condition-false'],
      ['caps', 'fired'],
    ]);
    expect(listed[0]?.condition?.leaves[0]).toMatchObject({ fact: 'message.capsRatio', actual: 0, result: false });
    expect(listed[1]?.notes.map((x) => x.message)).toEqual(['loud']);
  });
});
