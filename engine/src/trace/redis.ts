import type { Redis } from 'ioredis';
import type { Trace, TraceOutcome } from './model.js';
import { TRACE_OUTCOMES } from './model.js';
import type { DeferredTrace, GuildTraces, TraceQuery, TraceRetention, TraceStore, TraceSubscription } from './store.js';
import { DEFAULT_TRACE_RETENTION } from './store.js';

export interface RedisTraceStoreOptions {
  /** Key and channel prefix; default `rulecord:traces`. Keys: `<prefix>:<guildId>:<outcome>` (lists, newest first). */
  prefix?: string;
  retention?: Partial<TraceRetention>;
  /** Same as `InMemoryTraceStore`'s `bucket`: one capacity for every outcome but `filtered`. */
  bucket?: number;
  /** How often recorded traces are written to Redis, and listener counts refreshed; default 1000 ms. */
  flushEveryMs?: number;
  /** Lists expire this long after their last write; default 7 days. */
  ttlMs?: number;
  /** A second connection, for SUBSCRIBE (a subscribed connection can do nothing else). Needed by `subscribe`. */
  subscriber?: Redis;
  /** Called when a background write fails (traces are best effort: a failure never reaches a run). */
  onError?: (error: unknown) => void;
}

type Kept = Trace | DeferredTrace;
const built = (t: Kept): Trace =>
  (t as DeferredTrace).deferred === true ? (t as DeferredTrace).build() : (t as Trace);

/**
 * Traces shared by every process through Redis: the bot and the worker record, the API lists and streams. Each guild
 * keeps one bounded list per outcome, as `InMemoryTraceStore` does. Recording is cheap and synchronous: traces are
 * buffered (bounded per bucket, so only the ones that would survive are ever built and written) and flushed every
 * `flushEveryMs`; a trace is published at once only when some process listens to that guild's stream.
 *
 * @example
 * const traces = new RedisTraceStore(redis, { subscriber: redis.duplicate() });
 * const engine = new Engine({ ...ports, traces });      // bot / worker
 * traces.forGuild(guildId).subscribe((t) => ws.send(JSON.stringify(t))); // API
 */
