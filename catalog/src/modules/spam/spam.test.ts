import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { InMemoryStateStore, RedisStateStore } from '@rulecord/engine';
import type { JsonObject, StateStore } from '@rulecord/engine';
import { connectTestRedis, deleteKeysWithPrefix, randomId } from '@rulecord/engine/testing';
import { makeContext, messagePayload } from '../../testing/context.js';
import { channelsRecent, contentKey, duplicateMessages, recentMessages } from './facts.js';

const T0 = 1_732_000_000_000;

// Every sequence runs on both StateStore implementations: in-process and the real Redis (random prefix per sequence,
// keys deleted after; unreachable Redis skips locally and fails under CI=true).
const redis = await connectTestRedis();
const base = randomId('catspam').replace(/_/g, '');
let sequence = 0;
afterAll(async () => {
  if (redis) {
    await deleteKeysWithPrefix(redis, base);
    redis.disconnect();
  }
});

type StoreKind = 'memory' | 'redis';
function newStore(kind: StoreKind, clock: { now(): number }): StateStore {
  if (kind === 'memory') return new InMemoryStateStore({ clock });
  if (!redis) throw new Error('no Redis');
  sequence += 1;
  return new RedisStateStore(redis, { prefix: `${base}s${sequence}` });
}
const STORES: StoreKind[] = redis ? ['memory', 'redis'] : ['memory'];

/** Sends messages through one state store and returns the fact's value for each. */
async function run(
  f: typeof recentMessages,
  messages: { at: number; content?: string; user?: string; channel?: string }[],
  options: { settings?: JsonObject; params?: JsonObject; store?: StoreKind } = {},
): Promise<number[]> {
  let now = T0;
  const state = newStore(options.store ?? 'memory', { now: () => now });
  const out: number[] = [];
  for (const m of messages) {
    now = m.at;
    const payload = messagePayload(m.content ?? 'hi', { userId: m.user ?? 'u1', channelId: m.channel ?? 'c1' });
    const { ctx } = makeContext({
      type: 'message.create',
      payload,
      at: m.at,
      state,
      ...(options.settings ? { settings: { spam: options.settings } } : {}),
    });
    out.push((await f.resolve(ctx, options.params)) as number);
  }
  return out;
}

describe.each(STORES)('on the %s StateStore', (store) => {
  describe('spam.recentMessages', () => {
    it("counts an author's messages in the sliding window (default 10s)", async () => {
      const at = [0, 1_000, 2_000, 9_999, 10_500, 30_000].map((d) => T0 + d);
      expect(
        await run(
          recentMessages,
          at.map((t) => ({ at: t })),
          { store },
        ),
      ).toEqual([1, 2, 3, 4, 4, 1]);
    });

    it('takes the window from params, then settings', async () => {
      const at = [0, 3_000, 6_000].map((d) => ({ at: T0 + d }));
      expect(await run(recentMessages, at, { params: { window: '5s' }, store })).toEqual([1, 2, 2]);
      expect(await run(recentMessages, at, { settings: { window: '2s' }, store })).toEqual([1, 1, 1]);
    });

    it('keeps authors apart', async () => {
      const msgs = [
        { at: T0, user: 'a' },
        { at: T0 + 1, user: 'b' },
        { at: T0 + 2, user: 'a' },
      ];
      expect(await run(recentMessages, msgs, { store })).toEqual([1, 1, 2]);
    });

    it('never exceeds the number of messages sent and is at least 1', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 30 }),
          async (gaps) => {
            let t = T0;
            const at = gaps.map((g) => ({ at: (t += g) }));
            const counts = await run(recentMessages, at, { store });
            counts.forEach((c, i) => {
              expect(c).toBeGreaterThanOrEqual(1);
              expect(c).toBeLessThanOrEqual(i + 1);
              // exact: messages within (at - 10s, at]
              const expected = at.slice(0, i + 1).filter((m) => m.at > (at[i]?.at ?? 0) - 10_000).length;
              expect(c).toBe(expected);
            });
          },
        ),
        { numRuns: 50 },
      );
    });
  });

  describe('spam.duplicateMessages', () => {
    it('counts the same text, ignoring case and spacing, within the window', async () => {
      const msgs = [
        { at: T0, content: 'Free nitro!' },
        { at: T0 + 1_000, content: 'free   NITRO! ' },
        { at: T0 + 2_000, content: 'something else' },
        { at: T0 + 3_000, content: 'FREE NITRO!' },
        { at: T0 + 70_000, content: 'free nitro!' },
      ];
      expect(await run(duplicateMessages, msgs, { store })).toEqual([1, 2, 1, 3, 1]);
    });

    it('ignores empty messages', async () => {
      expect(
        await run(
          duplicateMessages,
          [
            { at: T0, content: '' },
            { at: T0 + 1, content: '  ' },
          ],
          { store },
        ),
      ).toEqual([0, 0]);
    });

    it('contentKey is the same exactly when the normalized text is', () => {
      fc.assert(
        fc.property(fc.string(), (s) => {
          expect(contentKey(s)).toBe(contentKey(`  ${s.toUpperCase()}  `.replace(/ /g, '  ')));
        }),
      );
      expect(contentKey('a')).not.toBe(contentKey('b'));
    });
  });

  describe('spam.channelsRecent', () => {
    it('counts distinct channels in the window', async () => {
      const msgs = [
        { at: T0, channel: 'a' },
        { at: T0 + 1_000, channel: 'b' },
        { at: T0 + 2_000, channel: 'a' },
        { at: T0 + 3_000, channel: 'c' },
        { at: T0 + 120_000, channel: 'd' },
      ];
      expect(await run(channelsRecent, msgs, { store })).toEqual([1, 2, 2, 3, 1]);
    });

    it('counts two channels hit at the same instant (no lost update)', async () => {
      const state = newStore(store, { now: () => T0 });
      const contexts = ['x', 'y', 'z'].map(
        (channel) =>
          makeContext({ type: 'message.create', payload: messagePayload('hi', { channelId: channel }), at: T0, state })
            .ctx,
      );
      const values = await Promise.all(contexts.map((ctx) => channelsRecent.resolve(ctx, undefined)));
      expect([...(values as number[])].sort()).toEqual([1, 2, 3]);
    });
  });
});
