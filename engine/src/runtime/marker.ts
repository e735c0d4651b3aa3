/**
 * The redelivery marker of one event on a remote store: it travels with the event's first state operation.
 */
import type { GuildState, SetIfAbsentThenResult, StateOp, StateOpResults, TakeResult } from '../state/port.js';

/** A store handle that can write a marker together with one more operation (`setIfAbsentThen`). */
export type MarkableState = GuildState & Required<Pick<GuildState, 'setIfAbsentThen'>>;

/**
 * The internal signal of a state operation that was not performed because the event's marker was already there (the
 * event was delivered before). The engine drops the event when it sees the marker's answer, so this never reaches a
 * trace.
 */
export class Redelivered extends Error {
  constructor() {
    super('redelivered event: the state operation was not performed');
    this.name = 'Redelivered';
  }
}

/**
 * The guild's state handle for ONE event whose redelivery marker has not been written yet, on a store without
 * `setIfAbsentSync` (a remote one) that has `setIfAbsentThen`:
 *
 * - the first state operation of the event, whatever it is (a fact's `hit`, a cooldown, an action's `set`), is sent
 *   with the marker as one `setIfAbsentThen` — one round trip instead of two;
 * - every later operation waits for the marker's answer; when the marker was already there (a redelivery) it is not
 *   performed and rejects with `Redelivered`, so a redelivered event never counts twice;
 * - `ensure()` writes a plain marker when no operation has yet (a run that acts without reading state), and answers
 *   whether this delivery is the first: the engine awaits it before anything of a run acts or is recorded.
 *
 * An event that makes no state operation and whose runs all stay quiet writes no marker at all. No synchronous method
 * (`hitSync`, `setIfAbsentSync`) is offered, so facts take the asynchronous path and reach the store through here.
 */
export class MarkedState implements GuildState {
  readonly guildId: string;
  readonly #inner: MarkableState;
  readonly #feature: string;
  readonly #key: string;
  readonly #ttlMs: number;
  /** The marker's answer once known: true, this delivery is the first; false, a redelivery. */
  #first: boolean | undefined;
  /**
   * The marker once sent, resolving to its answer; `undefined` when the call failed and nothing was written (then the
   * next operation sends it again). Never rejects.
   */
  #marker: Promise<boolean | undefined> | undefined;

  constructor(inner: MarkableState, feature: string, key: string, ttlMs: number) {
    this.guildId = inner.guildId;
    this.#inner = inner;
    this.#feature = feature;
    this.#key = key;
    this.#ttlMs = ttlMs;
  }

  /** True once the marker answered that this event was delivered before. */
  get redelivered(): boolean {
    return this.#first === false;
  }

  /** True once the marker answered that this delivery is the first. */
  get confirmed(): boolean {
    return this.#first === true;
  }

  /** Whether this delivery is the first, writing a plain marker if no operation has sent one yet. */
  ensure(): Promise<boolean> {
    const first = this.#first;
    if (first !== undefined) return Promise.resolve(first);
    const marker = this.#marker;
    if (marker !== undefined) return marker.then((known) => (known === undefined ? this.ensure() : known));
    let failure: unknown;
    const sent = this.#inner.setIfAbsent(this.#feature, this.#key, '1', this.#ttlMs).then(
      (set) => this.#answer(set),
      (e: unknown) => {
        failure = e;
        if (this.#marker === sent) this.#marker = undefined;
        return undefined;
      },
    );
    this.#marker = sent;
    return sent.then((known) => {
      if (known === undefined) throw failure;
      return known;
    });
  }

