/**
 * The Redis-backed run of the benchmark (docs/benchmarks.md, "Redis"): `Engine.dispatch` with a `RedisStateStore` on
 * the loopback Redis, open loop at a fixed offered load. Event i is offered at `start + i / rate` whether or not
 * earlier ones are done; its latency runs from that instant to the end of its dispatch (so queueing counts).
 *
 * `redisRun` (what run.ts calls) measures in a child process of its own: only this run's events and engine are on its
 * heap (not the 100,000 events and the other passes' objects of run.ts), and Node/V8 options can be given to it alone.
 * Run alone: `npx tsx engine/bench/redis.ts` (prints one JSON object as its last line).
 * Options (env): BENCH_REDIS_URL (redis://127.0.0.1:6379, loopback only), BENCH_REDIS_RATE (5000),
 * BENCH_REDIS_SECONDS (4, measured), BENCH_REDIS_WARM_SECONDS (2, offered and not measured), BENCH_REDIS_WARM_EVENTS
 * (20000, dispatched back to back before those), BENCH_REDIS_CLOCK (poll; thread), BENCH_REDIS_SPIN_US (20: how long
 * the poll clock waits inside one turn of the event loop), BENCH_REDIS_PIPELINE (0: a connection without ioredis
 * autopipelining; 1: with), BENCH_GUILDS (50), BENCH_REDIS_NODE_OPTIONS (Node/V8 flags of the child, e.g.
 * `--max-semi-space-size=4`; none by default), BENCH_REDIS=0 to skip.
 */
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PerformanceObserver } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import {
  Engine,
  applyV8Settings,
  InMemoryTimerStore,
  InProcessScheduler,
  RedisStateStore,
  coreModule,
  type Clock,
  type RuleEvent,
} from '../src/index.js';
import { createRegistry } from '../src/model/registry.js';
import { automodBenchModule, guildDocument, noDiscord } from './automod.js';
import { makeEvents } from './events.js';

const env = (name: string, dflt: number) => (process.env[name] === undefined ? dflt : Number(process.env[name]));

/**
 * The arrival clock of BENCH_REDIS_CLOCK=thread (a worker, plain JS): sleeps with Atomics.wait until the next event's
 * instant and posts "events up to n are due" to the main thread, which sleeps in its event loop meanwhile. Its clock is
 * hrtime (one monotonic clock for every thread); `start` is given on that clock.
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
  /** Share of the measured window the main thread's event loop was busy (not waiting for I/O). */
  loopBusy: number;
  /** CPU of the Redis server per measured event (when it runs on this machine; /proc, 10 ms ticks). */
  redisCpuUsPerEvent?: number;
  /** Cores' worth of CPU that other processes (not this one, not Redis) used during the measured window. */
  otherCores?: number;
  /** Garbage-collection pauses of the main thread during the measured window. */
  gcCount: number;
  gcMaxMs: number;
  gcTotalMs: number;
  warmupEvents: number;
  /** The run's random key prefix (every key deleted afterwards). */
  keyPrefix: string;
  clock: 'thread' | 'poll';
  autoPipelining: boolean;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
}

/**
 * CPU time (ms) the whole machine spent busy, and one process, from /proc (Linux; undefined elsewhere): how much of the
 * two cores Redis and everything else took during the measured window, so a figure can be read against its load.
 */
function machineBusyMs(): number | undefined {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    return ((f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + (f[7] ?? 0)) * 1000) / 100;
  } catch {
    return undefined;
  }
}
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime (fields 14, 15)
  } catch {
    return undefined;
  }
}

