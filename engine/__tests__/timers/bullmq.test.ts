import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { BullMQScheduler, InMemoryTimerStore, parseTimerJobId, timerJobId, type TimerRecord } from '@rulecord/engine';
import {
  CONTRACT_RETRY,
  connectTestRedis,
  deleteKeysWithPrefix,
  randomId,
  schedulerContract,
  waitFor,
} from '@rulecord/engine/testing';

const redis = await connectTestRedis();
const prefix = randomId('rcbull');
const errors: unknown[] = [];

describe.skipIf(redis === null)('BullMQScheduler', () => {
  schedulerContract('BullMQScheduler', async (store) => {
    const scheduler = new BullMQScheduler({
      store,
      connection: redis!,
      prefix,
      retry: CONTRACT_RETRY,
      onError: (e, c) => c.where !== 'handler' && errors.push(e),
    });
    return { scheduler, cleanup: async () => {} };
  });

  it('job ids are deterministic, BullMQ-safe and reversible', () => {
    const id = timerJobId('g:1|x', 'giveaway:42', 1_764_072_000_000);
    expect(id).not.toContain(':');
    expect(id.split('|')).toHaveLength(3);
    expect(parseTimerJobId(id)).toEqual({ guildId: 'g:1|x', id: 'giveaway:42', dueAt: 1_764_072_000_000 });
    expect(timerJobId('g', 'a', 1)).toBe(timerJobId('g', 'a', 1));
    expect(timerJobId('g', 'a', 1)).not.toBe(timerJobId('g', 'a', 2));
    expect(parseTimerJobId('nonsense')).toBeNull();
  });

  it('keeps failed jobs, visible with their reason', async () => {
    const store = new InMemoryTimerStore();
    const scheduler = new BullMQScheduler({
      store,
      connection: redis!,
      prefix,
      queueName: 'failing',
      retry: { attempts: 2, backoffMs: 20 },
    });
    await scheduler.start(async () => {
      throw new Error('discord is down');
    });
    try {
      await scheduler.schedule({
        guildId: 'g',
        id: 'doomed',
        kind: 'test.doomed',
        dueAt: Date.now() + 10,
        payload: null,
      });
      expect(await waitFor(async () => (await scheduler.failedJobs()).length === 1, 5000)).toBe(true);
      expect(await scheduler.failedJobs()).toEqual([
        expect.objectContaining({
          guildId: 'g',
          id: 'doomed',
          kind: 'test.doomed',
          failedReason: 'discord is down',
          attemptsMade: 2,
        }),
      ]);
      expect(await store.get('g', 'doomed')).toMatchObject({ status: 'failed', attempts: 2 });
    } finally {
      await scheduler.stop();
    }
  });

  it('a job delivered twice acts once: a second scheduler on the same queue and store', async () => {
    const store = new InMemoryTimerStore();
    const fired: TimerRecord[] = [];
    const handler = async (t: TimerRecord): Promise<void> => {
      fired.push(t);
      await new Promise((r) => setTimeout(r, 50));
    };
    const a = new BullMQScheduler({ store, connection: redis!, prefix, queueName: 'twice' });
    const b = new BullMQScheduler({ store, connection: redis!, prefix, queueName: 'twice' });
    await a.start(handler);
    await b.start(handler);
    try {
      const due = Date.now() + 200;
      for (let i = 0; i < 20; i++)
        await a.schedule({ guildId: 'g', id: `t${i}`, kind: 'k', dueAt: due, payload: null });
      await Promise.all([a.reconcile(), b.reconcile(), b.reconcile()]);
      // Real double delivery: the same occurrence as extra jobs under other ids, run concurrently by two workers.
      for (let i = 0; i < 20; i++) {
        for (const copy of ['x', 'y'])
          await b.queue.add('k', { guildId: 'g', id: `t${i}`, dueAt: due }, { jobId: `dup-${copy}-${i}`, delay: 200 });
      }
      expect(await waitFor(() => fired.length >= 20, 5000)).toBe(true);
      await new Promise((r) => setTimeout(r, 300));
      expect(fired.map((f) => f.id).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `t${i}`).sort());
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

afterAll(async () => {
  if (redis) {
    await deleteKeysWithPrefix(redis, `${prefix}:`);
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    (redis as Redis).disconnect();
  }
  expect(errors).toEqual([]);
});

describe.skipIf(redis === null)('BullMQScheduler, a worker stopped mid-job', () => {
  it('worker.close(force) mid-handler: once the lock and lease lapse, another worker completes the job once', async () => {
    const store = new InMemoryTimerStore();
    const queueName = 'abandoned';
    const started: TimerRecord[] = [];
    const completed: TimerRecord[] = [];
    const abandoning = new BullMQScheduler({
      store,
      connection: redis!,
      prefix,
      queueName,
      lockDurationMs: 800,
      stalledIntervalMs: 300,
      leaseMs: 1200,
      reconcileEveryMs: 0,
    });
    await abandoning.start(async (t) => {
      started.push(t);
      await new Promise(() => {}); // hangs, like a process that died in the middle of the handler
    });
    await abandoning.schedule({ guildId: 'g', id: 'job', kind: 'k', dueAt: Date.now() + 50, payload: null });
    expect(await waitFor(() => started.length === 1, 5000)).toBe(true);
    await abandoning.stop({ force: true });

    const rescuer = new BullMQScheduler({
      store,
      connection: redis!,
      prefix,
      queueName,
      lockDurationMs: 800,
      stalledIntervalMs: 300,
      reconcileEveryMs: 0,
    });
    await rescuer.start(async (t) => void completed.push(t));
    try {
      expect(await waitFor(() => completed.length === 1, 10_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 1000));
      expect(completed).toHaveLength(1);
      expect(completed[0]).toMatchObject({ id: 'job', attempts: 2 });
      expect(await store.get('g', 'job')).toMatchObject({ status: 'fired' });
    } finally {
      await rescuer.stop();
    }
  });
});

describe.skipIf(redis === null)('BullMQScheduler reconciler', () => {
  it('replaces a job that finished while its row still waits, and queues missing ones in bulk', async () => {
    const store = new InMemoryTimerStore();
    const fired: string[] = [];
    const scheduler = new BullMQScheduler({
      store,
      connection: redis!,
      prefix,
      queueName: 'reconcile',
      reconcileEveryMs: 0,
    });
    await scheduler.start(async (t) => void fired.push(t.id));
    try {
      const now = Date.now();
      // A row that is overdue, whose job id is taken by a job that already completed (it carried another occurrence).
      await store.upsert({ guildId: 'g', id: 'stuck', kind: 'k', dueAt: now - 10_000, payload: null }, now - 20_000);
      await scheduler.queue.add(
        'k',
        { guildId: 'g', id: 'nothing', dueAt: 1 },
        { jobId: timerJobId('g', 'stuck', now - 10_000) },
      );
      expect(
        await waitFor(
          async () => (await scheduler.queue.getJobState(timerJobId('g', 'stuck', now - 10_000))) === 'completed',
          5000,
        ),
      ).toBe(true);
      expect(fired).toEqual([]);
      for (let i = 0; i < 600; i++)
        await store.upsert({ guildId: 'h', id: `m${i}`, kind: 'k', dueAt: now + 60_000, payload: null }, now);
      expect(await scheduler.reconcile()).toBe(601);
      expect(await waitFor(() => fired.includes('stuck'), 5000)).toBe(true);
      expect(await scheduler.reconcile()).toBe(0);
      expect((await scheduler.queue.getJobCounts('delayed')).delayed).toBe(600);
      expect(fired).toEqual(['stuck']);
    } finally {
      await scheduler.stop();
    }
  });
});
