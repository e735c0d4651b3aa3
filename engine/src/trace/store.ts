import type { Trace, TraceOutcome } from './model.js';
import { TRACE_OUTCOMES } from './model.js';

/** How many traces of each outcome a guild keeps. 0 = not kept (still streamed to subscribers that ask for it). */
export type TraceRetention = Record<TraceOutcome, number>;

/** Default retention per guild. `filtered` runs are not kept: they are one per rule per non-matching event. */
export const DEFAULT_TRACE_RETENTION: Readonly<TraceRetention> = Object.freeze({
  fired: 200,
  'condition-false': 100,
  filtered: 0,
  limited: 100,
  error: 200,
  shadow: 200,
  cancelled: 50,
});

export interface TraceQuery {
  outcome?: TraceOutcome | TraceOutcome[];
  rule?: string;
  /** Traces of rules carrying this tag. */
  tag?: string;
  /** Traces that started at or after this epoch ms. */
  since?: number;
  /** Newest first; default 100. */
  limit?: number;
}

export type TraceListener = (trace: Trace) => void;

export interface TraceSubscription {
  /** Outcomes to receive; default every outcome except `filtered`. */
  outcomes?: TraceOutcome[];
  rule?: string;
}

/** The traces of ONE guild: nothing here reaches another guild's traces. */
export interface GuildTraces {
  readonly guildId: string;
  /** Newest first, across outcome buckets. */
  list(query?: TraceQuery): Promise<Trace[]>;
  get(traceId: string): Promise<Trace | undefined>;
  /** Live stream of this guild's traces (the API forwards it over websocket). Returns the unsubscribe function. */
  subscribe(listener: TraceListener, options?: TraceSubscription): () => void;
  /** Count kept per outcome. */
  counts(): Promise<Record<TraceOutcome, number>>;
  clear(): Promise<void>;
}

/**
 * A trace recorded before it is built: the engine hands runs that ended at `where` or at a false condition (most runs)
 * this way, and the store builds them only when they are read or streamed — a bucket overwritten before anyone looks
 * never pays for them. `build()` returns the same trace every time.
 */
export interface DeferredTrace {
  readonly deferred: true;
  readonly id: string;
  readonly guildId: string;
  readonly outcome: TraceOutcome;
  readonly ruleId: string;
  readonly tags: readonly string[] | undefined;
  readonly startedAt: number;
  build(): Trace;
}

/**
 * Many deferred traces that share one record: the quiet runs of one event, run `k` being the event's k-th candidate
 * rule. The engine keeps one such record per event instead of one object per quiet run (most runs are quiet), and a
 * store keeps `(record, k)`; trace `k` is built only when read or streamed. `build(k)` returns the same trace each time.
 */
export interface DeferredTraces {
  readonly guildId: string;
  readonly startedAt: number;
  id(k: number): string;
  ruleId(k: number): string;
  tags(k: number): readonly string[] | undefined;
  build(k: number, outcome: TraceOutcome): Trace;
}

/** Trace `k` of a `DeferredTraces` record as a `DeferredTrace` of its own (for `record`, and for listeners). */
export function deferredTrace(source: DeferredTraces, k: number, outcome: TraceOutcome): DeferredTrace {
  return new DeferredAt(source, k, outcome);
}

class DeferredAt implements DeferredTrace {
  readonly deferred = true as const;
  constructor(
    private readonly source: DeferredTraces,
    private readonly k: number,
    readonly outcome: TraceOutcome,
  ) {}
  get id(): string {
    return this.source.id(this.k);
  }
  get guildId(): string {
    return this.source.guildId;
  }
  get ruleId(): string {
    return this.source.ruleId(this.k);
  }
  get tags(): readonly string[] | undefined {
    return this.source.tags(this.k);
  }
  get startedAt(): number {
    return this.source.startedAt;
  }
  build(): Trace {
    return this.source.build(this.k, this.outcome);
  }
}

/** A guild's recorder of one outcome's deferred traces (`TraceStore.recorder`). */
export type DeferredRecorder = (source: DeferredTraces, k: number) => void;

/**
 * Where runs leave their traces. The engine calls `record` for every run whose outcome `wants` says is worth building
 * (so that noisy `filtered` runs cost nothing when nobody looks at them).
 */
export interface TraceStore {
  record(trace: Trace | DeferredTrace): void;
  wants(guildId: string, outcome: TraceOutcome): boolean;
  /**
   * Optional fast path for the engine's many quiet runs: a function that keeps trace `k` of a `DeferredTraces` record,
   * of this guild and outcome, exactly as `record(deferredTrace(source, k, outcome))` would, or `null` when nothing
   * wants them (`wants` is false). The engine asks once per event, so a subscription made meanwhile is seen from the
   * next event on.
   */
  recorder?(guildId: string, outcome: TraceOutcome): DeferredRecorder | null;
  forGuild(guildId: string): GuildTraces;
}

