import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InMemoryTimerStore,
  InProcessScheduler,
  VirtualClock,
  nextCronOccurrence,
  type TimerRecord,
} from '@rulecord/engine';
import { CONTRACT_RETRY, schedulerContract } from '@rulecord/engine/testing';

schedulerContract('InProcessScheduler (virtual clock)', async (store) => {
  const clock = new VirtualClock(Date.UTC(2026, 10, 25, 12, 0, 0, 123));
  const scheduler = new InProcessScheduler({ store, clock, virtual: true, retry: CONTRACT_RETRY });
  return {
    scheduler,
    clock,
    advance: async (ms) => {
      await scheduler.advance(ms);
    },
    cleanup: async () => {},
  };
});

schedulerContract('InProcessScheduler (real time)', async (store) => {
  const scheduler = new InProcessScheduler({ store, retry: CONTRACT_RETRY });
  return { scheduler, cleanup: async () => {} };
});

describe('InProcessScheduler, virtual mode', () => {
  it('advance fires what falls due in due order, the clock reading each due time, and handlers may schedule more', async () => {
    const clock = new VirtualClock(0);
    const store = new InMemoryTimerStore();
    const scheduler = new InProcessScheduler({ store, clock, virtual: true });
    const seen: [string, number][] = [];
    await scheduler.start(async (t: TimerRecord) => {
      seen.push([t.id, clock.now()]);
      if (t.id === 'a')
        await scheduler.schedule({ guildId: 'g', id: 'a2', kind: 'k', dueAt: clock.now() + 5, payload: null });
    });
    await scheduler.schedule({ guildId: 'g', id: 'b', kind: 'k', dueAt: 20, payload: null });
    await scheduler.schedule({ guildId: 'g', id: 'a', kind: 'k', dueAt: 10, payload: null });
    await scheduler.schedule({ guildId: 'g', id: 'late', kind: 'k', dueAt: 1000, payload: null });
    expect(await scheduler.advance(100)).toBe(3);
    expect(seen).toEqual([
      ['a', 10],
      ['a2', 15],
      ['b', 20],
    ]);
    expect(clock.now()).toBe(100);
    expect(scheduler.pending()).toEqual([{ guildId: 'g', id: 'late', dueAt: 1000 }]);
    expect(await scheduler.advance(900)).toBe(1);
  });

  it('a cron timer fires once per occurrence across a long advance', async () => {
    const start = Date.UTC(2026, 0, 1);
    const clock = new VirtualClock(start);
    const scheduler = new InProcessScheduler({ store: new InMemoryTimerStore(), clock, virtual: true });
    const at: number[] = [];
    await scheduler.start(async () => void at.push(clock.now()));
    const first = nextCronOccurrence('0 9 * * *', 'Europe/Paris', start)!;
    await scheduler.schedule({
      guildId: 'g',
      id: 'daily',
      kind: 'schedule.tick',
      dueAt: first,
      payload: null,
      cron: '0 9 * * *',
      timezone: 'Europe/Paris',
    });
    expect(await scheduler.advance(3 * 86_400_000)).toBe(3);
    expect(at.map((t) => new Date(t).toISOString())).toEqual([
      '2026-01-01T08:00:00.000Z',
      '2026-01-02T08:00:00.000Z',
      '2026-01-03T08:00:00.000Z',
    ]);
  });

  it('refuses advance without a handler, outside virtual mode, or from inside a handler', async () => {
    const clock = new VirtualClock(0);
    const scheduler = new InProcessScheduler({ store: new InMemoryTimerStore(), clock, virtual: true });
    await expect(scheduler.advance(1)).rejects.toMatchObject({ code: 'RC_TIMER_NOT_STARTED' });
    await scheduler.start(async () => {
      await scheduler.advance(1);
    });
    await scheduler.schedule({ guildId: 'g', id: 'x', kind: 'k', dueAt: 1, payload: null });
    const errors: unknown[] = [];
    const s2 = new InProcessScheduler({
      store: new InMemoryTimerStore(),
      clock,
      virtual: true,
      onError: (e) => errors.push(e),
    });
    await s2.start(async () => {
      await s2.advance(1);
    });
    await s2.schedule({ guildId: 'g', id: 'x', kind: 'k', dueAt: clock.now() + 1, payload: null });
    await s2.advance(1);
    expect(errors[0]).toMatchObject({ code: 'RC_TIMER_REENTRANT_ADVANCE' });
    await expect(new InProcessScheduler({ store: new InMemoryTimerStore() }).advance(1)).rejects.toMatchObject({
      code: 'RC_TIMER_NOT_VIRTUAL',
    });
    expect(() => new InProcessScheduler({ store: new InMemoryTimerStore(), virtual: true })).toThrow(
      expect.objectContaining({ code: 'RC_TIMER_VIRTUAL_CLOCK' }),
    );
  });

  it('a duplicated delivery of one occurrence acts once (lease + claim)', async () => {
    const clock = new VirtualClock(0);
    const store = new InMemoryTimerStore();
    const a = new InProcessScheduler({ store, clock, virtual: true });
    const b = new InProcessScheduler({ store, clock, virtual: true });
    let runs = 0;
    const handler = async (): Promise<void> => {
      runs++;
    };
    await a.start(handler);
    await b.start(handler);
    await a.schedule({ guildId: 'g', id: 'x', kind: 'k', dueAt: 5, payload: null });
    await b.reconcile(); // b now also knows the timer: two deliveries of one occurrence
    await a.advance(10);
    await b.advance(0);
    expect(runs).toBe(1);
  });
});

