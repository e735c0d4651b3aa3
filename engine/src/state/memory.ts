import type { Clock } from '../clock/clock.js';
import { SystemClock } from '../clock/system.js';
import { RulecordError } from '../errors/error.js';
import type { GuildState, SetIfAbsentThenResult, StateOp, StateOpResults, StateStore, TakeResult } from './port.js';
import {
  checkGuildId,
  checkKeyPart,
  checkPositive,
  DEFAULT_STATE_PREFIX,
  GuildKeys,
  stateKey,
  windowKeyTtl,
} from './key.js';

/**
 * `q`: the expiry the key's place in the expiry queue was made for, -1 while it has none. A key written again keeps
 * its one place: when the sweep reaches it and the key now expires later, the place moves to the back.
 */
type Entry =
  | { type: 'string'; value: string; expiresAt: number | null; q: number }
  | { type: 'window'; hits: number[]; expiresAt: number | null; q: number };

/** Expired keys dropped per write at most (amortised O(1) per write). */
const SWEEP_STEP = 4;

/**
 * In-process `StateStore` for the embedded default, the simulator and tests. Same semantics as `RedisStateStore`
 * (the shared contract suite proves it); TTLs run on the given clock, so a `VirtualClock` makes expiry deterministic.
 * Every operation is synchronous inside, so concurrent calls in one process are atomic. The data is reachable only
 * through `forGuild` handles.
 */
export class InMemoryStateStore implements StateStore {
  readonly prefix: string;
  readonly #data: MemoryData;

  constructor(options: { clock?: Clock; prefix?: string } = {}) {
    this.prefix = options.prefix ?? DEFAULT_STATE_PREFIX;
    stateKey(this.prefix, 'g', 'f', 'k'); // validates the prefix
    this.#data = new MemoryData(options.clock ?? new SystemClock());
  }

  forGuild(guildId: string): GuildState {
    checkGuildId(guildId);
    return new InMemoryGuildState(this.#data, this.prefix, guildId);
  }

  async close(): Promise<void> {
    this.#data.clear();
  }

  /** Number of live keys (tests). */
  get size(): number {
    return this.#data.size;
  }

  /** Places in the expiry queue, stale ones included (tests). */
  get queued(): number {
    return this.#data.queued;
  }
}

/** The marks of one guild feature: two generations (`MemoryData.mark`). */
interface Marks {
  current: MarkSet;
  previous: MarkSet;
  /** When the current generation ends. */
  until: number;
}

/** A string's hash (FNV-1a over its UTF-16 code units), never 0: 0 marks an empty place of a `MarkSet`. */
export function markHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h | 1;
}

/**
 * One generation of marks: a set of strings by open addressing, each place's hash in an `Int32Array` beside it. A
 * `Set` probe reads its bucket, then each entry of the bucket's chain and each entry's key string, all of them cold
 * when the mark comes (a guild's next event is many events later); here a probe of a key that is not there, the common
 * case (a new event id), reads one place of the hash array, and a key string only when its hash is equal. A generation
 * that ends is emptied and used again (`clear`), so marking allocates nothing once the arrays have grown.
 */
export class MarkSet {
  #hashes = new Int32Array(64);
  #keys: (string | undefined)[] = new Array<string | undefined>(64).fill(undefined);
  size = 0;

  has(key: string, hash: number): boolean {
    const hashes = this.#hashes;
    const mask = hashes.length - 1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const h = hashes[i] as number;
      if (h === 0) return false;
      if (h === hash && this.#keys[i] === key) return true;
    }
  }

