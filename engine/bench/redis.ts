/**
 * The Redis-backed run of the benchmark (docs/benchmarks.md, "Redis"): `Engine.dispatch` with a `RedisStateStore` on
 * the loopback Redis, open loop at a fixed offered load. Event i is offered at `start + i / rate` whether or not
 * earlier ones are done; its latency runs from that instant to the end of its dispatch (so queueing counts).
 *
 * Run alone: `npx tsx engine/bench/redis.ts` (prints one JSON object as its last line); `run.ts` imports `redisRun`.
 * Options (env): BENCH_REDIS_URL (redis://127.0.0.1:6379, loopback only), BENCH_REDIS_RATE (5000),
 * BENCH_REDIS_SECONDS (4, measured), BENCH_REDIS_WARM_SECONDS (2, offered and not measured), BENCH_REDIS_CLOCK
 * (thread; poll), BENCH_REDIS_PIPELINE (0: a connection without ioredis autopipelining; 1: with), BENCH_GUILDS (50),
 * BENCH_REDIS=0 to skip.
 */
import { randomBytes } from 'node:crypto';
import { PerformanceObserver } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import {
  Engine,
  InMemoryTimerStore,
  InProcessScheduler,
  RedisStateStore,
  coreModule,
  type Clock,
  type DiscordPort,
  type GuildDiscord,
  type RuleEvent,
} from '../src/index.js';
import { createRegistry } from '../src/model/registry.js';
import { automodBenchModule, guildDocument } from './automod.js';
import { makeEvents } from './events.js';

const env = (name: string, dflt: number) => (process.env[name] === undefined ? dflt : Number(process.env[name]));

/**
 * The arrival clock (a worker, plain JS): sleeps with Atomics.wait until the next event's instant and posts "events up
 * to n are due" to the main thread, which sleeps in its event loop meanwhile, as it would between gateway messages.
 * Its clock is hrtime (one monotonic clock for every thread); `start` is given on that clock.
 */
const ARRIVALS = `
const { parentPort, workerData } = require('node:worker_threads');
const { start, interval, total } = workerData;
const cell = new Int32Array(new SharedArrayBuffer(4));
const now = () => Number(process.hrtime.bigint()) / 1e6;
let next = 0;
while (next < total) {
  const t = now();
  let due = next;
  while (due < total && start + due * interval <= t) due++;
  if (due > next) {
    parentPort.postMessage(due);
    next = due;
    continue;
  }
  Atomics.wait(cell, 0, 0, Math.max(0.01, start + next * interval - t));
}
`;

export interface RedisResult {
  offered: number;
  completed: number;
  achievedPerSec: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  /** How late dispatch started after the offered instant (arrival clock, a busy loop, a descheduled process), p99. */
  startLateP99Us: number;
  /** Dispatch start to end. */
  serviceP50Us: number;
  serviceP99Us: number;
  /** CPU of this process (every thread: GC helpers and the arrival clock included) per measured event. */
  cpuUsPerEvent: number;
  /** Garbage-collection pauses of the main thread during the measured window. */
  gcCount: number;
  gcMaxMs: number;
  gcTotalMs: number;
  warmupEvents: number;
  clock: 'thread' | 'poll';
  autoPipelining: boolean;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
}

/** Actions are no-ops in the bench module; nothing reaches Discord. */
function noDiscord(): DiscordPort {
  const handles = new Map<string, GuildDiscord>();
  return {
    forGuild: (guildId) => {
      let handle = handles.get(guildId);
      if (!handle) {
        handle = new Proxy({ guildId } as GuildDiscord, {
          get: (target, key) =>
            key === 'guildId' || key === 'then'
              ? target[key as 'guildId']
              : () => Promise.reject(new Error(`the bench never calls Discord (${String(key)})`)),
        });
        handles.set(guildId, handle);
      }
      return handle;
    },
  };
}

/**
 * Offers events `0 … count-1` open loop at `interval` ms apart from `start` (this thread's performance.now() clock),
 * calling `offer(upTo)` whenever events up to `upTo` (exclusive) are due. Resolves once all are offered.
 */
function arrivals(
  kind: 'thread' | 'poll',
  start: number,
  interval: number,
  count: number,
  offer: (upTo: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (kind === 'poll') {
      // The event loop spins with setImmediate and starts every event whose instant has come: no wake-up latency, but
      // it burns a core and allocates on every turn (measured: hundreds of thousands of turns and of scavenges).
      const tick = () => {
        const upTo = Math.min(count, Math.floor((performance.now() - start) / interval) + 1);
        offer(upTo);
        if (upTo < count) setImmediate(tick);
        else resolve();
      };
      setImmediate(tick);
      return;
    }
    const offset = performance.now() - Number(process.hrtime.bigint()) / 1e6;
    const clock = new Worker(ARRIVALS, { eval: true, workerData: { start: start - offset, interval, total: count } });
    clock.on('message', (upTo: number) => {
      offer(upTo);
      if (upTo >= count) resolve();
    });
    clock.on('error', reject);
  });
}

/**
 * Engine.dispatch on a RedisStateStore at `rate` events/s offered, open loop: BENCH_REDIS_WARM_SECONDS of load that is
 * not measured (JIT, connection, steady-state heap), then BENCH_REDIS_SECONDS measured, in one continuous stream.
 */
