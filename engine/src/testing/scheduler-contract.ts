import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../clock/clock.js';
import { SystemClock } from '../clock/system.js';
import type { Scheduler, TimerHandler, TimerRecord, TimerStore } from '../timers/port.js';
import { InMemoryTimerStore } from '../timers/memory.js';
import { sleep, waitFor } from './util.js';

/** The retry policy a scheduler under contract must be built with: 3 tries, 50 ms then 100 ms apart. */
export const CONTRACT_RETRY = { attempts: 3, backoffMs: 50, maxBackoffMs: 1000 } as const;

export interface SchedulerFixture {
  scheduler: Scheduler;
  cleanup(): Promise<void>;
  /** The scheduler's clock; the system clock when absent. */
  clock?: Clock;
  /** Moves time by `ms` and fires what falls due (virtual mode); real sleep when absent. */
  advance?(ms: number): Promise<void>;
}

export interface SchedulerContractOptions {
  /** The store handed to `make`; an `InMemoryTimerStore` when absent. */
  store?: () => Promise<{ store: TimerStore; cleanup(): Promise<void> }>;
}

let unique = 0;
const fresh = (name: string): string => `${name}-${Date.now().toString(36)}-${++unique}`;

/**
 * The `Scheduler` contract: the in-process scheduler (virtual and real time) and the BullMQ one run the same suite.
 * `make` must build the scheduler with `retry: CONTRACT_RETRY`.
 *
 * @example
 * schedulerContract('InProcessScheduler', async (store) => {
 *   const clock = new VirtualClock(0);
 *   const scheduler = new InProcessScheduler({ store, clock, virtual: true, retry: CONTRACT_RETRY });
 *   return { scheduler, clock, advance: async (ms) => void (await scheduler.advance(ms)), cleanup: () => scheduler.stop() };
 * });
 */