/** A fixed-size ring, newest overwriting oldest. */
type Kept = Trace | DeferredTrace;
const isDeferred = (t: Kept): t is DeferredTrace => (t as DeferredTrace).deferred === true;
const ruleIdOf = (t: Kept): string => (isDeferred(t) ? t.ruleId : t.rule.id);
const tagsOf = (t: Kept): readonly string[] | undefined => (isDeferred(t) ? t.tags : t.rule.tags);

class Ring {
  /**
   * Parallel arrays (no wrapper object per recorded trace). A slot holds a trace (`subs` -1) or trace `subs[i]` of a
   * `DeferredTraces` record.
   */
  private readonly items: (Kept | DeferredTraces | undefined)[];
  private readonly subs: number[];
  private readonly seqs: number[];
  private next = 0;
  size = 0;
  constructor(
    readonly capacity: number,
    private readonly outcome: TraceOutcome,
  ) {
    this.items = new Array<Kept | undefined>(capacity).fill(undefined);
    this.subs = new Array<number>(capacity).fill(-1);
    this.seqs = new Array<number>(capacity).fill(0);
  }
  push(item: Kept, seq: number): void {
    this.pushAt(item, -1, seq);
  }
  pushAt(item: Kept | DeferredTraces, k: number, seq: number): void {
    if (this.capacity === 0) return;
    const at = this.next;
    this.items[at] = item;
    this.subs[at] = k;
    this.seqs[at] = seq;
    this.next = at + 1 === this.capacity ? 0 : at + 1;
    if (this.size < this.capacity) this.size++;
  }
  /** Newest first; deferred traces are built (once) as they are reached. */
  *newest(filter: (t: Kept) => boolean): Generator<{ seq: number; trace: Trace }> {
    for (let i = 1; i <= this.size; i++) {
      const at = (this.next - i + this.capacity) % this.capacity;
      const slot = this.items[at];
      if (slot === undefined) continue;
      const k = this.subs[at] as number;
      let item = k < 0 ? (slot as Kept) : deferredTrace(slot as DeferredTraces, k, this.outcome);
      if (!filter(item)) continue;
      if (isDeferred(item)) {
        item = item.build();
        this.items[at] = item;
        this.subs[at] = -1;
      }
      yield { seq: this.seqs[at] as number, trace: item };
    }
  }
  clear(): void {
    this.items.fill(undefined);
    this.subs.fill(-1);
    this.next = 0;
    this.size = 0;
  }
}

interface Subscriber {
  listener: TraceListener;
  outcomes: ReadonlySet<TraceOutcome>;
  rule: string | undefined;
}

class GuildBuckets {
  readonly buckets: Map<TraceOutcome, Ring>;
  readonly subscribers = new Set<Subscriber>();
  /** Per outcome, a function pushing straight into its ring (used while nobody subscribes to that outcome). */
  readonly pushers = new Map<TraceOutcome, DeferredRecorder>();
  constructor(retention: TraceRetention) {
    this.buckets = new Map(TRACE_OUTCOMES.map((o) => [o, new Ring(retention[o], o)]));
  }
  watched(outcome: TraceOutcome): boolean {
    // Asked on every event: no iterator is made when nobody subscribes (most of the time).
    if (this.subscribers.size === 0) return false;
    for (const s of this.subscribers) if (s.outcomes.has(outcome)) return true;
    return false;
  }
}

const DEFAULT_SUBSCRIBED: ReadonlySet<TraceOutcome> = new Set(TRACE_OUTCOMES.filter((o) => o !== 'filtered'));

/**
 * Traces kept in memory, per guild, in one bounded bucket per outcome, so thousands of `condition-false` runs never push
 * an `error` out.
 *
 * @example
 * const traces = new InMemoryTraceStore({ retention: { filtered: 50 } });
 * const stop = traces.forGuild('g1').subscribe((t) => socket.send(JSON.stringify(t)));
 */
export class InMemoryTraceStore implements TraceStore {
  private readonly guilds = new Map<string, GuildBuckets>();
  /** Recording order, to sort traces that started in the same millisecond. */
  private seq = 0;
  readonly retention: Readonly<TraceRetention>;

  constructor(options: { retention?: Partial<TraceRetention>; bucket?: number } = {}) {
    const base: TraceRetention = { ...DEFAULT_TRACE_RETENTION };
    if (options.bucket !== undefined) {
      for (const o of TRACE_OUTCOMES) if (o !== 'filtered') base[o] = options.bucket;
    }
    const merged = { ...base, ...options.retention };
    for (const o of TRACE_OUTCOMES) {
      const n = merged[o];
      if (!Number.isInteger(n) || n < 0)
        throw new RangeError(`trace retention for "${o}" must be an integer >= 0, got ${n}`);
    }
    this.retention = Object.freeze(merged);
  }