/** A wait of about a microsecond that allocates nothing (an atomic load cannot be optimised away). */
const SPIN_CELL = new Int32Array(new SharedArrayBuffer(4));
const SPIN_STEPS = 100;

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
      // The event loop spins and starts every event whose instant has come; I/O is served on every turn. No wake-up
      // latency; it burns the rest of a core. Inside a turn it waits for the next instant, up to SPIN_US, reading the
      // clock about once a microsecond: a turn costs an `Immediate` (about 470 bytes with Node's bookkeeping) and each
      // clock read a boxed double, so a loop that turned as fast as it could allocated about 270 MB/s here, four times
      // what the engine allocates at 5,000 events/s, and most of the run's scavenges were the clock's. I/O waits at
      // most SPIN_US for the loop. The thread clock costs a cross-thread wake-up per arrival instead: measured,
      // p50 ≈ 0.5 ms instead of ≈ 0.2 ms, ≈ 20 µs more main-thread time per event, and a p99 no better.
      const spinMs = env('BENCH_REDIS_SPIN_US', 20) / 1000;
      const tick = () => {
        let now = performance.now();
        const next = Math.min(count - 1, Math.floor((now - start) / interval) + 1);
        const until = Math.min(start + next * interval, now + spinMs);
        while (now < until) {
          for (let k = 0; k < SPIN_STEPS; k++) Atomics.load(SPIN_CELL, 0);
          now = performance.now();
        }
        const upTo = Math.min(count, Math.floor((now - start) / interval) + 1);
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
 * The event as dispatched, with its delivery id. Every phase (warm-up and measured) builds it here: one object literal
 * site, one hidden class. With a literal per phase, the measured events had a hidden class the warm-up had not shown
 * the JIT, and the first measured event deoptimised `dispatch` and every engine function it reached (about 20), which
 * were compiled again, 72–83 compilations of up to 25 ms on a background thread, during the measured window.
 */
function withId(e: RuleEvent, id: string): RuleEvent {
  return { ...e, id };
}

/**
 * The Redis-backed run at `rate` events/s offered, measured in a child process (see the top of this file). Resolves to
 * the child's result, or `{ skipped }` when Redis is off, unreachable or not on loopback.
 */
export async function redisRun(rate: number): Promise<RedisResult | { skipped: string }> {
  if (process.env.BENCH_REDIS === '0') return { skipped: 'BENCH_REDIS=0' };
  const flags = (process.env.BENCH_REDIS_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean);
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...flags, '--import', 'tsx', fileURLToPath(import.meta.url)],
    { cwd: root, env: { ...process.env, BENCH_REDIS_RATE: String(rate) }, maxBuffer: 1024 * 1024 },
  );
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as RedisResult | { skipped: string };
}

/**
 * Engine.dispatch on a RedisStateStore at `rate` events/s offered, open loop, in this process: BENCH_REDIS_WARM_SECONDS
 * of load that is not measured (JIT, connection, steady-state heap), then BENCH_REDIS_SECONDS measured, in one
 * continuous stream.
 */
export async function measureRedis(rate: number): Promise<RedisResult | { skipped: string }> {
  if (process.env.BENCH_REDIS === '0') return { skipped: 'BENCH_REDIS=0' };
  const seconds = env('BENCH_REDIS_SECONDS', 4);
  const warmSeconds = env('BENCH_REDIS_WARM_SECONDS', 2);
  const guilds = env('BENCH_GUILDS', 50);
  const clockKind = process.env.BENCH_REDIS_CLOCK === 'thread' ? 'thread' : 'poll';
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
  // The Redis server's process, when it runs on this machine (its CPU is part of what an event costs).
  const info = await redis.info('server').catch(() => '');
  const redisPid = /process_id:(\d+)/.exec(info)?.[1];
  try {
    const total = Math.round(rate * seconds);
    const warmOffered = Math.round(rate * warmSeconds);
    const warmClosed = env('BENCH_REDIS_WARM_EVENTS', 20_000);
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
      await engine.dispatch(withId(e, `w${i}`));
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
    let m0: number | undefined;
    let elu0 = performance.eventLoopUtilization();
    let r0: number | undefined;
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
          m0 = machineBusyMs();
          elu0 = performance.eventLoopUtilization();
          r0 = processCpuMs(Number(redisPid));
        }
        const e = events[warmClosed + n] as RuleEvent;
        eventTime = e.at;
        const offered = start + n * interval;
        const began = performance.now();
        const i = n - warmOffered;
        if (i < 0) {
          engine.dispatch(withId(e, `r${n}`)).then(undefined, failed);
          continue;
        }
        late[i] = began - offered;
        engine.dispatch(withId(e, `r${n}`)).then(() => {
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
    const elu = performance.eventLoopUtilization(elu0).utilization;
    const m1 = machineBusyMs();
    const r1 = processCpuMs(Number(redisPid));
    const redisMs = r0 !== undefined && r1 !== undefined ? r1 - r0 : undefined;
    const othersMs =
      m0 !== undefined && m1 !== undefined ? m1 - m0 - (cpu.user + cpu.system) / 1000 - (redisMs ?? 0) : undefined;
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
      loopBusy: Math.round(elu * 100) / 100,
      ...(redisMs === undefined ? {} : { redisCpuUsPerEvent: Math.round((redisMs * 1000) / total) }),
      ...(othersMs === undefined ? {} : { otherCores: Math.round(othersMs / elapsed / 10) / 100 }),
      gcCount: gc.count,
      gcMaxMs: Math.round(gc.max * 100) / 100,
      gcTotalMs: Math.round(gc.total * 10) / 10,
      warmupEvents: warmClosed + warmOffered,
      keyPrefix: prefix,
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
  applyV8Settings(); // as the server's processes (src/runtime/v8-settings.ts)
  const rate = env('BENCH_REDIS_RATE', 5_000);
  console.log(JSON.stringify(await measureRedis(rate)));
}
