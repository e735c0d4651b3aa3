import { describe, expect, it } from 'vitest';
import { InMemoryTimerStore, InProcessScheduler, VirtualClock, nextCronOccurrence, type TimerRecord } from '@rulecord/engine';
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
      if (t.id === 'a') await scheduler.schedule({ guildId: 'g', id: 'a2', kind: 'k', dueAt: clock.now() + 5, payload: null });
    });
    await scheduler.schedule({ guildId: 'g', id: 'b', kind: 'k', dueAt: 20, payload: null });
    await scheduler.schedule({ guildId: 'g', id: 'a', kind: 'k', dueAt: 10, payload: null });
    await scheduler.schedule({ guildId: 'g', id: 'late', kind: 'k', dueAt: 1000, payload: null });
    expect(await scheduler.advance(100)).toBe(3);
    expect(seen).toEqual([['a', 10], ['a2', 15], ['b', 20]]);
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
    await scheduler.schedule({ guildId: 'g', id: 'daily', kind: 'schedule.tick', dueAt: first, payload: null, cron: '0 9 * * *', timezone: 'Europe/Paris' });
    expect(await scheduler.advance(3 * 86_400_000)).toBe(3);
    expect(at.map((t) => new Date(t).toISOString())).toEqual(['2026-01-01T08:00:00.000Z', '2026-01-02T08:00:00.000Z', '2026-01-03T08:00:00.000Z']);
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
    const s2 = new InProcessScheduler({ store: new InMemoryTimerStore(), clock, virtual: true, onError: (e) => errors.push(e) });
    await s2.start(async () => {
      await s2.advance(1);
    });
    await s2.schedule({ guildId: 'g', id: 'x', kind: 'k', dueAt: clock.now() + 1, payload: null });
    await s2.advance(1);
    expect(errors[0]).toMatchObject({ code: 'RC_TIMER_REENTRANT_ADVANCE' });
    await expect(new InProcessScheduler({ store: new InMemoryTimerStore() }).advance(1)).rejects.toMatchObject({ code: 'RC_TIMER_NOT_VIRTUAL' });
    expect(() => new InProcessScheduler({ store: new InMemoryTimerStore(), virtual: true })).toThrow(expect.objectContaining({ code: 'RC_TIMER_VIRTUAL_CLOCK' }));
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