  private guild(guildId: string, create: true): GuildBuckets;
  private guild(guildId: string, create: boolean): GuildBuckets | undefined;
  private guild(guildId: string, create: boolean): GuildBuckets | undefined {
    let g = this.guilds.get(guildId);
    if (!g && create) {
      g = new GuildBuckets(this.retention);
      this.guilds.set(guildId, g);
    }
    return g;
  }

  wants(guildId: string, outcome: TraceOutcome): boolean {
    if (this.retention[outcome] > 0) return true;
    return this.guilds.get(guildId)?.watched(outcome) ?? false;
  }

  recorder(guildId: string, outcome: TraceOutcome): DeferredRecorder | null {
    const g = this.guild(guildId, this.retention[outcome] > 0);
    if (!g) return null;
    // Someone is watching this outcome: the full path (it builds and streams).
    if (g.watched(outcome)) return this.streamer(outcome);
    const ring = g.buckets.get(outcome);
    if (!ring || ring.capacity === 0) return null;
    let push = g.pushers.get(outcome);
    if (push === undefined) {
      push = this.pusher(ring);
      g.pushers.set(outcome, push);
    }
    return push;
  }

  // The recorders' closures are made apart from `recorder`, which runs on every event: a function that makes a closure
  // allocates the variables it captures on every call, closure made or not.
  private streamer(outcome: TraceOutcome): DeferredRecorder {
    return (source, k) => this.record(deferredTrace(source, k, outcome));
  }

  private pusher(ring: Ring): DeferredRecorder {
    return (source, k) => ring.pushAt(source, k, ++this.seq);
  }

  record(trace: Trace | DeferredTrace): void {
    const g = this.guild(trace.guildId, this.retention[trace.outcome] > 0);
    if (!g) return;
    let kept: Kept = trace;
    // No `Set` iterator per trace while nobody subscribes (most of the time).
    if (g.subscribers.size > 0)
      for (const s of g.subscribers) {
        if (!s.outcomes.has(trace.outcome)) continue;
        if (s.rule !== undefined && s.rule !== ruleIdOf(trace)) continue;
        // Someone is watching: build it now (once).
        if (isDeferred(kept)) kept = kept.build();
        try {
          s.listener(kept);
        } catch {
          // A broken listener (a closed socket) must never break a run.
        }
      }
    g.buckets.get(trace.outcome)?.push(kept, ++this.seq);
  }

  forGuild(guildId: string): GuildTraces {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const store = this;
    const all = (query: TraceQuery = {}): Trace[] => {
      const g = store.guild(guildId, false);
      if (!g) return [];
      const outcomes =
        query.outcome === undefined ? TRACE_OUTCOMES : Array.isArray(query.outcome) ? query.outcome : [query.outcome];
      const out: { seq: number; trace: Trace }[] = [];
      const keep = (t: Kept): boolean =>
        (query.rule === undefined || ruleIdOf(t) === query.rule) &&
        (query.tag === undefined || (tagsOf(t)?.includes(query.tag) ?? false)) &&
        (query.since === undefined || t.startedAt >= query.since);
      for (const o of outcomes) {
        const ring = g.buckets.get(o);
        if (ring) for (const t of ring.newest(keep)) out.push(t);
      }
      out.sort((a, b) => b.trace.startedAt - a.trace.startedAt || b.seq - a.seq);
      return out.slice(0, query.limit ?? 100).map((x) => x.trace);
    };
    return {
      guildId,
      list: (query) => Promise.resolve(all(query)),
      get(traceId) {
        const g = store.guild(guildId, false);
        for (const ring of g?.buckets.values() ?? []) {
          // Only the trace asked for is built.
          for (const { trace } of ring.newest((t) => t.id === traceId)) return Promise.resolve(trace);
        }
        return Promise.resolve(undefined);
      },
      subscribe(listener, options = {}) {
        const sub: Subscriber = {
          listener,
          outcomes: options.outcomes ? new Set(options.outcomes) : DEFAULT_SUBSCRIBED,
          rule: options.rule,
        };
        store.guild(guildId, true).subscribers.add(sub);
        return () => {
          store.guild(guildId, false)?.subscribers.delete(sub);
        };
      },
      counts() {
        const g = store.guild(guildId, false);
        const counts = Object.fromEntries(TRACE_OUTCOMES.map((o) => [o, g?.buckets.get(o)?.size ?? 0]));
        return Promise.resolve(counts as Record<TraceOutcome, number>);
      },
      clear() {
        const g = store.guild(guildId, false);
        for (const ring of g?.buckets.values() ?? []) ring.clear();
        return Promise.resolve();
      },
    };
  }
}
