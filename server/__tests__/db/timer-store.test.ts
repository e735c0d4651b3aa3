import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullMQScheduler, InProcessScheduler, VirtualClock, timerJobId, type TimerRecord } from '@rulecord/engine';
import { CONTRACT_RETRY, schedulerContract, timerStoreContract, waitFor } from '@rulecord/engine/testing';
import { KnexTimerStore } from '../../src/db/timer-store.js';
import {
  freePort,
  openTestDatabase,
  randomName,
  requireDatabaseUrl,
  testDatabaseKinds,
  type TestDatabase,
} from '../../src/testing/index.js';

const kinds = await testDatabaseKinds();

describe.each(kinds)('KnexTimerStore on %s', (kind) => {
  // One database per kind for the whole file: one PGlite instance, or one random PostgreSQL schema dropped after.
  timerStoreContract(`KnexTimerStore (${kind})`, async () => {
    const db = await openTestDatabase(kind);
    return { store: new KnexTimerStore(db.knex), cleanup: () => db.destroy() };
  });
});

// The embedded default: the in-process scheduler on the PGlite table (virtual clock, as the simulator runs it).
schedulerContract(
  'InProcessScheduler on KnexTimerStore (PGlite, virtual clock)',
  async (s) => {
    const clock = new VirtualClock(Date.UTC(2026, 10, 25, 12, 0, 0, 500));
    const scheduler = new InProcessScheduler({ store: s, clock, virtual: true, retry: CONTRACT_RETRY });
    return { scheduler, clock, advance: async (ms) => void (await scheduler.advance(ms)), cleanup: async () => {} };
  },
  {
    store: async () => {
      const db = await openTestDatabase('pglite');
      return { store: new KnexTimerStore(db.knex), cleanup: () => db.destroy() };
    },
  },
);

// The embedded default in production: the in-process scheduler on real time, same table.
schedulerContract(
  'InProcessScheduler on KnexTimerStore (PGlite, real time)',
  async (s) => ({ scheduler: new InProcessScheduler({ store: s, retry: CONTRACT_RETRY }), cleanup: async () => {} }),
  {
    store: async () => {
      const db = await openTestDatabase('pglite');
      return { store: new KnexTimerStore(db.knex), cleanup: () => db.destroy() };
    },
  },
);

// ---------------------------------------------------------------------------------------------------------------
// The timer guarantees of issue 3, on real PostgreSQL (the truth) and a Redis this file starts, kills and flushes.
// ---------------------------------------------------------------------------------------------------------------

const pgUrl = await requireDatabaseUrl();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A private redis-server on a fixed port, so it can be killed and started again on the same address. */
class OwnRedis {
  child: ChildProcess | null = null;
  constructor(readonly port: number) {}
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    const probe = new Redis(this.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => {}); // refused until the server listens
    const up = await waitFor(
      async () => {
        try {
          if (probe.status !== 'ready') await probe.connect();
          return (await probe.ping()) === 'PONG';
        } catch {
          probe.disconnect();
          return false;
        }
      },
      10_000,
      50,
    );
    probe.disconnect();
    if (!up) throw new Error(`redis-server did not start on port ${this.port}`);
  }
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
  }
}

