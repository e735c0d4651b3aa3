import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewTimer, TimerStore } from '../timers/port.js';

export interface TimerStoreFixture {
  store: TimerStore;
  cleanup(): Promise<void>;
}

let unique = 0;
const fresh = (name: string): string => `${name}-${Date.now().toString(36)}-${++unique}`;
const T = 1_800_000_000_000;

function timer(guildId: string, id: string, dueAt: number, extra: Partial<NewTimer> = {}): NewTimer {
  return { guildId, id, kind: 'test.fire', dueAt, payload: { n: 1 }, ...extra };
}

/**
 * The `TimerStore` contract: the in-memory store and the PostgreSQL/PGlite store run the same suite.
 *
 * @example
 * timerStoreContract('InMemoryTimerStore', async () => ({ store: new InMemoryTimerStore(), cleanup: async () => {} }));
 */
export function timerStoreContract(name: string, make: () => Promise<TimerStoreFixture>): void {
  describe(`TimerStore contract: ${name}`, () => {
    let fx: TimerStoreFixture;
    beforeAll(async () => {
      fx = await make();
    });
    afterAll(async () => {
      await fx.cleanup();
    });

    it('stores a pending timer and reads it back', async () => {
      const g = fresh('g');
      const payload = { user: 'u1', nested: { list: [1, 'two', null, true], text: 'héllo 👋' } };
      const row = await fx.store.upsert(timer(g, 'a', T + 1000, { kind: 'giveaway.end', payload }), T);
      expect(row).toMatchObject({
        guildId: g,
        id: 'a',
        kind: 'giveaway.end',
        dueAt: T + 1000,
        payload,
        status: 'pending',
        attempts: 0,
        createdAt: T,
      });
      expect(row.cron ?? null).toBeNull();
      expect(row.firedAt ?? null).toBeNull();
      expect(await fx.store.get(g, 'a')).toEqual(row);
      expect(await fx.store.get(g, 'missing')).toBeNull();
    });

    it('rejects malformed timers with a stable code', async () => {
      const g = fresh('g');
      await expect(fx.store.upsert(timer(g, '', T), T)).rejects.toMatchObject({ code: 'RC_TIMER_BAD_FIELD' });
      await expect(fx.store.upsert(timer(g, 'x', Number.NaN), T)).rejects.toMatchObject({ code: 'RC_TIMER_BAD_FIELD' });
      await expect(fx.store.upsert(timer(g, 'x', T, { cron: 'every tuesday' }), T)).rejects.toMatchObject({
        code: 'RC_TIMER_BAD_CRON',
      });
      await expect(
        fx.store.upsert(timer(g, 'x', T, { cron: '* * * * *', timezone: 'Mars/Olympus' }), T),
      ).rejects.toMatchObject({ code: 'RC_TIMER_BAD_TIMEZONE' });
    });

    it('upsert replaces a pending or cancelled timer, never a fired one', async () => {
      const g = fresh('g');
      await fx.store.upsert(timer(g, 'a', T + 1000), T);
      const replaced = await fx.store.upsert(timer(g, 'a', T + 2000, { payload: { n: 2 } }), T + 10);
      expect(replaced).toMatchObject({ dueAt: T + 2000, payload: { n: 2 }, status: 'pending', createdAt: T });
      expect(await fx.store.cancel(g, 'a')).toBe(true);
      expect(await fx.store.upsert(timer(g, 'a', T + 3000), T + 20)).toMatchObject({
        status: 'pending',
        dueAt: T + 3000,
      });
      expect(await fx.store.claim(g, 'a', T + 3000, T + 3000)).toBe(true);
      const fired = await fx.store.upsert(timer(g, 'a', T + 9000), T + 4000);
      expect(fired).toMatchObject({ status: 'fired', dueAt: T + 3000, firedAt: T + 3000 });
    });

    it('claim fires one occurrence exactly once, and only at its due time', async () => {
      const g = fresh('g');
      await fx.store.upsert(timer(g, 'a', T + 1000), T);
      expect(await fx.store.claim(g, 'a', T + 999, T + 1000)).toBe(false);
      expect(await fx.store.claim(g, 'a', T + 1000, T + 1001)).toBe(true);
      expect(await fx.store.claim(g, 'a', T + 1000, T + 1002)).toBe(false);
      expect(await fx.store.get(g, 'a')).toMatchObject({ status: 'fired', firedAt: T + 1001 });
      expect(await fx.store.claim(g, 'missing', T, T)).toBe(false);
    });

    it('claim of a cron timer moves it to the next occurrence and keeps it pending', async () => {
      const g = fresh('g');
      await fx.store.upsert(timer(g, 'tick', T + 60_000, { cron: '* * * * *', timezone: 'Europe/Paris' }), T);
      expect(await fx.store.lease(g, 'tick', T + 60_000, T + 60_000, 1000)).toMatchObject({ attempts: 1 });
      expect(await fx.store.claim(g, 'tick', T + 60_000, T + 60_001, T + 120_000)).toBe(true);
      expect(await fx.store.get(g, 'tick')).toMatchObject({
        status: 'pending',
        dueAt: T + 120_000,
        firedAt: T + 60_001,
        attempts: 0,
        cron: '* * * * *',
        timezone: 'Europe/Paris',
        lockedUntil: null,
      });
      expect(await fx.store.claim(g, 'tick', T + 60_000, T + 60_002, T + 120_000)).toBe(false);
      expect(await fx.store.claim(g, 'tick', T + 120_000, T + 120_000, null)).toBe(true);
      expect(await fx.store.get(g, 'tick')).toMatchObject({ status: 'fired' });
    });

    it('lease lets one holder run an occurrence until the lease expires', async () => {
      const g = fresh('g');
      await fx.store.upsert(timer(g, 'a', T), T);
      const first = await fx.store.lease(g, 'a', T, T + 10, 5000);
      expect(first).toMatchObject({ attempts: 1, lockedUntil: T + 5010, status: 'pending' });
      expect(await fx.store.lease(g, 'a', T, T + 4000, 5000)).toBeNull();
      expect(await fx.store.lease(g, 'a', T + 1, T + 9000, 5000)).toBeNull(); // another occurrence
      const second = await fx.store.lease(g, 'a', T, T + 5010, 5000); // the first holder died: its lease ran out
      expect(second).toMatchObject({ attempts: 2, lockedUntil: T + 10_010 });
      expect(await fx.store.claim(g, 'a', T, T + 5020)).toBe(true);
      expect(await fx.store.lease(g, 'a', T, T + 20_000, 5000)).toBeNull();
    });

    it('renewLease extends only the lease its holder still holds', async () => {
      const g = fresh('g');
      await fx.store.upsert(timer(g, 'a', T), T);
      await fx.store.lease(g, 'a', T, T, 1000);
      expect(await fx.store.renewLease(g, 'a', T, T + 999, T + 2000)).toBe(false); // not the holder's value
      expect(await fx.store.renewLease(g, 'a', T + 1, T + 1000, T + 2000)).toBe(false); // another occurrence
      expect(await fx.store.renewLease(g, 'a', T, T + 1000, T + 2000)).toBe(true);
      expect(await fx.store.get(g, 'a')).toMatchObject({ lockedUntil: T + 2000, attempts: 1 });
      expect(await fx.store.lease(g, 'a', T, T + 1500, 1000)).toBeNull(); // still held thanks to the renewal
      expect(await fx.store.renewLease(g, 'other-guild-has-no-such-timer', T, T + 2000, T + 3000)).toBe(false);
      expect(await fx.store.renewLease(fresh('g'), 'a', T, T + 2000, T + 3000)).toBe(false);
      expect(await fx.store.claim(g, 'a', T, T + 1600)).toBe(true);
      expect(await fx.store.renewLease(g, 'a', T, T + 2000, T + 3000)).toBe(false); // fired: nothing to hold
    });

    it('recordFailure keeps the timer pending for a retry, or fails it when final', async () => {
      const g = fresh('g');
      await fx.store.upsert(timer(g, 'a', T), T);
      await fx.store.lease(g, 'a', T, T, 60_000);
      await fx.store.recordFailure(g, 'a', 'boom 1', false);
      expect(await fx.store.get(g, 'a')).toMatchObject({
        status: 'pending',
        lastError: 'boom 1',
        lockedUntil: null,
        attempts: 1,
      });
      expect(await fx.store.lease(g, 'a', T, T + 1, 60_000)).toMatchObject({ attempts: 2 }); // the lease was released
      await fx.store.recordFailure(g, 'a', 'boom 2', true);
      expect(await fx.store.get(g, 'a')).toMatchObject({ status: 'failed', lastError: 'boom 2' });
      expect(await fx.store.claim(g, 'a', T, T + 2)).toBe(false);
      expect(await fx.store.listPending(g)).toEqual([]);
    });

    it('recordFailure with a due time leaves a rescheduled timer alone', async () => {
      const g = fresh('g');
      await fx.store.upsert(timer(g, 'a', T), T);
      await fx.store.upsert(timer(g, 'a', T + 500), T);
      await fx.store.lease(g, 'a', T + 500, T + 500, 10_000);
      await fx.store.recordFailure(g, 'a', 'late failure of the old occurrence', true, T);
      expect(await fx.store.get(g, 'a')).toMatchObject({
        status: 'pending',
        dueAt: T + 500,
        lastError: null,
        lockedUntil: T + 10_500,
      });
      await fx.store.recordFailure(g, 'a', 'this one', false, T + 500);
      expect(await fx.store.get(g, 'a')).toMatchObject({ status: 'pending', lastError: 'this one', lockedUntil: null });
    });

    it('cancel stops a pending timer once', async () => {
      const g = fresh('g');
      await fx.store.upsert(timer(g, 'a', T), T);
      expect(await fx.store.cancel(g, 'a')).toBe(true);
      expect(await fx.store.cancel(g, 'a')).toBe(false);
      expect(await fx.store.claim(g, 'a', T, T)).toBe(false);
      expect(await fx.store.get(g, 'a')).toMatchObject({ status: 'cancelled' });
      expect(await fx.store.cancel(g, 'missing')).toBe(false);
    });

    it('listPending lists one guild by due time', async () => {
      const g = fresh('g');
      const other = fresh('g');
      for (const [id, due] of [
        ['c', 3],
        ['a', 1],
        ['b', 2],
        ['d', 2],
      ] as const)
        await fx.store.upsert(timer(g, id, T + due), T);
      await fx.store.upsert(timer(other, 'a', T), T);
      await fx.store.claim(g, 'a', T + 1, T + 1);
      expect((await fx.store.listPending(g)).map((r) => r.id)).toEqual(['b', 'd', 'c']);
      expect((await fx.store.listPending(g, 2)).map((r) => r.id)).toEqual(['b', 'd']);
      expect((await fx.store.listPending(other)).map((r) => r.id)).toEqual(['a']);
    });

    it('scanPending pages through every pending timer of every guild once, by (guildId, id)', async () => {
      const run = fresh('scan');
      const expected: string[] = [];
      for (const g of ['b', 'a', 'c']) {
        for (const id of ['x2', 'x1', 'x10']) {
          await fx.store.upsert(timer(`${run}-${g}`, id, T), T);
          expected.push(`${run}-${g}/${id}`);
        }
      }
      await fx.store.cancel(`${run}-a`, 'x1');
      const want = expected.filter((k) => k !== `${run}-a/x1`).sort();
      const seen: string[] = [];
      let after: { guildId: string; id: string } | null = { guildId: run, id: '' };
      for (;;) {
        const page = await fx.store.scanPending(after, 2);
        expect(page.length).toBeLessThanOrEqual(2);
        for (const r of page) if (r.guildId.startsWith(run)) seen.push(`${r.guildId}/${r.id}`);
        const last = page[page.length - 1];
        if (last === undefined || !last.guildId.startsWith(run)) break;
        after = { guildId: last.guildId, id: last.id };
      }
      expect(seen).toEqual(want);
    });

    it('property: one guild never reads, claims, leases or cancels another guild’s timer', async () => {
      const id = fc.stringMatching(/^[a-z0-9:._-]{1,6}$/);
      await fc.assert(
        fc.asyncProperty(fc.uniqueArray(id, { minLength: 1, maxLength: 5 }), async (ids) => {
          const a = fresh('ga');
          const b = fresh('gb');
          for (const [i, t] of ids.entries()) await fx.store.upsert(timer(a, t, T + i, { payload: { owner: 'a' } }), T);
          for (const [i, t] of ids.entries()) {
            expect(await fx.store.get(b, t)).toBeNull();
            expect(await fx.store.claim(b, t, T + i, T)).toBe(false);
            expect(await fx.store.lease(b, t, T + i, T, 1000)).toBeNull();
            expect(await fx.store.cancel(b, t)).toBe(false);
            await fx.store.recordFailure(b, t, 'x', true);
            await fx.store.upsert(timer(b, t, T + 99, { payload: { owner: 'b' } }), T);
          }
          expect(await fx.store.listPending(a, 100)).toEqual(
            ids.map((t, i) =>
              expect.objectContaining({
                id: t,
                guildId: a,
                dueAt: T + i,
                payload: { owner: 'a' },
                status: 'pending',
                attempts: 0,
              }),
            ),
          );
          expect(
            (await fx.store.listPending(b, 100)).every(
              (r) => r.guildId === b && (r.payload as { owner: string }).owner === 'b',
            ),
          ).toBe(true);
        }),
        { numRuns: 25 },
      );
    });

    it('property: of many concurrent claims of one occurrence exactly one wins', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 2, max: 16 }), fc.boolean(), async (n, cron) => {
          const g = fresh('race');
          await fx.store.upsert(timer(g, 't', T, cron ? { cron: '* * * * *' } : {}), T);
          const wins = await Promise.all(
            Array.from({ length: n }, (_, i) => fx.store.claim(g, 't', T, T + i, cron ? T + 60_000 : null)),
          );
          expect(wins.filter(Boolean)).toHaveLength(1);
          const leases = await Promise.all(
            Array.from({ length: n }, () => fx.store.lease(g, 't', cron ? T + 60_000 : T, T, 10_000)),
          );
          expect(leases.filter((l) => l !== null)).toHaveLength(cron ? 1 : 0);
        }),
        { numRuns: 25 },
      );
    });
  });
}