export function schedulerContract(
  name: string,
  make: (store: TimerStore) => Promise<SchedulerFixture>,
  options: SchedulerContractOptions = {},
): void {
  describe(`Scheduler contract: ${name}`, () => {
    let fx: SchedulerFixture;
    let store: TimerStore;
    let storeCleanup: () => Promise<void> = async () => {};
    const calls: TimerRecord[] = [];
    const behaviour = new Map<string, (timer: TimerRecord) => Promise<void>>();
    const clock = (): Clock => fx.clock ?? systemClock;
    const systemClock = new SystemClock();
    const virtual = (): boolean => fx.advance !== undefined;

    /** Advances time by `ms`, then (real time) waits up to a few seconds for `check`. */
    async function after(ms: number, check: () => boolean): Promise<void> {
      if (fx.advance) await fx.advance(ms);
      else await sleep(ms);
      const ok = await waitFor(check, virtual() ? 0 : 5000);
      expect(ok, 'condition did not hold in time').toBe(true);
    }
    const firedIn = (g: string): TimerRecord[] => calls.filter((c) => c.guildId === g);

    const handler: TimerHandler = async (timer) => {
      calls.push(timer);
      await behaviour.get(timer.guildId)?.(timer);
    };

    beforeAll(async () => {
      if (options.store) {
        const s = await options.store();
        store = s.store;
        storeCleanup = s.cleanup;
      } else {
        store = new InMemoryTimerStore();
      }
      fx = await make(store);
      await fx.scheduler.start(handler);
    });
    afterAll(async () => {
      await fx.scheduler.stop();
      await fx.cleanup();
      await storeCleanup();
    });

    it('fires a timer once, at its due time, with its row', async () => {
      const g = fresh('g');
      const due = clock().now() + 300;
      const row = await fx.scheduler.schedule({
        guildId: g,
        id: 'once',
        kind: 'test.once',
        dueAt: due,
        payload: { prize: 'Nitro', n: [1, 2] },
      });
      expect(row).toMatchObject({ status: 'pending', dueAt: due });
      if (virtual()) {
        await fx.advance!(299);
        expect(firedIn(g)).toHaveLength(0);
        await after(1, () => firedIn(g).length === 1);
      } else {
        await sleep(150);
        expect(firedIn(g)).toHaveLength(0);
        await after(150, () => firedIn(g).length === 1);
      }
      const [fired] = firedIn(g);
      expect(fired).toMatchObject({
        guildId: g,
        id: 'once',
        kind: 'test.once',
        dueAt: due,
        payload: { prize: 'Nitro', n: [1, 2] },
        attempts: 1,
      });
      expect(clock().now()).toBeGreaterThanOrEqual(due);
      // The firing is recorded right after the handler returns.
      await waitFor(async () => (await store.get(g, 'once'))?.status === 'fired', virtual() ? 0 : 3000);
      expect(await store.get(g, 'once')).toMatchObject({ status: 'fired' });
      await after(300, () => true);
      expect(firedIn(g)).toHaveLength(1);
    });

    it('fires timers in due order', async () => {
      const g = fresh('g');
      const now = clock().now();
      for (const [id, d] of [
        ['c', 360],
        ['a', 120],
        ['b', 240],
      ] as const) {
        await fx.scheduler.schedule({ guildId: g, id, kind: 'test.order', dueAt: now + d, payload: null });
      }
      await after(400, () => firedIn(g).length === 3);
      expect(firedIn(g).map((c) => c.id)).toEqual(['a', 'b', 'c']);
    });

    it('a cancelled timer never fires', async () => {
      const g = fresh('g');
      await fx.scheduler.schedule({
        guildId: g,
        id: 'x',
        kind: 'test.cancel',
        dueAt: clock().now() + 150,
        payload: null,
      });
      expect(await fx.scheduler.cancel(g, 'x')).toBe(true);
      expect(await fx.scheduler.cancel(g, 'x')).toBe(false);
      await after(400, () => true);
      expect(firedIn(g)).toHaveLength(0);
      expect(await store.get(g, 'x')).toMatchObject({ status: 'cancelled' });
    });

    it('rescheduling a timer moves it: it fires once, at the new time', async () => {
      const g = fresh('g');
      const now = clock().now();
      await fx.scheduler.schedule({ guildId: g, id: 'm', kind: 'test.move', dueAt: now + 100, payload: { v: 1 } });
      await fx.scheduler.schedule({ guildId: g, id: 'm', kind: 'test.move', dueAt: now + 400, payload: { v: 2 } });
      await after(250, () => true);
      expect(firedIn(g)).toHaveLength(0);
      await after(250, () => firedIn(g).length === 1);
      expect(firedIn(g)[0]).toMatchObject({ dueAt: now + 400, payload: { v: 2 } });
      await after(200, () => true);
      expect(firedIn(g)).toHaveLength(1);
    });

    it('retries a failing handler with backoff, then records the firing', async () => {
      const g = fresh('g');
      let failures = 0;
      behaviour.set(g, async () => {
        if (failures++ < 1) throw new Error('passing fault');
      });
      await fx.scheduler.schedule({
        guildId: g,
        id: 'r',
        kind: 'test.retry',
        dueAt: clock().now() + 50,
        payload: null,
      });
      await after(60, () => firedIn(g).length >= 1);
      await after(200, () => firedIn(g).length === 2);
      expect(firedIn(g).map((c) => c.attempts)).toEqual([1, 2]);
      await waitFor(async () => (await store.get(g, 'r'))?.status === 'fired', virtual() ? 0 : 3000);
      expect(await store.get(g, 'r')).toMatchObject({ status: 'fired', lastError: 'passing fault' });
    });

    it('gives up after the last attempt and keeps the timer as failed', async () => {
      const g = fresh('g');
      behaviour.set(g, async () => {
        throw new Error('always');
      });
      await fx.scheduler.schedule({ guildId: g, id: 'f', kind: 'test.fail', dueAt: clock().now() + 20, payload: null });
      await after(30, () => firedIn(g).length >= 1);
      await after(60, () => firedIn(g).length >= 2);
      await after(120, () => firedIn(g).length >= 3);
      await waitFor(async () => (await store.get(g, 'f'))?.status === 'failed', virtual() ? 0 : 3000);
      expect(await store.get(g, 'f')).toMatchObject({
        status: 'failed',
        lastError: 'always',
        attempts: CONTRACT_RETRY.attempts,
      });
      await after(500, () => true);
      expect(firedIn(g)).toHaveLength(CONTRACT_RETRY.attempts);
    });

    it('a cron timer fires at each occurrence and stays pending until cancelled', async () => {
      const g = fresh('g');
      const now = clock().now();
      const first = Math.ceil((now + 1) / 1000) * 1000;
      await fx.scheduler.schedule({
        guildId: g,
        id: 'tick',
        kind: 'test.cron',
        dueAt: first,
        payload: null,
        cron: '* * * * * *',
      });
      await after(first - now + 50, () => firedIn(g).length >= 1);
      await after(1000, () => firedIn(g).length >= 2);
      await waitFor(
        async () => ((await store.get(g, 'tick'))?.dueAt ?? 0) > firedIn(g)[1]!.dueAt,
        virtual() ? 0 : 3000,
      );
      const row = await store.get(g, 'tick');
      expect(row).toMatchObject({ status: 'pending' });
      expect(row!.dueAt).toBeGreaterThan(firedIn(g)[1]!.dueAt);
      // The next occurrence after each firing: one second later, or later still when the machine was too busy to fire
      // on time (missed occurrences are skipped, not replayed).
      const gap = firedIn(g)[1]!.dueAt - firedIn(g)[0]!.dueAt;
      expect(gap % 1000).toBe(0);
      expect(gap).toBeGreaterThanOrEqual(1000);
      if (virtual()) expect(gap).toBe(1000);
      expect(await fx.scheduler.cancel(g, 'tick')).toBe(true);
      const count = firedIn(g).length;
      await after(1200, () => true);
      expect(firedIn(g)).toHaveLength(count);
    });

    it('a handler may schedule another timer, and it fires too', async () => {
      const g = fresh('g');
      behaviour.set(g, async (timer) => {
        if (timer.id === 'first')
          await fx.scheduler.schedule({
            guildId: g,
            id: 'second',
            kind: 'test.chain',
            dueAt: clock().now() + 100,
            payload: null,
          });
      });
      await fx.scheduler.schedule({
        guildId: g,
        id: 'first',
        kind: 'test.chain',
        dueAt: clock().now() + 50,
        payload: null,
      });
      await after(300, () => firedIn(g).length === 2);
      expect(firedIn(g).map((c) => c.id)).toEqual(['first', 'second']);
    });

    it('reconcile queues timers that are only in the store, once however often it runs', async () => {
      const g = fresh('g');
      const now = clock().now();
      for (const id of ['r1', 'r2', 'r3'])
        await store.upsert({ guildId: g, id, kind: 'test.reconcile', dueAt: now + 200, payload: null }, now);
      const counts = await Promise.all([fx.scheduler.reconcile(), fx.scheduler.reconcile()]);
      expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3);
      expect(await fx.scheduler.reconcile()).toBe(0);
      await after(300, () => firedIn(g).length === 3);
      await after(300, () => true);
      expect(
        firedIn(g)
          .map((c) => c.id)
          .sort(),
      ).toEqual(['r1', 'r2', 'r3']);
    });

    it('timers of many guilds with the same id fire once each, for their own guild', async () => {
      const guilds = Array.from({ length: 5 }, () => fresh('many'));
      const now = clock().now();
      await Promise.all(
        guilds.map((g, i) =>
          fx.scheduler.schedule({
            guildId: g,
            id: 'same',
            kind: 'test.many',
            dueAt: now + 50 + i * 10,
            payload: { g },
          }),
        ),
      );
      await after(200, () => guilds.every((g) => firedIn(g).length === 1));
      for (const g of guilds) expect(firedIn(g)[0]!.payload).toEqual({ g });
    });
  });
}
