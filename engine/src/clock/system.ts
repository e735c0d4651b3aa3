import type { Clock } from './clock.js';

/** The real wall clock (epoch milliseconds). */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}

/**
 * A clock that only moves when told to: the simulator and tests use it so time-based behaviour (cooldowns, sliding
 * windows, timers) is deterministic.
 *
 * @example
 * const clock = new VirtualClock(0);
 * clock.advance(1_000); // clock.now() === 1000
 */
export class VirtualClock implements Clock {
  #now: number;

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Moves the clock to `ms` (epoch milliseconds). Time never runs backwards: an earlier value is ignored. */
  set(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`VirtualClock.set: ${ms} is not a finite number of milliseconds`);
    if (ms > this.#now) this.#now = ms;
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.set(this.#now + ms);
  }
}

/** True for a clock that can be moved (a `VirtualClock` or any clock with `set`). */
export function isSettableClock(clock: Clock): clock is Clock & { set(ms: number): void } {
  return typeof (clock as { set?: unknown }).set === 'function';
}
