import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SystemClock, VirtualClock, isSettableClock } from '@rulecord/engine';

describe('clocks', () => {
  it('SystemClock reads the wall clock', () => {
    const before = Date.now();
    const now = new SystemClock().now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    expect(isSettableClock(new SystemClock())).toBe(false);
  });

  it('VirtualClock moves only when told, and never backwards', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.array(
          fc.oneof(
            fc.record({ set: fc.integer({ min: 0, max: 2 ** 41 }) }),
            fc.record({ advance: fc.integer({ min: 0, max: 10 ** 9 }) }),
          ),
        ),
        (start, moves) => {
          const clock = new VirtualClock(start);
          let expected = start;
          for (const move of moves) {
            if ('set' in move) {
              clock.set(move.set);
              expected = Math.max(expected, move.set);
            } else {
              clock.advance(move.advance);
              expected += move.advance;
            }
            expect(clock.now()).toBe(expected);
          }
        },
      ),
    );
    expect(isSettableClock(new VirtualClock())).toBe(true);
    expect(() => new VirtualClock().set(Number.NaN)).toThrow(RangeError);
  });
});