  /** Adds `key` (its `markHash`): false when it was there already. */
  add(key: string, hash: number): boolean {
    const hashes = this.#hashes;
    const mask = hashes.length - 1;
    let i = hash & mask;
    for (; ; i = (i + 1) & mask) {
      const h = hashes[i] as number;
      if (h === 0) break;
      if (h === hash && this.#keys[i] === key) return false;
    }
    hashes[i] = hash;
    this.#keys[i] = key;
    // At most half full: probes stay short.
    if (++this.size * 2 > hashes.length) this.#grow();
    return true;
  }

  /** Empties the set, keeping its arrays. */
  clear(): void {
    if (this.size === 0) return;
    this.#hashes.fill(0);
    this.#keys.fill(undefined);
    this.size = 0;
  }

  #grow(): void {
    const oldHashes = this.#hashes;
    const oldKeys = this.#keys;
    const hashes = new Int32Array(oldHashes.length * 2);
    const keys = new Array<string | undefined>(hashes.length).fill(undefined);
    const mask = hashes.length - 1;
    for (let j = 0; j < oldHashes.length; j++) {
      const h = oldHashes[j] as number;
      if (h === 0) continue;
      let i = h & mask;
      while (hashes[i] !== 0) i = (i + 1) & mask;
      hashes[i] = h;
      keys[i] = oldKeys[j];
    }
    this.#hashes = hashes;
    this.#keys = keys;
  }
}

/** Where one key lives: its feature's map (one per guild and feature), the key in it, and the feature's key prefix. */
interface Ref {
  m: Map<string, Entry>;
  k: string;
  p: string;
}

/**
 * The places of `MemoryData`'s expiry queue, oldest first: a ring of parallel arrays, so a place costs no object and,
 * once the ring has grown to the number of keys with a TTL, no allocation at all. A place holds its entry, so the
 * sweep checks it without looking the key up.
 */
class ExpiryQueue {
  #maps: (Map<string, Entry> | undefined)[];
  #keys: (string | undefined)[];
  #entries: (Entry | undefined)[];
  #at: number[];
  #head = 0;
  size = 0;

  constructor(capacity = 64) {
    this.#maps = new Array<Map<string, Entry> | undefined>(capacity).fill(undefined);
    this.#keys = new Array<string | undefined>(capacity).fill(undefined);
    this.#entries = new Array<Entry | undefined>(capacity).fill(undefined);
    this.#at = new Array<number>(capacity).fill(0);
  }

