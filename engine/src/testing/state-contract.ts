import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuildState, StateOp, StateStore } from '../state/port.js';
import { sleep } from './util.js';

export interface StateStoreFixture {
  store: StateStore;
  cleanup(): Promise<void>;
  /** Moves time forward by `ms` for TTL expiry (a virtual clock); real sleep when absent. */
  advance?(ms: number): Promise<void>;
  /** Other handles on the same data (e.g. other Redis connections), for concurrency tests; `[store]` when absent. */
  peers?: StateStore[];
}

let unique = 0;
const fresh = (name: string): string => `${name}-${Date.now().toString(36)}-${++unique}`;

/**
 * The `StateStore` contract: every implementation runs this suite (in-memory and Redis), so they behave the same.
 *
 * @example
 * stateStoreContract('InMemoryStateStore', async () => ({ store: new InMemoryStateStore(), cleanup: async () => {} }));
 */
export function stateStoreContract(name: string, make: () => Promise<StateStoreFixture>): void {
  describe(`StateStore contract: ${name}`, () => {
    let fx: StateStoreFixture;
    const advance = (ms: number): Promise<void> => (fx.advance ? fx.advance(ms) : sleep(ms + 30));

    beforeAll(async () => {
      fx = await make();
    });
    afterAll(async () => {
      await fx.cleanup();
    });

    it('gets, sets and deletes strings', async () => {
      const g = fx.store.forGuild(fresh('g'));
      expect(await g.get('f', 'a')).toBeNull();
      await g.set('f', 'a', 'one');
      expect(await g.get('f', 'a')).toBe('one');
      await g.set('f', 'a', 'two');
      expect(await g.get('f', 'a')).toBe('two');
      await g.del('f', 'a');
      expect(await g.get('f', 'a')).toBeNull();
      await g.del('f', 'never-set');
    });

    it('expires a value after its TTL, and a plain set clears the TTL', async () => {
      const g = fx.store.forGuild(fresh('g'));
      await g.set('f', 'short', 'x', 300);
      await g.set('f', 'cleared', 'x', 300);
      await g.set('f', 'cleared', 'y');
      expect(await g.get('f', 'short')).toBe('x');
      await advance(350);
      expect(await g.get('f', 'short')).toBeNull();
      expect(await g.get('f', 'cleared')).toBe('y');
    });

    it('setIfAbsent sets once until the key expires', async () => {
      const g = fx.store.forGuild(fresh('g'));
      expect(await g.setIfAbsent('lock', 'k', '1', 300)).toBe(true);
      expect(await g.setIfAbsent('lock', 'k', '2', 300)).toBe(false);
      expect(await g.get('lock', 'k')).toBe('1');
      await advance(350);
      expect(await g.setIfAbsent('lock', 'k', '3', 300)).toBe(true);
      expect(await g.get('lock', 'k')).toBe('3');
    });

    it('setIfAbsent lets exactly one of many concurrent callers win', async () => {
      const g = fx.store.forGuild(fresh('g'));
      const peers = fx.peers ?? [fx.store];
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          peers[i % peers.length]!.forGuild(g.guildId).setIfAbsent('dedupe', 'event-1', String(i), 10_000),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('incr is atomic and sets the TTL only when it creates the counter', async () => {
      const g = fx.store.forGuild(fresh('g'));
      expect(await g.incr('c', 'n')).toBe(1);
      expect(await g.incr('c', 'n', 5)).toBe(6);
      expect(await g.incr('c', 'n', -2)).toBe(4);
      expect(await g.get('c', 'n')).toBe('4');
      const peers = fx.peers ?? [fx.store];
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => peers[i % peers.length]!.forGuild(g.guildId).incr('c', 'm')),
      );
      expect(await g.get('c', 'm')).toBe('100');

      expect(await g.incr('c', 'ttl', 1, 600)).toBe(1);
      await advance(200);
      expect(await g.incr('c', 'ttl', 1, 600)).toBe(2); // does not push the expiry back
      await advance(420);
      expect(await g.get('c', 'ttl')).toBeNull();
      expect(await g.incr('c', 'ttl', 1, 600)).toBe(1);
    });

    it('hit counts hits in (now - window, now], and count reads without recording', async () => {
      const g = fx.store.forGuild(fresh('g'));
      const t = 1_700_000_000_000;
      expect(await g.hit('w', 'u', 1000, t)).toBe(1);
      expect(await g.hit('w', 'u', 1000, t + 500)).toBe(2);
      expect(await g.hit('w', 'u', 1000, t + 999)).toBe(3);
      expect(await g.count('w', 'u', 1000, t + 999)).toBe(3);
      expect(await g.count('w', 'u', 1000, t + 1000)).toBe(2); // the hit at t is out: the window is open on the left
      expect(await g.hit('w', 'u', 1000, t + 1000)).toBe(3);
      expect(await g.count('w', 'u', 1000, t + 5000)).toBe(0);
      expect(await g.count('w', 'other', 1000, t)).toBe(0);
      expect(await g.hit('w', 'same-time', 1000, t)).toBe(1);
      expect(await g.hit('w', 'same-time', 1000, t)).toBe(2); // two hits at the same millisecond both count
    });

    it('take allows up to max per window, refuses without recording, and says when a slot frees', async () => {
      const g = fx.store.forGuild(fresh('g'));
      const t = 1_700_000_000_000;
      expect(await g.take('rate', 'u', 2, 1000, t)).toEqual({ allowed: true, count: 1, retryAfterMs: 0 });
      expect(await g.take('rate', 'u', 2, 1000, t + 300)).toEqual({ allowed: true, count: 2, retryAfterMs: 0 });
      expect(await g.take('rate', 'u', 2, 1000, t + 400)).toEqual({ allowed: false, count: 2, retryAfterMs: 600 });
      expect(await g.take('rate', 'u', 2, 1000, t + 999)).toEqual({ allowed: false, count: 2, retryAfterMs: 1 });
      expect(await g.count('rate', 'u', 1000, t + 999)).toBe(2); // refusals recorded nothing
      expect(await g.take('rate', 'u', 2, 1000, t + 1000)).toEqual({ allowed: true, count: 2, retryAfterMs: 0 });
      expect(await g.take('rate', 'u', 2, 1000, t + 1100)).toEqual({ allowed: false, count: 2, retryAfterMs: 200 });
      expect(await g.take('rate', 'zero', 0, 1000, t)).toEqual({ allowed: false, count: 0, retryAfterMs: 1000 });
    });

    it('a hit stamped earlier than the newest one counts at the newest time', async () => {
      const g = fx.store.forGuild(fresh('g'));
      const t = 1_700_000_000_000;
      expect((await g.take('rate', 'u', 1, 10, t)).allowed).toBe(true);
      expect((await g.take('rate', 'u', 1, 10, t + 15)).allowed).toBe(true);
      // A late caller whose clock read t+8: (t-2, t+8] would look empty, but time does not run backwards in a window.
      expect((await g.take('rate', 'u', 1, 10, t + 8)).allowed).toBe(false);
    });

    it('keys lists the keys of one feature of one guild only', async () => {
      const id = fresh('g');
      const g = fx.store.forGuild(id);
      const other = fx.store.forGuild(`${id}x`);
      await g.set('feat', 'a', '1');
      await g.incr('feat', 'b:with:colons');
      await g.hit('feat', 'c', 10_000, Date.now());
      await g.set('feat2', 'd', '1');
      await other.set('feat', 'e', '1');
      expect(await g.keys('feat')).toEqual(['a', 'b:with:colons', 'c']);
      expect(await g.keys('feat2')).toEqual(['d']);
      expect(await other.keys('feat')).toEqual(['e']);
      expect(await g.keys('nothing')).toEqual([]);
    });

    it('keys treats glob characters literally', async () => {
      const id = fresh('g');
      const g = fx.store.forGuild(`${id}*`);
      const victim = fx.store.forGuild(`${id}zz`);
      await victim.set('f', 'secret', '1');
      await g.set('f', 'mine', '1');
      expect(await g.keys('f')).toEqual(['mine']);
      expect(await g.keys('*')).toEqual([]);
    });

    it('rejects guild ids and features that could address another guild', async () => {
      expect(() => fx.store.forGuild('a:b')).toThrow(/RC_STATE_BAD_KEY|contains ':'/);
      expect(() => fx.store.forGuild('')).toThrow(/non-empty/);
      const g = fx.store.forGuild(fresh('g'));
      await expect(g.get('f:x', 'k')).rejects.toThrow(/contains ':'/);
      await expect(g.set('', 'k', 'v')).rejects.toThrow(/non-empty/);
      await expect(g.get('f', '')).rejects.toThrow(/non-empty/);
    });

    it('property: nothing written through one guild handle is reachable from another', async () => {
      const part = fc.stringMatching(/^[a-z0-9*?[\]\\-]{1,8}$/);
      await fc.assert(
        fc.asyncProperty(
          part,
          part,
          part,
          fc.array(fc.tuple(part, fc.string({ minLength: 1, maxLength: 8 })), { minLength: 1, maxLength: 6 }),
          async (a, b, feature, writes) => {
            fc.pre(a !== b);
            const run = fresh('iso');
            const ga = fx.store.forGuild(`${run}${a}`);
            const gb = fx.store.forGuild(`${run}${b}`);
            for (const [key, value] of writes) {
              await ga.set(feature, key, value, 60_000);
              await ga.incr(`${feature}n`, key, 1, 60_000);
              await ga.hit(`${feature}w`, key, 60_000, 1);
            }
            for (const [key] of writes) {
              expect(await gb.get(feature, key)).toBeNull();
              expect(await gb.get(`${feature}n`, key)).toBeNull();
              expect(await gb.count(`${feature}w`, key, 60_000, 1)).toBe(0);
            }
            for (const [key] of writes) {
              await gb.set(feature, key, 'from-b', 60_000);
              expect(await ga.get(feature, key)).not.toBe('from-b');
            }
            expect(await gb.keys(`${feature}n`)).toEqual([]);
            expect(await gb.keys(`${feature}w`)).toEqual([]);
            expect((await ga.keys(feature)).length).toBe(new Set(writes.map(([k]) => k)).size);
          },
        ),
        { numRuns: 40 },
      );
    });

    // setIfAbsentThen is optional: stores without it skip these.
    const markThen = (g: GuildState, skip: () => void) => {
      if (g.setIfAbsentThen === undefined) skip();
      return g.setIfAbsentThen!.bind(g);
    };

    it('setIfAbsentThen performs its operation only when it sets the marker', async (ctx) => {
      const g = fx.store.forGuild(fresh('g'));
      const mark = markThen(g, () => ctx.skip());
      const t = 1_700_000_000_000;
      const hit = (now: number) => ({ op: 'hit', feature: 'w', key: 'u', windowMs: 10_000, now }) as const;
      expect(await mark('seen', 'e1', '1', 60_000, hit(t))).toEqual({ set: true, result: 1 });
      expect(await mark('seen', 'e1', '1', 60_000, hit(t + 1))).toEqual({ set: false }); // a redelivery counts nothing
      expect(await g.count('w', 'u', 10_000, t + 1)).toBe(1);
      expect(await mark('seen', 'e2', '1', 60_000, hit(t + 2))).toEqual({ set: true, result: 2 });
      expect(await g.get('seen', 'e1')).toBe('1');
      expect(await g.setIfAbsent('seen', 'e2', 'x', 60_000)).toBe(false);
    });

    it('setIfAbsentThen answers every operation as the operation itself does', async (ctx) => {
      const id = fresh('g');
      const a = fx.store.forGuild(`${id}a`);
      const b = fx.store.forGuild(`${id}b`);
      const mark = markThen(a, () => ctx.skip());
      const t = 1_700_000_000_000;
      const ops: StateOp[] = [
        { op: 'get', feature: 'f', key: 's' },
        { op: 'set', feature: 'f', key: 's', value: 'one' },
        { op: 'get', feature: 'f', key: 's' },
        { op: 'set', feature: 'f', key: 't', value: 'two', ttlMs: 60_000 },
        { op: 'get', feature: 'f', key: 't' },
        { op: 'setIfAbsent', feature: 'f', key: 'lock', value: 'a', ttlMs: 60_000 },
        { op: 'setIfAbsent', feature: 'f', key: 'lock', value: 'b', ttlMs: 60_000 },
        { op: 'get', feature: 'f', key: 'lock' },
        { op: 'incr', feature: 'c', key: 'n' },
        { op: 'incr', feature: 'c', key: 'n', by: 5, ttlMs: 60_000 },
        { op: 'incr', feature: 'c', key: 'n', by: -2 },
        { op: 'hit', feature: 'w', key: 'u', windowMs: 1000, now: t },
        { op: 'hit', feature: 'w', key: 'u', windowMs: 1000, now: t + 500 },
        { op: 'count', feature: 'w', key: 'u', windowMs: 1000, now: t + 999 },
        { op: 'count', feature: 'w', key: 'u', windowMs: 1000, now: t + 1000 },
        { op: 'take', feature: 'r', key: 'u', max: 1, windowMs: 1000, now: t },
        { op: 'take', feature: 'r', key: 'u', max: 1, windowMs: 1000, now: t + 400 },
        { op: 'take', feature: 'r', key: 'z', max: 0, windowMs: 1000, now: t },
        { op: 'del', feature: 'f', key: 's' },
        { op: 'get', feature: 'f', key: 's' },
      ];
      const plain = (op: StateOp): Promise<unknown> => {
        switch (op.op) {
          case 'get':
            return b.get(op.feature, op.key);
          case 'set':
            return b.set(op.feature, op.key, op.value, ...(op.ttlMs === undefined ? [] : [op.ttlMs]));
          case 'setIfAbsent':
            return b.setIfAbsent(op.feature, op.key, op.value, op.ttlMs);
          case 'del':
            return b.del(op.feature, op.key);
          case 'incr':
            return b.incr(op.feature, op.key, op.by, op.ttlMs);
          case 'hit':
            return b.hit(op.feature, op.key, op.windowMs, op.now);
          case 'count':
            return b.count(op.feature, op.key, op.windowMs, op.now);
          case 'take':
            return b.take(op.feature, op.key, op.max, op.windowMs, op.now);
        }
      };
      for (const [i, op] of ops.entries()) {
        const expected = await plain(op);
        expect({ i, ...(await mark('seen', `e${i}`, '1', 60_000, op)) }).toEqual({ i, set: true, result: expected });
      }
      expect(await a.keys('f')).toEqual(await b.keys('f'));
      expect(await a.get('c', 'n')).toBe('4');
    });

    it('property: hits, plain and through setIfAbsentThen, count as the window model, times out of order included', async (ctx) => {
      markThen(fx.store.forGuild(fresh('g')), () => ctx.skip());
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 5000 }),
          fc.array(fc.tuple(fc.boolean(), fc.integer({ min: -3000, max: 3000 })), { minLength: 1, maxLength: 25 }),
          async (windowMs, steps) => {
            const g = fx.store.forGuild(fresh('hits'));
            // The model: a hit stamped before the newest counts at the newest time; the window is (at - windowMs, at].
            const model: number[] = [];
            let now = 1_700_000_000_000;
            for (const [i, [marked, step]] of steps.entries()) {
              now += step;
              const at = Math.max(now, model.at(-1) ?? now);
              while (model.length > 0 && (model[0] as number) <= at - windowMs) model.shift();
              model.push(at);
              const op = { op: 'hit', feature: 'rate', key: 'u', windowMs, now } as const;
              const got = marked
                ? await g.setIfAbsentThen!('seen', `e${i}`, '1', 60_000, op)
                : { set: true, result: await g.hit('rate', 'u', windowMs, now) };
              expect({ i, ...got }).toEqual({ i, set: true, result: model.length });
            }
          },
        ),
        { numRuns: 30 },
      );
    });

    it('setIfAbsentThen markers expire after their TTL', async (ctx) => {
      const g = fx.store.forGuild(fresh('g'));
      const mark = markThen(g, () => ctx.skip());
      const incr = { op: 'incr', feature: 'c', key: 'n' } as const;
      expect(await mark('seen', 'e', '1', 300, incr)).toEqual({ set: true, result: 1 });
      expect(await mark('seen', 'e', '1', 300, incr)).toEqual({ set: false });
      await advance(350);
      expect(await mark('seen', 'e', '1', 300, incr)).toEqual({ set: true, result: 2 });
    });

    it('setIfAbsentThen lets exactly one of many concurrent callers set the marker and act', async (ctx) => {
      const g = fx.store.forGuild(fresh('g'));
      markThen(g, () => ctx.skip());
      const peers = fx.peers ?? [fx.store];
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          peers[i % peers.length]!.forGuild(g.guildId).setIfAbsentThen!('seen', 'event-1', String(i), 10_000, {
            op: 'incr',
            feature: 'c',
            key: 'n',
          }),
        ),
      );
      expect(results.filter((r) => r.set)).toEqual([{ set: true, result: 1 }]);
      expect(await g.get('c', 'n')).toBe('1');
    });

    it('setIfAbsentThen rejects bad arguments before writing anything', async (ctx) => {
      const g = fx.store.forGuild(fresh('g'));
      const mark = markThen(g, () => ctx.skip());
      const hit = { op: 'hit', feature: 'w', key: 'u', windowMs: 1000, now: 1 } as const;
      await expect(mark('seen', 'e', '1', 0, hit)).rejects.toThrow(/ttlMs/);
      await expect(mark('seen', 'e', '1', 1000, { ...hit, windowMs: -1 })).rejects.toThrow(/windowMs/);
      await expect(mark('seen', 'e', '1', 1000, { ...hit, feature: 'a:b' })).rejects.toThrow(/contains ':'/);
      await expect(mark('seen', 'e', '1', 1000, { op: 'incr', feature: 'c', key: 'n', by: 0.5 })).rejects.toThrow(
        /integer/,
      );
      await expect(mark('seen:x', 'e', '1', 1000, hit)).rejects.toThrow(/contains ':'/);
      await expect(mark('seen', 'e', '1', 1000, { op: 'nope' } as unknown as StateOp)).rejects.toThrow();
      expect(await g.get('seen', 'e')).toBeNull();
      expect(await g.count('w', 'u', 1000, 1)).toBe(0);
    });

    it('setIfAbsentThen leaves the marker unset when its operation fails in the store', async (ctx) => {
      const g = fx.store.forGuild(fresh('g'));
      const mark = markThen(g, () => ctx.skip());
      await g.set('w', 'text', 'not a window');
      await expect(
        mark('seen', 'e', '1', 60_000, { op: 'hit', feature: 'w', key: 'text', windowMs: 1000, now: 1 }),
      ).rejects.toThrow();
      expect(await g.get('seen', 'e')).toBeNull();
      expect(await g.get('w', 'text')).toBe('not a window');
    });

    it('property: with redeliveries, a window counts each event once', async (ctx) => {
      markThen(fx.store.forGuild(fresh('g')), () => ctx.skip());
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 30 }), async (ids) => {
          const g = fx.store.forGuild(fresh('redeliver'));
          const seen = new Set<number>();
          let now = 1_700_000_000_000;
          for (const id of ids) {
            now += 1;
            const r = await g.setIfAbsentThen!('seen', `e${id}`, '1', 60_000, {
              op: 'hit',
              feature: 'rate',
              key: 'user',
              windowMs: 60_000,
              now,
            });
            const first = !seen.has(id);
            seen.add(id);
            expect(r).toEqual(first ? { set: true, result: seen.size } : { set: false });
          }
          expect(await g.count('rate', 'user', 60_000, now)).toBe(seen.size);
        }),
        { numRuns: 30 },
      );
    });

    it('property: concurrent takes never let more than max into one window', async () => {
      const peers = fx.peers ?? [fx.store];
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 6 }),
          fc.integer({ min: 10, max: 5000 }),
          fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 1, maxLength: 30 }),
          async (max, windowMs, offsets) => {
            const g = fresh('take');
            const t = 1_700_000_000_000;
            const results = await Promise.all(
              offsets.map((o, i) =>
                peers[i % peers.length]!.forGuild(g).take('rate', 'k', max, windowMs, t + Math.floor(o * windowMs)),
              ),
            );
            const allowed = results.filter((r) => r.allowed).length;
            // Every call's time lies inside one window, so exactly min(n, max) may pass.
            expect(allowed).toBe(Math.min(max, offsets.length));
            for (const r of results) if (!r.allowed) expect(r.retryAfterMs).toBeGreaterThan(0);
          },
        ),
        { numRuns: 40 },
      );
    });

    it('property: a sequence of takes matches a reference sliding-window model', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 5, max: 200 }),
          fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 40 }),
          async (max, windowMs, gaps) => {
            const g = fx.store.forGuild(fresh('seq'));
            let now = 1_700_000_000_000;
            const accepted: number[] = [];
            for (const gap of gaps) {
              now += gap;
              const inWindow = accepted.filter((a) => a > now - windowMs && a <= now).length;
              const expected = inWindow < max;
              const r = await g.take('rate', 'k', max, windowMs, now);
              expect(r.allowed).toBe(expected);
              if (expected) accepted.push(now);
              expect(r.count).toBe(inWindow + (expected ? 1 : 0));
              if (!expected) {
                // the slot frees exactly when the hit that blocks it leaves the window
                const live = accepted.filter((a) => a > now - windowMs && a <= now);
                expect(r.retryAfterMs).toBe(live[inWindow - max]! + windowMs - now);
              }
            }
            // Invariant over the whole run: no window of length windowMs holds more than max accepted takes.
            for (const a of accepted)
              expect(accepted.filter((b) => b > a - windowMs && b <= a).length).toBeLessThanOrEqual(max);
          },
        ),
        { numRuns: 40 },
      );
    });
  });
}
