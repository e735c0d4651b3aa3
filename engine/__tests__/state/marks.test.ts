import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryStateStore, VirtualClock } from '../../src/index.js';

const TTL = 1_000;

describe('InMemoryStateStore.markSync (generations of marks)', () => {
  it('a mark lasts at least its TTL and at most twice that, whatever the calls in between', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd'), wait: fc.integer({ min: 0, max: 2_500 }) }), {
          minLength: 1,
          maxLength: 60,
        }),
        (calls) => {
          const clock = new VirtualClock(0);
          const s = new InMemoryStateStore({ clock }).forGuild('g1');
          const markedAt = new Map<string, number>();
          for (const { key, wait } of calls) {
            clock.advance(wait);
            const now = clock.now();
            const first = s.markSync!('engine.event', key, TTL);
            const last = markedAt.get(key);
            if (last !== undefined && now - last < TTL) expect(first).toBe(false);
            if (last === undefined || now - last >= 2 * TTL) expect(first).toBe(true);
            // Only a call that marks (true) starts a mark's life; a false one leaves it as it was.
            if (first) markedAt.set(key, now);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('marks belong to one guild and one feature, are not string keys, and keys are checked', async () => {
    const clock = new VirtualClock(0);
    const store = new InMemoryStateStore({ clock });
    const [a, b] = [store.forGuild('g1'), store.forGuild('g2')];
    expect(a.markSync!('engine.event', 'e1', TTL)).toBe(true);
    expect(a.markSync!('engine.event', 'e1', TTL)).toBe(false);
    expect(b.markSync!('engine.event', 'e1', TTL)).toBe(true);
    expect(a.markSync!('other', 'e1', TTL)).toBe(true);
    expect(await a.get('engine.event', 'e1')).toBeNull();
    expect(await a.keys('engine.event')).toEqual([]);
    expect(() => a.markSync!('engine.event', 'bad\nkey', TTL)).toThrow(
      expect.objectContaining({ code: 'RC_STATE_BAD_KEY' }),
    );
    expect(() => a.markSync!('bad:feature', 'k', TTL)).toThrow(expect.objectContaining({ code: 'RC_STATE_BAD_KEY' }));
    expect(() => a.markSync!('engine.event', 'k', 0)).toThrow();
    await store.close();
    expect(a.markSync!('engine.event', 'e1', TTL)).toBe(true);
  });
});