export class RedisTraceStore implements TraceStore {
  readonly retention: Readonly<TraceRetention>;
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly pending = new Map<string, { guildId: string; outcome: TraceOutcome; items: Kept[] }>();
  /** Listener counts per stream channel, refreshed on each flush. */
  private readonly listeners = new Map<string, number>();
  private readonly local = new Map<
    string,
    Set<{ listener: (t: Trace) => void; outcomes: ReadonlySet<TraceOutcome>; rule?: string }>
  >();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private subscribed = false;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisTraceStoreOptions = {},
  ) {
    const base: TraceRetention = { ...DEFAULT_TRACE_RETENTION };
    if (options.bucket !== undefined) for (const o of TRACE_OUTCOMES) if (o !== 'filtered') base[o] = options.bucket;
    this.retention = Object.freeze({ ...base, ...options.retention });
    this.prefix = options.prefix ?? 'rulecord:traces';
    this.ttlMs = options.ttlMs ?? 7 * 86_400_000;
    this.timer = setInterval(() => void this.flush(), options.flushEveryMs ?? 1000);
    this.timer.unref();
  }

  private key(guildId: string, outcome: TraceOutcome): string {
    return `${this.prefix}:${guildId}:${outcome}`;
  }
  /** `filtered` traces have their own channel: only listeners that ask for them make the engine build them. */
  private channel(guildId: string, outcome: TraceOutcome): string {
    return `${this.prefix}:stream${outcome === 'filtered' ? '-filtered' : ''}:${guildId}`;
  }

  wants(guildId: string, outcome: TraceOutcome): boolean {
    if (this.retention[outcome] > 0) return true;
    const channel = this.channel(guildId, outcome);
    const count = this.listeners.get(channel);
    if (count === undefined) this.listeners.set(channel, 0); // learnt at the next flush
    return (count ?? 0) > 0;
  }

  record(trace: Kept): void {
    const { guildId, outcome } = trace;
    const channel = this.channel(guildId, outcome);
    if ((this.listeners.get(channel) ?? 0) > 0) {
      this.redis.publish(channel, JSON.stringify(built(trace))).catch((e: unknown) => this.options.onError?.(e));
    } else if (!this.listeners.has(channel)) {
      this.listeners.set(channel, 0); // refreshed at the next flush
    }
    const capacity = this.retention[outcome];
    if (capacity === 0) return;
    const id = `${guildId}\u0000${outcome}`;
    let bucket = this.pending.get(id);
    if (!bucket) {
      bucket = { guildId, outcome, items: [] };
      this.pending.set(id, bucket);
    }
    bucket.items.push(trace);
    if (bucket.items.length > capacity) bucket.items.splice(0, bucket.items.length - capacity);
  }

  /** Writes buffered traces and refreshes listener counts. Resolves when done (tests, shutdown). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow()).catch((e: unknown) => this.options.onError?.(e));
    return this.flushing;
  }

  private async flushNow(): Promise<void> {
    const buckets = [...this.pending.values()];
    this.pending.clear();
    const multi = this.redis.multi();
    for (const b of buckets) {
      const key = this.key(b.guildId, b.outcome);
      // Oldest first, so the newest ends at the head of the list.
      multi.lpush(key, ...b.items.map((t) => JSON.stringify(built(t))));
      multi.ltrim(key, 0, this.retention[b.outcome] - 1);
      multi.pexpire(key, this.ttlMs);
    }
    const channels = [...this.listeners.keys()];
    if (channels.length > 0) multi.pubsub('NUMSUB', ...channels);
    const results = await multi.exec();
    if (channels.length > 0) {
      const numsub = results?.at(-1)?.[1] as (string | number)[] | undefined;
      for (let i = 0; numsub && i + 1 < numsub.length; i += 2)
        this.listeners.set(String(numsub[i]), Number(numsub[i + 1]));
    }
  }

  private async read(guildId: string, outcomes: readonly TraceOutcome[]): Promise<Trace[]> {
    await this.flush();
    const multi = this.redis.multi();
    for (const o of outcomes) multi.lrange(this.key(guildId, o), 0, -1);
    const results = (await multi.exec()) ?? [];
    const out: Trace[] = [];
    for (const [, raw] of results) {
      for (const item of (raw as string[] | null) ?? []) {
        try {
          const t = JSON.parse(item) as Trace;
          if (t.guildId === guildId) out.push(t);
        } catch {
          // A corrupt entry is skipped, never shown.
        }
      }
    }
    return out;
  }

  private subscribeRemote(): void {
    const sub = this.options.subscriber;
    if (!sub) throw new Error('RedisTraceStore.subscribe needs the `subscriber` connection option');
    if (this.subscribed) return;
    this.subscribed = true;
    sub.on('message', (channel: string, message: string) => {
      const guildId = channel.slice(channel.lastIndexOf(':') + 1);
      const set = this.local.get(guildId);
      if (!set || set.size === 0) return;
      let trace: Trace;
      try {
        trace = JSON.parse(message) as Trace;
      } catch {
        return;
      }
      if (trace.guildId !== guildId) return;
      for (const s of set) {
        if (!s.outcomes.has(trace.outcome) || (s.rule !== undefined && s.rule !== trace.rule.id)) continue;
        try {
          s.listener(trace);
        } catch {
          // A broken listener never breaks the stream.
        }
      }
    });
  }

  forGuild(guildId: string): GuildTraces {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const store = this;
    const query = async (q: TraceQuery = {}): Promise<Trace[]> => {
      const outcomes = q.outcome === undefined ? TRACE_OUTCOMES : Array.isArray(q.outcome) ? q.outcome : [q.outcome];
      const all = await store.read(guildId, outcomes);
      return (
        all
          .filter(
            (t) =>
              (q.rule === undefined || t.rule.id === q.rule) &&
              (q.tag === undefined || (t.rule.tags?.includes(q.tag) ?? false)) &&
              (q.since === undefined || t.startedAt >= q.since),
          )
          // Newest first; within one millisecond, the order between outcome buckets is not kept.
          .sort((a, b) => b.startedAt - a.startedAt || b.finishedAt - a.finishedAt)
      );
    };
    return {
      guildId,
      list: async (q) => (await query(q)).slice(0, q?.limit ?? 100),
      get: async (traceId) => (await query()).find((t) => t.id === traceId),
      subscribe(listener, options: TraceSubscription = {}) {
        store.subscribeRemote();
        const outcomes: ReadonlySet<TraceOutcome> = new Set(
          options.outcomes ?? TRACE_OUTCOMES.filter((o) => o !== 'filtered'),
        );
        const entry = { listener, outcomes, ...(options.rule !== undefined ? { rule: options.rule } : {}) };
        let set = store.local.get(guildId);
        if (!set) {
          set = new Set();
          store.local.set(guildId, set);
        }
        set.add(entry);
        const channels = [
          store.channel(guildId, 'fired'),
          ...(outcomes.has('filtered') ? [store.channel(guildId, 'filtered')] : []),
        ];
        void store.options.subscriber?.subscribe(...channels).catch((e: unknown) => store.options.onError?.(e));
        return () => {
          set.delete(entry);
          const stillFiltered = [...set].some((s) => s.outcomes.has('filtered'));
          const drop =
            set.size === 0
              ? channels
              : outcomes.has('filtered') && !stillFiltered
                ? [store.channel(guildId, 'filtered')]
                : [];
          if (drop.length > 0)
            void store.options.subscriber?.unsubscribe(...drop).catch((e: unknown) => store.options.onError?.(e));
        };
      },
      async counts() {
        await store.flush();
        const multi = store.redis.multi();
        for (const o of TRACE_OUTCOMES) multi.llen(store.key(guildId, o));
        const results = (await multi.exec()) ?? [];
        return Object.fromEntries(TRACE_OUTCOMES.map((o, i) => [o, Number(results[i]?.[1] ?? 0)])) as Record<
          TraceOutcome,
          number
        >;
      },
      async clear() {
        await store.flush();
        await store.redis.del(...TRACE_OUTCOMES.map((o) => store.key(guildId, o)));
      },
    };
  }

  /** Stops the flush timer after a last flush. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