describe.skipIf(pgUrl === undefined)(
  'timers on PostgreSQL + BullMQ: losing Redis delays a timer, never loses or doubles it',
  () => {
    let db: TestDatabase;
    let store: KnexTimerStore;
    let redis: OwnRedis;
    const connections: Redis[] = [];
    const connect = (): Redis => {
      // Reconnect fast: a test measures how soon timers fire after Redis comes back.
      const c = new Redis(redis.url, { retryStrategy: () => 100 });
      c.on('error', () => {});
      connections.push(c);
      return c;
    };

    beforeAll(async () => {
      db = await openTestDatabase('postgres');
      store = new KnexTimerStore(db.knex);
      redis = new OwnRedis(await freePort());
      await redis.start();
    });
    afterAll(async () => {
      for (const c of connections) c.disconnect();
      await redis?.kill();
      await db?.destroy();
    });

    schedulerContract(
      'BullMQScheduler on KnexTimerStore (PostgreSQL)',
      async (s) => {
        const scheduler = new BullMQScheduler({
          store: s,
          connection: connect(),
          prefix: randomName('contract'),
          retry: CONTRACT_RETRY,
        });
        return { scheduler, cleanup: async () => {} };
      },
      { store: async () => ({ store: new KnexTimerStore(db.knex), cleanup: async () => {} }) },
    );

    it('Redis killed and restarted while 1,000 timers fall due: each fires exactly once, within 5 s of its return', async () => {
      const fired = new Map<string, number[]>();
      const prefix = randomName('kill');
      const guild = randomName('g');
      const scheduler = new BullMQScheduler({
        store,
        connection: connect(),
        prefix,
        concurrency: 64,
        reconcileEveryMs: 0,
      });
      await scheduler.start(async (t: TimerRecord) => {
        fired.set(t.id, [...(fired.get(t.id) ?? []), Date.now()]);
      });
      try {
        const t0 = Date.now();
        // Due from t0+1.5 s to t0+3.5 s; Redis dies at t0+2 s (some have fired, some are in flight) and returns at t0+4.5 s.
        for (let i = 0; i < 1000; i += 100) {
          await Promise.all(
            Array.from({ length: 100 }, (_, j) =>
              scheduler.schedule({
                guildId: guild,
                id: `t${i + j}`,
                kind: 'test.kill',
                dueAt: t0 + 1500 + (i + j) * 2,
                payload: { i: i + j },
              }),
            ),
          );
        }
        await sleep(t0 + 2000 - Date.now());
        await redis.kill();
        const firedBeforeKill = fired.size;
        await sleep(t0 + 4500 - Date.now());
        expect(fired.size - firedBeforeKill, 'fired while Redis was down').toBeLessThan(100); // while Redis was down, (almost) nothing could fire
        await redis.start();
        const back = Date.now();
        expect(await waitFor(() => fired.size === 1000, 10_000), `only ${fired.size} of 1000 fired`).toBe(true);
        const last = Math.max(...[...fired.values()].map((times) => times[0]!));
        expect(last - back, 'ms from Redis back to the last first firing').toBeLessThan(5000);
        expect([...fired.values()].filter((times) => times.length !== 1)).toEqual([]);
        await sleep(500);
        expect([...fired.values()].every((times) => times.length === 1)).toBe(true);
        expect(await store.listPending(guild, 10)).toEqual([]);
        console.info(
          `kill test: ${firedBeforeKill} fired before the kill, all 1000 fired ${last - back} ms after Redis returned`,
        );
      } finally {
        if (redis.child === null) await redis.start(); // a failed assertion must not leave the next test without Redis
        await scheduler.stop();
      }
    }, 60_000);

    it('while Redis is down, schedule() stores the row and returns at once; the timer fires when Redis is back', async () => {
      const fired: string[] = [];
      const guild = randomName('g');
      const scheduler = new BullMQScheduler({
        store,
        connection: connect(),
        prefix: randomName('down'),
        reconcileEveryMs: 0,
      });
      await scheduler.start(async (t: TimerRecord) => void fired.push(t.id));
      try {
        await redis.kill();
        await sleep(300);
        const t0 = Date.now();
        for (let i = 0; i < 10; i++) {
          const row = await scheduler.schedule({
            guildId: guild,
            id: `d${i}`,
            kind: 'test.down',
            dueAt: t0 + 200,
            payload: null,
          });
          expect(row.status).toBe('pending');
        }
        expect(Date.now() - t0).toBeLessThan(2000);
        expect((await store.listPending(guild)).map((r) => r.id).sort()).toEqual(
          Array.from({ length: 10 }, (_, i) => `d${i}`).sort(),
        );
        await sleep(500);
        expect(fired).toEqual([]);
        await redis.start();
        expect(await waitFor(() => fired.length === 10, 5000)).toBe(true);
        await sleep(300);
        expect(fired.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `d${i}`).sort());
      } finally {
        if (redis.child === null) await redis.start();
        await scheduler.stop();
      }
    }, 30_000);

    it('FLUSHALL: the reconciler rebuilds every pending timer from PostgreSQL, none lost, none doubled', async () => {
      const fired = new Map<string, number>();
      const prefix = randomName('flush');
      const guild = randomName('g');
      const admin = connect();
      const scheduler = new BullMQScheduler({ store, connection: connect(), prefix, reconcileEveryMs: 0 });
      await scheduler.start(async (t: TimerRecord) => {
        fired.set(t.id, (fired.get(t.id) ?? 0) + 1);
      });
      try {
        const t0 = Date.now();
        for (let i = 0; i < 500; i += 100) {
          await Promise.all(
            Array.from({ length: 100 }, (_, j) =>
              scheduler.schedule({
                guildId: guild,
                id: `f${i + j}`,
                kind: 'test.flush',
                dueAt: t0 + 3000 + (i + j),
                payload: null,
              }),
            ),
          );
        }
        // A cron timer and an already-fired one ride along: the cron keeps its occurrence, the fired one stays fired.
        await scheduler.schedule({
          guildId: guild,
          id: 'cron',
          kind: 'test.flush',
          dueAt: t0 + 3_600_000,
          payload: null,
          cron: '0 * * * *',
        });
        await store.upsert({ guildId: guild, id: 'done', kind: 'test.flush', dueAt: t0, payload: null }, t0);
        await store.claim(guild, 'done', t0, t0);
        expect((await scheduler.queue.getJobCounts('delayed')).delayed).toBe(501);

        await admin.flushall();
        expect((await scheduler.queue.getJobCounts('delayed')).delayed).toBe(0);
        expect(await scheduler.reconcile()).toBe(501);
        expect(await scheduler.reconcile()).toBe(0);
        expect((await scheduler.queue.getJobCounts('delayed')).delayed).toBe(501);

        expect(await waitFor(() => fired.size === 500, 10_000)).toBe(true);
        await sleep(500);
        expect([...fired.entries()].filter(([, n]) => n !== 1)).toEqual([]);
        expect(fired.has('done')).toBe(false);
        expect((await store.listPending(guild, 10)).map((r) => r.id)).toEqual(['cron']);
        expect((await scheduler.queue.getJobCounts('delayed')).delayed).toBe(1);
      } finally {
        await scheduler.stop();
      }
    }, 60_000);

    it('a worker killed mid-job (SIGKILL): the job completes once, on another worker', async () => {
      const prefix = randomName('sigkill');
      const guild = randomName('g');
      const storeModule = fileURLToPath(new URL('../../src/db/timer-store.ts', import.meta.url));
      // The worker process: same store, same queue; its handler announces itself and then hangs until killed.
      const childCode = `
      import { Redis } from 'ioredis';
      import knexFactory from 'knex';
      import { BullMQScheduler } from '@rulecord/engine';
      import { KnexTimerStore } from ${JSON.stringify(storeModule)};
      const [redisUrl, dbUrl, schema, prefix] = process.argv.slice(1);
      const knex = knexFactory({ client: 'pg', connection: dbUrl, searchPath: [schema, 'public'], pool: { min: 0, max: 2 } });
      const scheduler = new BullMQScheduler({ store: new KnexTimerStore(knex), connection: new Redis(redisUrl), prefix,
        lockDurationMs: 1000, stalledIntervalMs: 300, leaseMs: 1500, reconcileEveryMs: 0 });
      await scheduler.start(async (t) => { process.stdout.write('started ' + t.id + ' ' + t.attempts + '\\n'); await new Promise(() => {}); });
      process.stdout.write('ready\\n');
    `;
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', childCode, redis.url, pgUrl!, db.schema, prefix],
        {
          cwd: fileURLToPath(new URL('../../../', import.meta.url)),
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      let err = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const completed: TimerRecord[] = [];
      const rescueErrors: unknown[] = [];
      const producer = new BullMQScheduler({
        store,
        connection: connect(),
        prefix,
        worker: false,
        reconcileEveryMs: 0,
      });
      let rescuer: BullMQScheduler | null = null;
      try {
        expect(await waitFor(() => out.includes('ready'), 20_000), `child did not start: ${err}`).toBe(true);
        await producer.start(async () => {});
        await producer.schedule({
          guildId: guild,
          id: 'job',
          kind: 'test.sigkill',
          dueAt: Date.now() + 200,
          payload: { n: 1 },
        });
        expect(
          await waitFor(() => out.includes('started job 1'), 10_000),
          `child never ran the job: ${out} ${err}`,
        ).toBe(true);
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
        expect(await store.get(guild, 'job')).toMatchObject({ status: 'pending', attempts: 1 });

        rescuer = new BullMQScheduler({
          store,
          connection: connect(),
          prefix,
          stalledIntervalMs: 300,
          lockDurationMs: 1000,
          reconcileEveryMs: 0,
          onError: (e) => rescueErrors.push(e),
        });
        await rescuer.start(async (t: TimerRecord) => {
          completed.push(t);
        });
        const rescued = await waitFor(() => completed.length === 1, 15_000);
        if (!rescued) {
          const row = await store.get(guild, 'job');
          const state = row && (await producer.queue.getJobState(timerJobId(guild, 'job', row.dueAt)));
          expect.fail(
            `job not completed after the kill: row ${JSON.stringify(row)}, job state ${state}, errors ${rescueErrors.map(String).join('; ')}`,
          );
        }
        await sleep(1500);
        expect(completed).toHaveLength(1);
        expect(completed[0]).toMatchObject({ id: 'job', attempts: 2, payload: { n: 1 } });
        expect(await store.get(guild, 'job')).toMatchObject({ status: 'fired', lockedUntil: null });
        expect(await producer.queue.getJobState(timerJobId(guild, 'job', completed[0]!.dueAt))).toBe('completed');
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await rescuer?.stop();
        await producer.stop();
      }
    }, 60_000);
  },
);