  push(map: Map<string, Entry>, key: string, entry: Entry, at: number): void {
    if (this.size === this.#at.length) this.#resize(2 * this.#at.length, false);
    // The capacity is a power of two: a mask wraps the index.
    const i = (this.#head + this.size) & (this.#at.length - 1);
    this.#maps[i] = map;
    this.#keys[i] = key;
    this.#entries[i] = entry;
    this.#at[i] = at;
    this.size++;
  }

  frontAt(): number {
    return this.#at[this.#head] as number;
  }
  frontEntry(): Entry {
    return this.#entries[this.#head] as Entry;
  }
  frontMap(): Map<string, Entry> {
    return this.#maps[this.#head] as Map<string, Entry>;
  }
  frontKey(): string {
    return this.#keys[this.#head] as string;
  }

  /** Drops the front place (and its references: a deleted map or entry is not kept alive by the ring). */
  shift(): void {
    const i = this.#head;
    this.#maps[i] = undefined;
    this.#keys[i] = undefined;
    this.#entries[i] = undefined;
    this.#head = (i + 1) & (this.#at.length - 1);
    this.size--;
  }

  /** Keeps only the places that are still their entry's (`q` equal to the place's time), in their order. */
  keepLive(): void {
    this.#resize(this.#at.length, true);
  }

  /** Copies the places, in order from index 0, into arrays of `capacity`; only the live ones with `live`. */
  #resize(capacity: number, live: boolean): void {
    const mask = this.#at.length - 1;
    const maps = new Array<Map<string, Entry> | undefined>(capacity).fill(undefined);
    const keys = new Array<string | undefined>(capacity).fill(undefined);
    const entries = new Array<Entry | undefined>(capacity).fill(undefined);
    const at = new Array<number>(capacity).fill(0);
    let n = 0;
    for (let j = 0; j < this.size; j++) {
      const i = (this.#head + j) & mask;
      const entry = this.#entries[i] as Entry;
      if (live && entry.q !== this.#at[i]) continue;
      maps[n] = this.#maps[i];
      keys[n] = this.#keys[i];
      entries[n] = entry;
      at[n] = this.#at[i] as number;
      n++;
    }
    this.#maps = maps;
    this.#keys = keys;
    this.#entries = entries;
    this.#at = at;
    this.#head = 0;
    this.size = n;
  }
}

class MemoryData {
  readonly #clock: Clock;
  /**
   * One map per guild and feature, keyed by the feature's key prefix (`bot:{guildId}:{feature}:`): a guild handle looks
   * its feature map up once, then reads and writes by the short key, without building and hashing a full key string.
   */
  readonly #features = new Map<string, Map<string, Entry>>();
  /**
   * Keys with a TTL in the order they were written, with the expiry they had then: the sweep drops expired keys from
   * the front, so keys written with one TTL (rate windows, cooldowns) go in O(1) per write, without walking the map. A
   * key has one place (`Entry.q`): written again, it keeps it, and the sweep moves it back when it comes up. A key
   * deleted or replaced by another type leaves a stale place (its entry's `q` is then -1 or another time), skipped.
   */
  #queue = new ExpiryQueue();
  /** Stale places in the queue (counted as they are made, uncounted as the sweep skips them). */
  #stale = 0;
  /** Marks (`markSync`) per guild feature: the current and the previous generation. */
  readonly #marks = new Map<string, Marks>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** The map of one guild's feature (made on first use). */
  feature(prefix: string): Map<string, Entry> {
    let map = this.#features.get(prefix);
    if (map === undefined) {
      map = new Map();
      this.#features.set(prefix, map);
    }
    return map;
  }

  clear(): void {
    this.#features.clear();
    this.#queue = new ExpiryQueue();
    this.#stale = 0;
    this.#marks.clear();
  }

  /**
   * Marks `key` in a guild feature's generations (see `GuildState.markSync`): true when neither generation had it. A
   * generation lasts `ttlMs`; at its end the current one becomes the previous one and the previous one is dropped
   * whole, so a mark lives between `ttlMs` and twice that.
   */
  mark(prefix: string, key: string, ttlMs: number): boolean {
    const now = this.#clock.now();
    let g = this.#marks.get(prefix);
    if (g === undefined) {
      g = { current: new MarkSet(), previous: new MarkSet(), until: now + ttlMs };
      this.#marks.set(prefix, g);
    } else if (now >= g.until + ttlMs) {
      // A whole generation went by without a call: both are over (every mark is at least `ttlMs` old).
      g.previous.clear();
      g.current.clear();
      g.until = now + ttlMs;
    } else if (now >= g.until) {
      // Generations end on a fixed grid (`until` moves by `ttlMs`), so no mark outlives twice its TTL. The previous
      // generation's set is emptied and becomes the current one.
      const ended = g.previous;
      g.previous = g.current;
      ended.clear();
      g.current = ended;
      g.until += ttlMs;
    }
    const hash = markHash(key);
    if (g.previous.size > 0 && g.previous.has(key, hash)) return false;
    // One probe of the current generation: `add` answers whether the key is new.
    return g.current.add(key, hash);
  }

  get size(): number {
    this.#sweepAll();
    let n = 0;
    for (const map of this.#features.values()) n += map.size;
    return n;
  }

  get queued(): number {
    return this.#queue.size;
  }

  read(r: Ref): Entry | undefined {
    return this.readIn(r.m, r.k);
  }

  /** `read` by feature map and key (no `Ref` made). */
  readIn(m: Map<string, Entry>, k: string): Entry | undefined {
    const entry = m.get(k);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= this.#clock.now()) {
      m.delete(k);
      this.#stalePlace(entry);
      return undefined;
    }
    return entry;
  }

  write(r: Ref, entry: Entry): void {
    r.m.set(r.k, entry);
    this.written(r.m, r.k, entry);
  }

  /**
   * After a write of `entry` under `k` (set in the map by the caller, or there already: an entry changed in place).
   * A key that has a place already keeps it (a rate window or cooldown written on every event): see `#sweep`. One that
   * now expires before its place comes up gets a new, earlier one (the old one goes stale).
   */
  written(m: Map<string, Entry>, k: string, entry: Entry): void {
    const at = entry.expiresAt;
    if (at !== null && (entry.q < 0 || at < entry.q)) {
      this.#stalePlace(entry);
      this.#enqueue(m, k, entry, at);
    }
    this.#sweep();
  }

  #enqueue(map: Map<string, Entry>, key: string, entry: Entry, at: number): void {
    this.#queue.push(map, key, entry, at);
    entry.q = at;
  }

  /** Writes `entry` where another entry (of another type) may be: that one's place goes stale. */
  replace(r: Ref, entry: Entry): void {
    const old = r.m.get(r.k);
    if (old !== undefined && old !== entry) this.#stalePlace(old);
    this.write(r, entry);
  }

  remove(r: Ref): void {
    const old = r.m.get(r.k);
    if (old === undefined) return;
    r.m.delete(r.k);
    this.#stalePlace(old);
  }

  /**
   * The entry's place in the queue, if it has one, goes stale: the entry left its map (its `q` is now -1), or gets an
   * earlier place (the caller sets `q`).
   */
  #stalePlace(entry: Entry): void {
    if (entry.q < 0) return;
    this.#stale++;
    entry.q = -1;
  }

  expiry(ttlMs: number | undefined): number | null {
    return ttlMs === undefined ? null : this.#clock.now() + Math.ceil(ttlMs);
  }

  /** Live keys of one feature map, sorted. */
  keysOf(map: Map<string, Entry>): string[] {
    const now = this.#clock.now();
    const out: string[] = [];
    for (const [key, entry] of [...map]) {
      if (entry.expiresAt !== null && entry.expiresAt <= now) {
        map.delete(key);
        this.#stalePlace(entry);
      } else out.push(key);
    }
    return out.sort();
  }

  /**
   * Drops the keys at the front of the queue whose time has come (a few per write, amortised O(1)). A key whose entry
   * now expires later (written again) gets its place back at the end of the queue, with its new expiry; one that no
   * longer expires loses it; a place left by a key deleted or replaced since is skipped. A front entry that is not due
   * yet stops the sweep; keys with a shorter TTL behind it still expire on read.
   */
  #sweep(): void {
    const queue = this.#queue;
    const now = this.#clock.now();
    for (let n = 0; n < SWEEP_STEP && queue.size > 0 && queue.frontAt() <= now; n++) {
      const at = queue.frontAt();
      const entry = queue.frontEntry();
      const map = queue.frontMap();
      const key = queue.frontKey();
      queue.shift();
      if (entry.q !== at) {
        // Not this entry's place: it was deleted, replaced or given an earlier place meanwhile.
        if (this.#stale > 0) this.#stale--;
        continue;
      }
      if (entry.expiresAt === null) entry.q = -1;
      else if (entry.expiresAt <= now) {
        map.delete(key);
        entry.q = -1;
      } else this.#enqueue(map, key, entry, entry.expiresAt); // pushed past every due place: the loop stops before it
    }
    // Drop the stale places once they are half of the queue (keys deleted or replaced long before their expiry).
    if (this.#stale > 1024 && this.#stale * 2 > queue.size) {
      queue.keepLive();
      this.#stale = 0;
    }
  }

  #sweepAll(): void {
    const now = this.#clock.now();
    for (const map of this.#features.values())
      for (const [key, entry] of [...map])
        if (entry.expiresAt !== null && entry.expiresAt <= now) {
          map.delete(key);
          this.#stalePlace(entry);
        }
  }
}

function wrongType(ref: Ref, expected: string): RulecordError {
  const key = ref.p + ref.k;
  return new RulecordError('RC_STATE_WRONG_TYPE', `State key ${key} does not hold a ${expected}`, {
    kind: 'bug',
    fix: 'Use one state key for one kind of value (a string/counter, or a sliding window).',
    details: { key },
  });
}

class InMemoryGuildState implements GuildState {
  readonly #store: MemoryData;
  readonly #keys: GuildKeys;
  /** Feature maps this handle has used, with their key prefix (validated once per feature). */
  readonly #features = new Map<string, { m: Map<string, Entry>; p: string }>();