  #answer(set: boolean): boolean {
    this.#first = set;
    return set;
  }

  /** An operation while the marker is not known: sent with the marker, or after its answer. */
  #op<O extends StateOp>(op: O): Promise<StateOpResults[O['op']]> {
    const marker = this.#marker;
    if (marker !== undefined)
      return marker.then((known) => {
        if (known === undefined) return this.#op(op);
        if (!known) throw new Redelivered();
        return this.#direct(op);
      });
    let sent: Promise<SetIfAbsentThenResult<O>>;
    try {
      sent = this.#inner.setIfAbsentThen(this.#feature, this.#key, '1', this.#ttlMs, op);
    } catch (e) {
      return Promise.reject(e);
    }
    const answer: Promise<boolean | undefined> = sent.then(
      (r) => this.#answer(r.set),
      () => {
        // Nothing was written (bad arguments, or the operation failed in the store): the next operation sends it.
        if (this.#marker === answer) this.#marker = undefined;
        return undefined;
      },
    );
    this.#marker = answer;
    return sent.then((r) => {
      if (!r.set) throw new Redelivered();
      return r.result;
    });
  }

  /** The operation itself, once the marker said this delivery is the first. */
  #direct<O extends StateOp>(o: O): Promise<StateOpResults[O['op']]> {
    const s = this.#inner;
    const op = o as StateOp;
    let out: Promise<unknown>;
    switch (op.op) {
      case 'get':
        out = s.get(op.feature, op.key);
        break;
      case 'set':
        out = s.set(op.feature, op.key, op.value, op.ttlMs);
        break;
      case 'setIfAbsent':
        out = s.setIfAbsent(op.feature, op.key, op.value, op.ttlMs);
        break;
      case 'del':
        out = s.del(op.feature, op.key);
        break;
      case 'incr':
        out = s.incr(op.feature, op.key, op.by, op.ttlMs);
        break;
      case 'hit':
        out = s.hit(op.feature, op.key, op.windowMs, op.now);
        break;
      case 'count':
        out = s.count(op.feature, op.key, op.windowMs, op.now);
        break;
      case 'take':
        out = s.take(op.feature, op.key, op.max, op.windowMs, op.now);
        break;
    }
    return out as Promise<StateOpResults[O['op']]>;
  }

  get(feature: string, key: string): Promise<string | null> {
    if (this.#first === true) return this.#inner.get(feature, key);
    return this.#op({ op: 'get', feature, key });
  }

  set(feature: string, key: string, value: string, ttlMs?: number): Promise<void> {
    if (this.#first === true) return this.#inner.set(feature, key, value, ttlMs);
    return this.#op(
      ttlMs === undefined ? { op: 'set', feature, key, value } : { op: 'set', feature, key, value, ttlMs },
    ) as Promise<void>;
  }

  setIfAbsent(feature: string, key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.#first === true) return this.#inner.setIfAbsent(feature, key, value, ttlMs);
    return this.#op({ op: 'setIfAbsent', feature, key, value, ttlMs });
  }

  del(feature: string, key: string): Promise<void> {
    if (this.#first === true) return this.#inner.del(feature, key);
    return this.#op({ op: 'del', feature, key }) as Promise<void>;
  }

  incr(feature: string, key: string, by?: number, ttlMs?: number): Promise<number> {
    if (this.#first === true) return this.#inner.incr(feature, key, by, ttlMs);
    return this.#op({
      op: 'incr',
      feature,
      key,
      ...(by !== undefined ? { by } : {}),
      ...(ttlMs !== undefined ? { ttlMs } : {}),
    });
  }

  hit(feature: string, key: string, windowMs: number, now: number): Promise<number> {
    if (this.#first === true) return this.#inner.hit(feature, key, windowMs, now);
    return this.#op({ op: 'hit', feature, key, windowMs, now });
  }

  count(feature: string, key: string, windowMs: number, now: number): Promise<number> {
    if (this.#first === true) return this.#inner.count(feature, key, windowMs, now);
    return this.#op({ op: 'count', feature, key, windowMs, now });
  }

  take(feature: string, key: string, max: number, windowMs: number, now: number): Promise<TakeResult> {
    if (this.#first === true) return this.#inner.take(feature, key, max, windowMs, now);
    return this.#op({ op: 'take', feature, key, max, windowMs, now });
  }

  /** Not an operation `setIfAbsentThen` carries: the marker is written (or awaited) first. */
  keys(feature: string): Promise<string[]> {
    if (this.#first === true) return this.#inner.keys(feature);
    return this.ensure().then((first) => {
      if (!first) throw new Redelivered();
      return this.#inner.keys(feature);
    });
  }
}