export async function redisRun(rate: number): Promise<RedisResult | { skipped: string }> {
  if (process.env.BENCH_REDIS === '0') return { skipped: 'BENCH_REDIS=0' };
  const seconds = env('BENCH_REDIS_SECONDS', 4);
  const warmSeconds = env('BENCH_REDIS_WARM_SECONDS', 2);
  const guilds = env('BENCH_GUILDS', 50);
  const clockKind = process.env.BENCH_REDIS_CLOCK === 'poll' ? 'poll' : 'thread';
  const autoPipelining = process.env.BENCH_REDIS_PIPELINE === '1';
  const { Redis } = await import('ioredis');
  const url = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) return { skipped: `not a loopback Redis: ${host}` };
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true, enableAutoPipelining: autoPipelining });
  try {
    await redis.connect();
  } catch (e) {
    return { skipped: `Redis unreachable at ${url}: ${(e as Error).message}` };
  }
  const prefix = `bench${randomBytes(4).toString('hex')}`;
  try {
    const total = Math.round(rate * seconds);
    const warmOffered = Math.round(rate * warmSeconds);
    const warmClosed = 2_000;
    // Only the events this run offers (the seeded world's first ones, the same as the other passes see).
    const { worlds, events } = makeEvents(warmClosed + warmOffered + total, guilds);
    /** The clock reads the time of the event being offered, so sliding windows see event time. */
    let eventTime = events[0]?.at ?? 0;
    const clock: Clock & { set(ms: number): void } = {
      now: () => eventTime,
      set: (ms: number) => {
        eventTime = ms;
      },
    };
    const engine = new Engine({
      registry: createRegistry([coreModule, automodBenchModule]),
      state: new RedisStateStore(redis, { prefix }),
      scheduler: new InProcessScheduler({ store: new InMemoryTimerStore(), clock, virtual: true }),
      discord: noDiscord(),
      clock,
    });
    worlds.forEach((w, i) => {
      const loaded = engine.load(guildDocument(w, i), { tier: 'premium' });
      if (!loaded.ok) throw new Error(`bench rule set did not load: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
    });
    // Closed-loop warm-up (the Redis code paths get compiled), then the open-loop stream.
    for (let i = 0; i < warmClosed; i++) {
      const e = events[i] as RuleEvent;
      eventTime = e.at;
      await engine.dispatch({ ...e, id: `w${i}` });
    }
    const count = warmOffered + total;
    // Per measured event: latency (offered instant → end of dispatch), start lateness (offered → dispatch start) and
    // service time (dispatch start → end); latency = late + service.
    const latencies = new Float64Array(total);
    const late = new Float64Array(total);
    const service = new Float64Array(total);
    const interval = 1000 / rate;
    let done = 0;
    let measuring = false;
    let measuredFrom = 0;
    let c0 = process.cpuUsage();
    const gc = { count: 0, max: 0, total: 0 };
    const gcObserver = new PerformanceObserver((list) => {
      if (!measuring) return;
      for (const entry of list.getEntries()) {
        gc.count++;
        gc.total += entry.duration;
        if (entry.duration > gc.max) gc.max = entry.duration;
      }
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    const start = performance.now() + 100; // the clock thread boots meanwhile
    let finished: () => void = () => {};
    let failed: (e: unknown) => void = () => {};
    const allDone = new Promise<void>((resolve, reject) => {
      finished = resolve;
      failed = reject;
    });
    let next = 0;
    const offer = (upTo: number) => {
      while (next < upTo) {
        const n = next++;
        if (n === warmOffered) {
          measuring = true;
          measuredFrom = performance.now();
          c0 = process.cpuUsage();
        }
        const e = events[warmClosed + n] as RuleEvent;
        eventTime = e.at;
        const offered = start + n * interval;
        const began = performance.now();
        const i = n - warmOffered;
        if (i < 0) {
          engine.dispatch({ ...e, id: `r${n}` }).then(undefined, failed);
          continue;
        }
        late[i] = began - offered;
        engine.dispatch({ ...e, id: `r${n}` }).then(() => {
          const end = performance.now();
          latencies[i] = end - offered;
          service[i] = end - began;
          if (++done === total) finished();
        }, failed);
      }
    };
    await arrivals(clockKind, start, interval, count, offer);
    await allDone;
    measuring = false;
    const elapsed = (performance.now() - measuredFrom) / 1000;
    const cpu = process.cpuUsage(c0);
    gcObserver.disconnect();
    const sorted = latencies.slice().sort();
    const lateSorted = late.slice().sort();
    const serviceSorted = service.slice().sort();
    const us = (ms: number) => Math.round(ms * 1000);
    return {
      offered: rate,
      completed: total,
      achievedPerSec: Math.round(total / elapsed),
      p50Us: us(percentile(sorted, 50)),
      p99Us: us(percentile(sorted, 99)),
      maxUs: us(sorted[sorted.length - 1] as number),
      startLateP99Us: us(percentile(lateSorted, 99)),
      serviceP50Us: us(percentile(serviceSorted, 50)),
      serviceP99Us: us(percentile(serviceSorted, 99)),
      cpuUsPerEvent: Math.round((cpu.user + cpu.system) / total),
      gcCount: gc.count,
      gcMaxMs: Math.round(gc.max * 100) / 100,
      gcTotalMs: Math.round(gc.total * 10) / 10,
      warmupEvents: warmClosed + warmOffered,
      clock: clockKind,
      autoPipelining,
    };
  } finally {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rate = env('BENCH_REDIS_RATE', 5_000);
  console.log(JSON.stringify(await redisRun(rate)));
}