  constructor(
    store: MemoryData,
    prefix: string,
    readonly guildId: string,
  ) {
    this.#store = store;
    this.#keys = new GuildKeys(prefix, guildId);
  }

  #feature(feature: string): { m: Map<string, Entry>; p: string } {
    let f = this.#features.get(feature);
    if (f === undefined) {
      const p = this.#keys.featurePrefix(feature); // validates the feature
      f = { m: this.#store.feature(p), p };
      if (this.#features.size < 256) this.#features.set(feature, f);
    }
    return f;
  }

  #key(feature: string, key: string): Ref {
    const f = this.#feature(feature);
    checkKeyPart(key);
    return { m: f.m, k: key, p: f.p };
  }

  #string(k: Ref): (Entry & { type: 'string' }) | undefined {
    const entry = this.#store.read(k);
    if (entry === undefined) return undefined;
    if (entry.type !== 'string') throw wrongType(k, 'string');
    return entry;
  }

  /** Live hits of a window key after dropping those at or before `now - windowMs`. */
  #window(k: Ref, windowMs: number, now: number): (Entry & { type: 'window' }) | undefined {
    const entry = this.#store.read(k);
    if (entry === undefined) return undefined;
    if (entry.type !== 'window') throw wrongType(k, 'sliding window');
    return this.#trim(entry, windowMs, now);
  }

  #trim(entry: Entry & { type: 'window' }, windowMs: number, now: number): Entry & { type: 'window' } {
    dropUpTo(entry.hits, now - windowMs);
    return entry;
  }

  async get(feature: string, key: string): Promise<string | null> {
    return this.#get(feature, key);
  }

  #get(feature: string, key: string): string | null {
    return this.#string(this.#key(feature, key))?.value ?? null;
  }

  async set(feature: string, key: string, value: string, ttlMs?: number): Promise<void> {
    this.#set(feature, key, value, ttlMs);
  }

  #set(feature: string, key: string, value: string, ttlMs: number | undefined): void {
    const k = this.#key(feature, key);
    if (ttlMs !== undefined) checkPositive('ttlMs', ttlMs);
    const existing = k.m.get(k.k);
    if (existing !== undefined && existing.type === 'string') {
      // Written again: the same entry (it keeps its place in the expiry queue).
      existing.value = String(value);
      existing.expiresAt = this.#store.expiry(ttlMs);
      this.#store.write(k, existing);
    } else
      this.#store.replace(k, { type: 'string', value: String(value), expiresAt: this.#store.expiry(ttlMs), q: -1 });
  }

  async setIfAbsent(feature: string, key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.setIfAbsentSync(feature, key, value, ttlMs);
  }

  markSync(feature: string, key: string, ttlMs: number): boolean {
    const f = this.#feature(feature);
    checkKeyPart(key);
    checkPositive('ttlMs', ttlMs);
    return this.#store.mark(f.p, key, ttlMs);
  }

  setIfAbsentSync(feature: string, key: string, value: string, ttlMs: number): boolean {
    const k = this.#key(feature, key);
    checkPositive('ttlMs', ttlMs);
    if (this.#store.read(k) !== undefined) return false;
    this.#store.write(k, { type: 'string', value: String(value), expiresAt: this.#store.expiry(ttlMs), q: -1 });
    return true;
  }

  async del(feature: string, key: string): Promise<void> {
    this.#store.remove(this.#key(feature, key));
  }

  async incr(feature: string, key: string, by = 1, ttlMs?: number): Promise<number> {
    return this.#incr(feature, key, by, ttlMs);
  }

  #incr(feature: string, key: string, by: number, ttlMs: number | undefined): number {
    const k = this.#key(feature, key);
    if (!Number.isSafeInteger(by))
      throw new RulecordError('RC_STATE_BAD_ARGUMENT', `State incr step must be an integer, got ${by}`, {
        kind: 'bug',
        fix: 'Counters hold integers; round the step.',
      });
    if (ttlMs !== undefined) checkPositive('ttlMs', ttlMs);
    const entry = this.#string(k);
    if (entry === undefined) {
      this.#store.write(k, { type: 'string', value: String(by), expiresAt: this.#store.expiry(ttlMs), q: -1 });
      return by;
    }
    const current = Number(entry.value);
    if (!Number.isSafeInteger(current) || !/^-?\d+$/.test(entry.value)) throw wrongType(k, 'integer counter');
    entry.value = String(current + by);
    return current + by;
  }

  async hit(feature: string, key: string, windowMs: number, now: number): Promise<number> {
    return this.hitSync(feature, key, windowMs, now);
  }

  hitSync(feature: string, key: string, windowMs: number, now: number): number {
    const f = this.#feature(feature);
    const store = this.#store;
    // The hot path of a rate fact (one call per event): no `Ref`, and the key is checked only when it is not in the
    // map (every key in it was checked when first written, so a key found there is valid).
    const found = store.readIn(f.m, key);
    if (found === undefined) checkKeyPart(key);
    checkPositive('windowMs', windowMs);
    if (found !== undefined && found.type !== 'window') throw wrongType({ m: f.m, k: key, p: f.p }, 'sliding window');
    let entry: Entry & { type: 'window' };
    let count: number;
    if (found === undefined) {
      // A new window (most often: the last one expired): its array holds exactly its one hit.
      entry = { type: 'window' as const, hits: [now], expiresAt: null, q: -1 };
      count = 1;
    } else {
      entry = found;
      const hits = found.hits;
      // As `#effectiveNow`: never earlier than the newest hit, so the new hit goes last and every hit is at or before it.
      const last = hits[hits.length - 1];
      const at = last !== undefined && last > now ? last : now;
      dropAndPush(hits, at - windowMs, at);
      // Every hit left is in (at - windowMs, at]: the count is the length.
      count = hits.length;
    }
    entry.expiresAt = store.expiry(windowKeyTtl(windowMs));
    // A window found is changed in place: it is in the map already.
    if (found === undefined) f.m.set(key, entry);
    store.written(f.m, key, entry);
    return count;
  }

  /**
   * Time never runs backwards inside one window key: a hit stamped earlier than the newest recorded hit counts at the
   * newest time (same rule as the Redis script), so out-of-order callers cannot let more than `max` into a window.
   */
  #effectiveNow(k: Ref, now: number): number {
    const entry = this.#store.read(k);
    if (entry === undefined || entry.type !== 'window') return now;
    const last = entry.hits[entry.hits.length - 1];
    return last !== undefined && last > now ? last : now;
  }

  async count(feature: string, key: string, windowMs: number, now: number): Promise<number> {
    return this.#count(feature, key, windowMs, now);
  }

  #count(feature: string, key: string, windowMs: number, now: number): number {
    const k = this.#key(feature, key);
    checkPositive('windowMs', windowMs);
    const entry = this.#store.read(k);
    if (entry === undefined) return 0;
    if (entry.type !== 'window') throw wrongType(k, 'sliding window');
    return countIn(entry.hits, now - windowMs, now); // read-only, like ZCOUNT
  }

  async take(feature: string, key: string, max: number, windowMs: number, now: number): Promise<TakeResult> {
    return this.#take(feature, key, max, windowMs, now);
  }

  #take(feature: string, key: string, max: number, windowMs: number, now: number): TakeResult {
    const k = this.#key(feature, key);
    checkPositive('windowMs', windowMs);
    checkPositive('max', max, true);
    now = this.#effectiveNow(k, now);
    const entry = this.#window(k, windowMs, now);
    const hits = entry?.hits ?? [];
    const inWindow = countIn(hits, now - windowMs, now);
    if (inWindow < max) {
      const target = entry ?? { type: 'window' as const, hits, expiresAt: null, q: -1 };
      insertSorted(target.hits, now);
      target.expiresAt = this.#store.expiry(windowKeyTtl(windowMs));
      this.#store.write(k, target);
      return { allowed: true, count: inWindow + 1, retryAfterMs: 0 };
    }
    return { allowed: false, count: inWindow, retryAfterMs: retryAfter(hits, now, windowMs, inWindow, max) };
  }

  async keys(feature: string): Promise<string[]> {
    return this.#store.keysOf(this.#feature(feature).m);
  }

  async setIfAbsentThen<O extends StateOp>(
    feature: string,
    key: string,
    value: string,
    ttlMs: number,
    then: O,
  ): Promise<SetIfAbsentThenResult<O>> {
    const op = then as StateOp;
    // Synchronous from here on, so atomic in this process. Arguments are checked before the marker is written; an
    // operation that still fails (its key holds another type) removes the marker again, as the Redis script does.
    const marker = this.#key(feature, key);
    checkPositive('ttlMs', ttlMs);
    this.#key(op.feature, op.key);
    checkOpArguments(op);
    if (!this.setIfAbsentSync(feature, key, value, ttlMs)) return { set: false };
    let result: StateOpResults[StateOp['op']];
    try {
      result = this.#apply(op);
    } catch (e) {
      this.#store.remove(marker);
      throw e;
    }
    return { set: true, result } as SetIfAbsentThenResult<O>;
  }

  #apply(op: StateOp): StateOpResults[StateOp['op']] {
    switch (op.op) {
      case 'get':
        return this.#get(op.feature, op.key);
      case 'set':
        this.#set(op.feature, op.key, op.value, op.ttlMs);
        return undefined;
      case 'setIfAbsent':
        return this.setIfAbsentSync(op.feature, op.key, op.value, op.ttlMs);
      case 'del':
        this.#store.remove(this.#key(op.feature, op.key));
        return undefined;
      case 'incr':
        return this.#incr(op.feature, op.key, op.by ?? 1, op.ttlMs);
      case 'hit':
        return this.hitSync(op.feature, op.key, op.windowMs, op.now);
      case 'count':
        return this.#count(op.feature, op.key, op.windowMs, op.now);
      case 'take':
        return this.#take(op.feature, op.key, op.max, op.windowMs, op.now);
    }
  }
}

