import type { Clock } from '../clock/clock.js';
import { isSettableClock, SystemClock } from '../clock/system.js';
import { RulecordError } from '../errors/error.js';
import type { NewTimer, Scheduler, TimerHandler, TimerRecord, TimerStore } from './port.js';
import {
  DEFAULT_LEASE_MS,
  DEFAULT_RETRY,
  fireOccurrence,
  type FireOutcome,
  type OccurrenceRef,
  type RetryPolicy,
} from './fire.js';
import { checkNewTimer } from './validate.js';

export interface InProcessSchedulerOptions {
  store: TimerStore;
  /** Default: the system clock. In virtual mode, a clock with `set` (a `VirtualClock`). */
  clock?: Clock;
  /** Virtual mode: nothing fires by itself; `advance(ms)` moves the clock and fires what falls due. */
  virtual?: boolean;
  retry?: Partial<RetryPolicy>;
  leaseMs?: number;
  /** Real mode: how often to pick up rows other processes added to the store. Default 60 s; 0 = only at start. */
  reconcileEveryMs?: number;
  /** Called when a handler throws (after the failure is recorded). */
  onError?: (error: unknown, timer: OccurrenceRef & { attempts: number; final: boolean }) => void;
}

interface Entry extends OccurrenceRef {
  /** When to try: the due time, or a retry time after a failure. */
  at: number;
  seq: number;
}

const MAX_TIMEOUT = 2 ** 31 - 1;
const keyOf = (guildId: string, id: string): string => `${guildId}\u0000${id}`;

/**
 * `Scheduler` inside one process, on the same `TimerStore` as the BullMQ one. In real mode it arms one `setTimeout` for
 * the earliest due timer (the embedded default); in virtual mode (the simulator, tests) time only moves with
 * `advance(ms)`, which fires every timer falling due in due order, awaiting each handler — handlers may schedule more,
 * and those fire too when they fall inside the advanced span.
 *
 * @example
 * const clock = new VirtualClock(0);
 * const scheduler = new InProcessScheduler({ store: new InMemoryTimerStore(), clock, virtual: true });
 * await scheduler.start(async (timer) => console.log(timer.kind));
 * await scheduler.schedule({ guildId: 'g', id: 'end', kind: 'giveaway.end', dueAt: 3_600_000, payload: {} });
 * await scheduler.advance(3_600_000); // logs giveaway.end, returns 1
 */
export class InProcessScheduler implements Scheduler {
  readonly store: TimerStore;
  readonly clock: Clock;
  readonly virtual: boolean;
  readonly #retry: RetryPolicy;
  readonly #leaseMs: number;
  readonly #onError: InProcessSchedulerOptions['onError'];
  readonly #entries = new Map<string, Entry>();
  /** Min-heap by (at, seq) over entries; an item is stale when its entry was replaced or removed (lazy deletion). */
  readonly #heap: Entry[] = [];
  readonly #inflight = new Set<Promise<void>>();
  /** Timers whose occurrence is being fired right now: the reconciler leaves them to the firing. */
  readonly #firing = new Set<string>();
  #handler: TimerHandler | null = null;
  #seq = 0;
  #timeout: NodeJS.Timeout | null = null;
  #advancing = false;
  #interval: NodeJS.Timeout | null = null;
  readonly #reconcileEveryMs: number;

  constructor(options: InProcessSchedulerOptions) {
    this.store = options.store;
    this.clock = options.clock ?? new SystemClock();
    this.virtual = options.virtual ?? false;
    if (this.virtual && !isSettableClock(this.clock)) {
      throw new RulecordError(
        'RC_TIMER_VIRTUAL_CLOCK',
        'InProcessScheduler in virtual mode needs a clock it can move',
        {
          kind: 'bug',
          fix: 'Pass `clock: new VirtualClock(start)` with `virtual: true`.',
        },
      );
    }
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#onError = options.onError;
    this.#reconcileEveryMs = options.reconcileEveryMs ?? 60_000;
  }

  async schedule(timer: NewTimer): Promise<TimerRecord> {
    checkNewTimer(timer);
    const row = await this.store.upsert(timer, this.clock.now());
    if (row.status === 'pending') this.#track(row, row.dueAt);
    return row;
  }