describe('InProcessScheduler, properties', () => {
  it('property: whatever is scheduled, moved and cancelled, advance fires each live timer once, in due order', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('schedule' as const),
        id: fc.integer({ min: 0, max: 8 }),
        due: fc.integer({ min: 1, max: 500 }),
      }),
      fc.record({ kind: fc.constant('cancel' as const), id: fc.integer({ min: 0, max: 8 }) }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 200 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const clock = new VirtualClock(0);
        const scheduler = new InProcessScheduler({ store: new InMemoryTimerStore(), clock, virtual: true });
        const fired: [string, number, number][] = [];
        await scheduler.start(async (t) => void fired.push([t.id, t.dueAt, clock.now()]));
        // The model: the live due time of every timer that has not fired.
        const live = new Map<string, number>();
        const done = new Set<string>();
        for (const o of ops) {
          if (o.kind === 'schedule') {
            const id = `t${o.id}`;
            const dueAt = clock.now() + o.due;
            await scheduler.schedule({ guildId: 'g', id, kind: 'k', dueAt, payload: null });
            if (!done.has(id)) live.set(id, dueAt); // a fired timer is never replaced
          } else if (o.kind === 'cancel') {
            const id = `t${o.id}`;
            expect(await scheduler.cancel('g', id)).toBe(live.has(id));
            live.delete(id);
          } else {
            const until = clock.now() + o.ms;
            const due = [...live.entries()].filter(([, d]) => d <= until).sort((a, b) => a[1] - b[1]);
            const before = fired.length;
            expect(await scheduler.advance(o.ms)).toBe(due.length);
            const now = fired.slice(before);
            expect(now.map(([, d]) => d)).toEqual(due.map(([, d]) => d));
            for (const [id, d, at] of now) {
              expect(at).toBe(d); // the clock reads the due time while the handler runs
              live.delete(id);
              done.add(id);
            }
          }
        }
        expect(new Set(fired.map(([id]) => id)).size).toBe(fired.length);
      }),
      { numRuns: 200 },
    );
  });

  it('fires 20,000 timers in order without slowing down', async () => {
    const clock = new VirtualClock(0);
    const scheduler = new InProcessScheduler({ store: new InMemoryTimerStore(), clock, virtual: true });
    let last = -1;
    let inOrder = true;
    await scheduler.start(async (t) => {
      if (t.dueAt < last) inOrder = false;
      last = t.dueAt;
    });
    for (let i = 0; i < 20_000; i++)
      await scheduler.schedule({
        guildId: `g${i % 7}`,
        id: `t${i}`,
        kind: 'k',
        dueAt: 1 + ((i * 7919) % 100_000),
        payload: null,
      });
    const started = performance.now();
    expect(await scheduler.advance(100_000)).toBe(20_000);
    expect(inOrder).toBe(true);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('InProcessScheduler, real time', () => {
  it('a handler slower than the lease keeps it (heartbeat): a second delivery never runs it meanwhile', async () => {
    const store = new InMemoryTimerStore();
    let runs = 0;
    const handler = async (): Promise<void> => {
      runs++;
      await new Promise((r) => setTimeout(r, 700));
    };
    const a = new InProcessScheduler({ store, leaseMs: 150 });
    const b = new InProcessScheduler({ store, leaseMs: 150 });
    await a.start(handler);
    await b.start(handler);
    try {
      await a.schedule({ guildId: 'g', id: 'slow', kind: 'k', dueAt: Date.now() + 50, payload: null });
      await b.reconcile(); // both schedulers now deliver the same occurrence
      await new Promise((r) => setTimeout(r, 1500));
      expect(runs).toBe(1);
      expect(await store.get('g', 'slow')).toMatchObject({ status: 'fired', attempts: 1 });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

describe('InProcessScheduler, races', () => {
  it('a timer rescheduled while its handler fails keeps its new time (the retry does not overwrite it)', async () => {
    const clock = new VirtualClock(0);
    const store = new InMemoryTimerStore();
    const scheduler = new InProcessScheduler({ store, clock, virtual: true, retry: { attempts: 3, backoffMs: 10 } });
    const seen: [number, number][] = [];
    await scheduler.start(async (t) => {
      seen.push([t.dueAt, clock.now()]);
      if (t.dueAt === 10) {
        await scheduler.schedule({ guildId: 'g', id: 'x', kind: 'k', dueAt: 500, payload: null });
        throw new Error('failed after moving itself');
      }
    });
    await scheduler.schedule({ guildId: 'g', id: 'x', kind: 'k', dueAt: 10, payload: null });
    expect(await scheduler.advance(1000)).toBe(1);
    expect(seen).toEqual([
      [10, 10],
      [500, 500],
    ]);
  });

  it('a reconcile during a cron firing does not lose the next occurrence', async () => {
    const start = Date.UTC(2026, 0, 1);
    const clock = new VirtualClock(start);
    const store = new InMemoryTimerStore();
    const scheduler = new InProcessScheduler({ store, clock, virtual: true });
    let fired = 0;
    await scheduler.start(async () => {
      fired++;
      await scheduler.reconcile(); // e.g. the periodic reconciler running while the handler is busy
    });
    await scheduler.schedule({
      guildId: 'g',
      id: 'c',
      kind: 'k',
      dueAt: start + 60_000,
      payload: null,
      cron: '* * * * *',
    });
    expect(await scheduler.advance(5 * 60_000)).toBe(5);
    expect(fired).toBe(5);
  });
});