/** The numeric arguments of one operation, checked as the operation itself checks them. */
function checkOpArguments(op: StateOp): void {
  switch (op.op) {
    case 'set':
    case 'incr':
      if (op.op === 'incr' && !Number.isSafeInteger(op.by ?? 1))
        throw new RulecordError('RC_STATE_BAD_ARGUMENT', `State incr step must be an integer, got ${op.by}`, {
          kind: 'bug',
          fix: 'Counters hold integers; round the step.',
        });
      if (op.ttlMs !== undefined) checkPositive('ttlMs', op.ttlMs);
      return;
    case 'setIfAbsent':
      return checkPositive('ttlMs', op.ttlMs);
    case 'hit':
    case 'count':
      return checkPositive('windowMs', op.windowMs);
    case 'take':
      checkPositive('windowMs', op.windowMs);
      return checkPositive('max', op.max, true);
    case 'get':
    case 'del':
      return;
    default:
      throw new RulecordError('RC_STATE_BAD_ARGUMENT', `Unknown state operation ${JSON.stringify(op)}`, {
        kind: 'bug',
        fix: 'Pass one of get, set, setIfAbsent, del, incr, hit, count, take as `op`.',
      });
  }
}

/** Removes the hits at or before `floor` (the oldest, first) in place: `splice` would also make an array of them. */
function dropUpTo(hits: number[], floor: number): void {
  let n = 0;
  while (n < hits.length && hits[n]! <= floor) n++;
  if (n === 0) return;
  const len = hits.length;
  for (let i = n; i < len; i++) hits[i - n] = hits[i] as number;
  hits.length = len - n;
}

