/**
 * Fast per-guild state (counters, cooldowns, sliding windows, caches). Every key is
 * `{prefix}:{guildId}:{feature}:{key}` and is built by `stateKey()` alone; code reaches state only through the
 * guild-scoped handle returned by `forGuild`.
 */
export interface StateStore {
  forGuild(guildId: string): GuildState;
  /** Releases connections the store opened itself (none for stores handed a connection). */
  close(): Promise<void>;
}

export interface GuildState {
  readonly guildId: string;
  get(feature: string, key: string): Promise<string | null>;
  set(feature: string, key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets only when absent; true when this call set it (a lock, a cooldown, a dedupe marker). */
  setIfAbsent(feature: string, key: string, value: string, ttlMs: number): Promise<boolean>;
  del(feature: string, key: string): Promise<void>;
  /** Atomic add; the TTL is set when the counter is created. Returns the new value. */
  incr(feature: string, key: string, by?: number, ttlMs?: number): Promise<number>;
  /**
   * Records one hit at `now` in a sliding window and returns how many hits fall in `(now - windowMs, now]`,
   * this one included.
   */
  hit(feature: string, key: string, windowMs: number, now: number): Promise<number>;
  /** Hits in the window without recording one. */
  count(feature: string, key: string, windowMs: number, now: number): Promise<number>;
  /**
   * Takes one slot of a sliding-window rate limit atomically: allowed only while fewer than `max` hits are in the
   * window; a refused take records nothing.
   */
  take(feature: string, key: string, max: number, windowMs: number, now: number): Promise<TakeResult>;
  /** Every key of one feature of this guild (for tests, the studio and cleanup). */
  keys(feature: string): Promise<string[]>;
  /**
   * Optional synchronous forms of `setIfAbsent` and `hit`, offered by stores that answer in-process
   * (`InMemoryStateStore`): same semantics, no promise. The engine and fact providers use them when present, so an
   * event on in-process state never waits for a microtask; remote stores leave them out.
   */
  setIfAbsentSync?(feature: string, key: string, value: string, ttlMs: number): boolean;
  hitSync?(feature: string, key: string, windowMs: number, now: number): number;
  /**
   * Optional, in-process stores only: marks `key` of `feature` as seen and says whether it was not marked yet (true:
   * first time). A mark lasts at least `ttlMs` and at most twice that: marks expire a generation at a time (two sets
   * swapped every `ttlMs`), not one key at a time, so a mark costs what a `Set` insert does. Marks are not string keys
   * (`get` and `keys` do not see them); give one feature one `ttlMs`. The engine's redelivery marker uses it.
   */
  markSync?(feature: string, key: string, ttlMs: number): boolean;
  /**
   * Optional: `setIfAbsent(feature, key, value, ttlMs)` and, only when that call set the key, the operation `then`, as
   * one atomic step — one round trip on a remote store. `{ set: false }`: the key was there and `then` was not
   * performed. Invalid arguments reject before anything is written; if `then` fails in the store (e.g. its key holds
   * another type), the key is not set either. For a redelivery marker written together with the first state operation
   * of an event: a redelivered event neither acts nor counts twice, and a new one pays one round trip instead of two.
   *
   * @example
   * const r = await state.setIfAbsentThen('engine.seen', eventId, '1', DAY, {
   *   op: 'hit', feature: 'automod.rate', key: userId, windowMs: 10_000, now,
   * });
   * if (!r.set) return; // redelivered: nothing counted
   * const rate = r.result;
   */
  setIfAbsentThen?<O extends StateOp>(
    feature: string,
    key: string,
    value: string,
    ttlMs: number,
    then: O,
  ): Promise<SetIfAbsentThenResult<O>>;
}

/** One `GuildState` operation as data (for `setIfAbsentThen`): the method's name and its arguments. */
export type StateOp =
  | { op: 'get'; feature: string; key: string }
  | { op: 'set'; feature: string; key: string; value: string; ttlMs?: number }
  | { op: 'setIfAbsent'; feature: string; key: string; value: string; ttlMs: number }
  | { op: 'del'; feature: string; key: string }
  | { op: 'incr'; feature: string; key: string; by?: number; ttlMs?: number }
  | { op: 'hit'; feature: string; key: string; windowMs: number; now: number }
  | { op: 'count'; feature: string; key: string; windowMs: number; now: number }
  | { op: 'take'; feature: string; key: string; max: number; windowMs: number; now: number };

/** What each operation resolves to (as its method does). */
export interface StateOpResults {
  get: string | null;
  set: undefined;
  setIfAbsent: boolean;
  del: undefined;
  incr: number;
  hit: number;
  count: number;
  take: TakeResult;
}

export type SetIfAbsentThenResult<O extends StateOp> = { set: true; result: StateOpResults[O['op']] } | { set: false };

export interface TakeResult {
  allowed: boolean;
  /** Hits in the window after this take. */
  count: number;
  /** When refused, milliseconds until a slot frees. */
  retryAfterMs: number;
}