  async cancel(guildId: string, id: string): Promise<boolean> {
    this.#entries.delete(keyOf(guildId, id));
    this.#arm();
    return this.store.cancel(guildId, id);
  }

  async start(handler: TimerHandler): Promise<void> {
    this.#handler = handler;
    await this.reconcile();
    this.#arm();
    if (!this.virtual && this.#reconcileEveryMs > 0 && this.#interval === null) {
      this.#interval = setInterval(() => {
        this.reconcile().catch((error: unknown) =>
          this.#onError?.(error, { guildId: '', id: '', dueAt: 0, attempts: 0, final: false }),
        );
      }, this.#reconcileEveryMs);
      this.#interval.unref();
    }
  }

  async reconcile(): Promise<number> {
    let queued = 0;
    let after: { guildId: string; id: string } | null = null;
    for (;;) {
      const page = await this.store.scanPending(after, 500);
      for (const row of page) {
        const key = keyOf(row.guildId, row.id);
        if (this.#firing.has(key)) continue;
        if (this.#entries.get(key)?.dueAt !== row.dueAt) {
          this.#track(row, row.dueAt);
          queued++;
        }
      }
      const last = page[page.length - 1];
      if (page.length < 500 || last === undefined) break;
      after = { guildId: last.guildId, id: last.id };
    }
    return queued;
  }

  async stop(): Promise<void> {
    this.#handler = null;
    if (this.#interval) clearInterval(this.#interval);
    this.#interval = null;
    if (this.#timeout) clearTimeout(this.#timeout);
    this.#timeout = null;
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }

  /** Timers this scheduler will fire, earliest first (tests and the simulator). */
  pending(): OccurrenceRef[] {
    return [...this.#entries.values()].sort(byTime).map(({ guildId, id, dueAt }) => ({ guildId, id, dueAt }));
  }

  /**
   * Virtual mode: moves the clock forward by `ms`, firing every timer that falls due on the way in due order (the clock
   * reads each timer's due time while its handler runs). Handlers may schedule more timers; those inside the span fire
   * too. Resolves to how many occurrences fired.
   */
  async advance(ms: number): Promise<number> {
    if (!this.virtual || !isSettableClock(this.clock)) {
      throw new RulecordError('RC_TIMER_NOT_VIRTUAL', 'advance() needs an InProcessScheduler in virtual mode', {
        kind: 'bug',
        fix: 'Construct it with `virtual: true` and a VirtualClock.',
      });
    }
    if (this.#handler === null) {
      throw new RulecordError(
        'RC_TIMER_NOT_STARTED',
        'advance() before start(handler): nothing would handle the timers',
        { kind: 'bug', fix: 'Call `await scheduler.start(handler)` first.' },
      );
    }
    if (this.#advancing) {
      throw new RulecordError(
        'RC_TIMER_REENTRANT_ADVANCE',
        'advance() was called while another advance() is running (from a timer handler?)',
        { kind: 'bug', fix: 'Schedule a timer instead of advancing from inside a handler.' },
      );
    }
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(${ms}): ms must be a non-negative finite number`);
    const clock = this.clock;
    const target = clock.now() + ms;
    let fired = 0;
    this.#advancing = true;
    try {
      for (;;) {
        const next = this.#peek();
        if (next === undefined || next.at > target) break;
        this.#take(next);
        clock.set(Math.max(clock.now(), next.at));
        if ((await this.#fire(next)).kind === 'fired') fired++;
      }
    } finally {
      this.#advancing = false;
    }
    clock.set(target);
    return fired;
  }

  #track(ref: OccurrenceRef, at: number): void {
    const entry: Entry = { guildId: ref.guildId, id: ref.id, dueAt: ref.dueAt, at, seq: this.#seq++ };
    this.#entries.set(keyOf(ref.guildId, ref.id), entry);
    heapPush(this.#heap, entry);
    if (this.#heap.length > 2 * this.#entries.size + 1024) {
      // Many replaced or cancelled timers left stale items behind: rebuild from the live entries.
      this.#heap.length = 0;
      for (const live of [...this.#entries.values()].sort(byTime)) this.#heap.push(live);
    }
    this.#arm();
  }

  /** Tracks what comes after a firing, unless the timer was scheduled anew (or cancelled and rescheduled) meanwhile. */
  #retrack(ref: OccurrenceRef, at: number): void {
    if (!this.#entries.has(keyOf(ref.guildId, ref.id))) this.#track(ref, at);
  }

  /** The earliest live entry, dropping stale heap items on the way. */
  #peek(): Entry | undefined {
    for (;;) {
      const top = this.#heap[0];
      if (top === undefined) return undefined;
      if (this.#entries.get(keyOf(top.guildId, top.id)) === top) return top;
      heapPop(this.#heap);
    }
  }

  #take(entry: Entry): void {
    this.#entries.delete(keyOf(entry.guildId, entry.id));
    if (this.#heap[0] === entry) heapPop(this.#heap);
  }

  async #fire(entry: Entry): Promise<FireOutcome> {
    const key = keyOf(entry.guildId, entry.id);
    this.#firing.add(key);
    try {
      return await this.#fireOnce(entry);
    } finally {
      this.#firing.delete(key);
    }
  }

  async #fireOnce(entry: Entry): Promise<FireOutcome> {
    const handler = this.#handler;
    if (handler === null) return { kind: 'skipped' };
    const outcome = await fireOccurrence(this.store, handler, entry, this.clock, {
      leaseMs: this.#leaseMs,
      retry: this.#retry,
    });
    const ref = { guildId: entry.guildId, id: entry.id };
    if (outcome.kind === 'fired' && outcome.nextDueAt !== null)
      this.#retrack({ ...ref, dueAt: outcome.nextDueAt }, outcome.nextDueAt);
    if (outcome.kind === 'busy') this.#retrack(entry, outcome.retryAt);
    if (outcome.kind === 'failed') {
      if (outcome.retryAt !== null) this.#retrack(entry, outcome.retryAt);
      else if (outcome.nextDueAt !== null) this.#retrack({ ...ref, dueAt: outcome.nextDueAt }, outcome.nextDueAt);
      this.#onError?.(outcome.error, { ...entry, attempts: outcome.attempts, final: outcome.final });
    }
    return outcome;
  }

  /** Real mode: one timeout for the earliest entry. */
  #arm(): void {
    if (this.virtual || this.#handler === null) return;
    if (this.#timeout) clearTimeout(this.#timeout);
    this.#timeout = null;
    const next = this.#peek();
    if (next === undefined) return;
    const delay = Math.min(MAX_TIMEOUT, Math.max(0, next.at - this.clock.now()));
    this.#timeout = setTimeout(() => this.#tick(), delay);
    this.#timeout.unref();
  }

  #tick(): void {
    this.#timeout = null;
    const now = this.clock.now();
    for (let entry = this.#peek(); entry !== undefined && entry.at <= now; entry = this.#peek()) {
      this.#take(entry);
      const run: Promise<void> = this.#fire(entry)
        .then(() => undefined)
        .catch((error: unknown) => {
          // The store failed (not the handler): keep the occurrence and try again later.
          this.#retrack(entry, this.clock.now() + this.#retry.backoffMs);
          this.#onError?.(error, { ...entry, attempts: 0, final: false });
        })
        .finally(() => this.#inflight.delete(run));
      this.#inflight.add(run);
    }
    this.#arm();
  }
}

function byTime(a: Entry, b: Entry): number {
  return a.at - b.at || a.seq - b.seq;
}

function heapPush(heap: Entry[], entry: Entry): void {
  heap.push(entry);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (byTime(heap[parent]!, heap[i]!) <= 0) break;
    [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
    i = parent;
  }
}

function heapPop(heap: Entry[]): void {
  const last = heap.pop();
  if (last === undefined || heap.length === 0) return;
  heap[0] = last;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < heap.length && byTime(heap[l]!, heap[m]!) < 0) m = l;
    if (r < heap.length && byTime(heap[r]!, heap[m]!) < 0) m = r;
    if (m === i) return;
    [heap[m], heap[i]] = [heap[i]!, heap[m]!];
    i = m;
  }
}