/**
 * `dropUpTo(hits, floor)` then `hits.push(at)`, without emptying the array on the way: an array set to length 0 loses
 * its storage, and the push would make it again (a window whose hits have all left it, most windows of a quiet user).
 */
function dropAndPush(hits: number[], floor: number, at: number): void {
  let n = 0;
  const len = hits.length;
  while (n < len && hits[n]! <= floor) n++;
  if (n === 0) {
    hits.push(at);
    return;
  }
  for (let i = n; i < len; i++) hits[i - n] = hits[i] as number;
  hits[len - n] = at;
  hits.length = len - n + 1;
}

function insertSorted(hits: number[], value: number): void {
  let i = hits.length;
  while (i > 0 && hits[i - 1]! > value) i--;
  hits.splice(i, 0, value);
}

/** Hits in `(low, high]`. */
function countIn(hits: number[], low: number, high: number): number {
  let n = 0;
  for (const h of hits) if (h > low && h <= high) n++;
  return n;
}

/**
 * When refused, a slot frees once enough of the oldest hits in the window have left it: the `(inWindow - max + 1)`-th
 * oldest hit at `t` leaves at `t + windowMs`. `max = 0` never frees: the window length is returned.
 */
export function retryAfter(hits: number[], now: number, windowMs: number, inWindow: number, max: number): number {
  if (max <= 0) return windowMs;
  const live = hits.filter((h) => h > now - windowMs && h <= now);
  const t = live[inWindow - max];
  return t === undefined ? windowMs : Math.max(1, t + windowMs - now);
}
