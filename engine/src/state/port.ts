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
}

export interface TakeResult {
  allowed: boolean;
  /** Hits in the window after this take. */
  count: number;
  /** When refused, milliseconds until a slot frees. */
  retryAfterMs: number;
}
