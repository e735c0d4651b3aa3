import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryStateStore, VirtualClock, stateKey } from '../../src/index.js';

const code = (c: string) => expect.objectContaining({ code: c });

/** A store on a virtual clock starting at `start`, and its handle of guild g1. */
function store(start = 1_000_000) {
  const clock = new VirtualClock(start);
  const whole = new InMemoryStateStore({ clock });
  return { clock, whole, s: whole.forGuild('g1') };
}

describe('InMemoryStateStore at its edges', () => {
  it('a key holding a counter cannot be read as a sliding window, nor a window as a string', async () => {
    const { clock, s } = store();
    await s.set('f', 'text', 'v');
    await expect(s.hit('f', 'text', 1000, clock.now())).rejects.toThrow(code('RC_STATE_WRONG_TYPE'));
    await expect(s.count('f', 'text', 1000, clock.now())).rejects.toThrow(/does not hold a sliding window/);
    await s.hit('f', 'win', 1000, clock.now());
    await expect(s.get('f', 'win')).rejects.toThrow(/does not hold a string/);
    await expect(s.incr('f', 'win')).rejects.toThrow(code('RC_STATE_WRONG_TYPE'));
  });

  it('hitSync checks a key as every operation does, whatever was hit before, and names the key of a wrong type', () => {
    // hitSync checks only keys it does not hold (a key it holds was checked when first written): any sequence of hits
    // on good and bad keys, windows and windows' expiry included, refuses exactly the bad ones and counts the good.
    const key = fc.oneof(
      fc.constantFrom('u1:10', 'u2:10', 'u1:60'),
      fc.constantFrom('u1\n:10', '\u0000', '', 'x'.repeat(257)),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.integer({ min: 0, max: 3_000 })), { maxLength: 30 }), (hits) => {
        const { clock, s } = store();
        const counts = new Map<string, number[]>();
        for (const [k, wait] of hits) {
          clock.advance(wait);
          // eslint-disable-next-line no-control-regex
          const bad = k === '' || k.length > 256 || /[\u0000-\u001f]/.test(k);
          let got: number | Error;
          try {
            got = s.hitSync!('f', k, 1_000, clock.now());
          } catch (e) {
            got = e as Error;
          }
          if (bad) {
            expect(got).toEqual(code('RC_STATE_BAD_KEY'));
            continue;
          }
          const mine = (counts.get(k) ?? []).filter((t) => t > clock.now() - 1_000);
          mine.push(clock.now());
          counts.set(k, mine);
          expect(got).toBe(mine.length);
        }
      }),
      { numRuns: 300 },
    );
    const { clock, s } = store();
    s.setIfAbsentSync!('f', 'text', 'v', 60_000);
    expect(() => s.hitSync!('f', 'text', 1_000, clock.now())).toThrow(/bot:g1:f:text does not hold a sliding window/);
  });

  it('incr refuses a non-integer step and a value that is not an integer counter, leaving the value as it was', async () => {
    const { s } = store();
    await expect(s.incr('f', 'n', 1.5)).rejects.toThrow(/incr step must be an integer, got 1.5/);
    await s.set('f', 'n', '2.5');
    await expect(s.incr('f', 'n')).rejects.toThrow(/does not hold a integer counter/);
    await s.set('f', 'n', '1e3');
    await expect(s.incr('f', 'n')).rejects.toThrow(code('RC_STATE_WRONG_TYPE'));
    expect(await s.get('f', 'n')).toBe('1e3');
    expect(await s.get('f', 'n2')).toBeNull();
  });

  it('TTLs and windows must be positive finite numbers; the message says which argument', async () => {
    const { clock, s } = store();
    await expect(s.set('f', 'k', 'v', 0)).rejects.toThrow(/State ttlMs must be a positive finite number, got 0/);
    await expect(s.set('f', 'k', 'v', Number.NaN)).rejects.toThrow(code('RC_STATE_BAD_ARGUMENT'));
    await expect(s.incr('f', 'k', 1, -5)).rejects.toThrow(/ttlMs must be a positive/);
    await expect(s.count('f', 'w', 0, clock.now())).rejects.toThrow(/State windowMs must be a positive/);
    expect(await s.get('f', 'k')).toBeNull();
  });

  it('take with max 0 never allows and says to retry after the whole window', async () => {
    const { clock, s } = store();
    const r = await s.take('f', 'limit', 0, 5000, clock.now());
    expect(r.allowed).toBe(false);
    expect(r.retryAfterMs).toBe(5000);
  });

  it('refuses key parts longer than 256 characters', () => {
    expect(() => stateKey('bot', 'g', 'f', 'k'.repeat(257))).toThrow(/is 257 characters long \(at most 256\)/);
    expect(stateKey('bot', 'g', 'f', 'k'.repeat(256))).toHaveLength('bot:g:f:'.length + 256);
  });

  it('expiry queue: a key written again with a longer TTL outlives its first expiry; expired keys go without a read', async () => {
    const { clock, whole, s } = store();
    const other = whole.forGuild('g2');
    await s.set('f', 'k', 'short', 10);
    await s.set('f', 'k', 'long', 10_000);
    for (let i = 0; i < 5_000; i++) await other.set('markers', `m${i}`, '1', 50);
    clock.advance(100);
    // Writes sweep the front of the queue: k's first place is due, but k now expires later and must survive.
    for (let i = 0; i < 5_000; i++) await other.set('markers', `n${i}`, '1', 50);
    expect(await s.get('f', 'k')).toBe('long');
    expect(await other.keys('markers')).toHaveLength(5_000);
    expect(whole.size).toBe(5_001);
    clock.advance(10_000);
    expect(await s.get('f', 'k')).toBeNull();
    expect(whole.size).toBe(0);
  });

  it('expiry queue: a key written on every event keeps one place, moved back when it comes up, and goes unread once due', async () => {
    const { clock, whole, s } = store(0);
    for (let i = 0; i < 20_000; i++) {
      // The window's key is written (its TTL pushed back) on every hit: it must never be swept while in use.
      expect(await s.hit('rate', 'u1', 1_000, clock.now())).toBe(Math.min(i + 1, 1_000));
      clock.advance(1);
    }
    expect(whole.queued).toBe(1);
    clock.advance(60_000);
    await s.set('other', 'k', 'v'); // a write sweeps the front of the queue
    expect(whole.queued).toBe(0);
    expect(await s.keys('rate')).toEqual([]);
  });

  it('expiry queue: places left by deleted keys are dropped once they are half of it; a key set again keeps one place', async () => {
    const { clock, whole, s } = store(0);
    for (let i = 0; i < 5_000; i++) await s.set('f', `k${i}`, 'v', 3_600_000);
    expect(whole.queued).toBe(5_000);
    for (let i = 0; i < 4_000; i++) await s.del('f', `k${i}`);
    // The next write sweeps: nothing is due, and the 4,000 stale places go.
    await s.set('f', 'trigger', 'v', 3_600_000);
    expect(whole.queued).toBe(1_001);
    for (let i = 0; i < 3_000; i++) await s.set('f', 'again', String(i), 3_600_000 + i);
    expect(whole.queued).toBe(1_002);
    expect(await s.get('f', 'again')).toBe('2999');
    // A key set again with a later expiry survives its first place, and goes at its last expiry.
    clock.advance(3_600_500);
    for (let i = 0; i < 300; i++) await s.set('g', `n${i}`, 'v');
    expect(await s.get('f', 'again')).toBe('2999');
    clock.advance(3_000);
    for (let i = 0; i < 10; i++) await s.set('g', `m${i}`, 'v');
    expect(whole.queued).toBe(0);
    expect(await s.keys('f')).toEqual([]);
  });

  it('expiry queue: keys written while the front is swept (the ring wraps, then grows) expire as a model says', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            key: fc.integer({ min: 0, max: 300 }),
            ttl: fc.integer({ min: 1, max: 3_000 }),
            step: fc.nat(10),
          }),
          { minLength: 200, maxLength: 600 },
        ),
        async (writes) => {
          const { clock, whole, s } = store(0);
          // The model: each key's last write and when it expires.
          const model = new Map<string, { value: string; expiresAt: number }>();
          for (const [i, w] of writes.entries()) {
            clock.advance(w.step);
            await s.set('f', `k${w.key}`, String(i), w.ttl);
            model.set(`k${w.key}`, { value: String(i), expiresAt: clock.now() + w.ttl });
          }
          const live = [...model].filter(([, v]) => v.expiresAt > clock.now()).map(([k]) => k);
          expect(await s.keys('f')).toEqual(live.sort());
          for (const [k, v] of model) expect(await s.get('f', k)).toBe(v.expiresAt > clock.now() ? v.value : null);
          // Once every key is due, writes sweep the whole queue away.
          clock.advance(3_000);
          for (let i = 0; i < 400; i++) await s.set('g', `n${i}`, 'v');
          expect(whole.queued).toBe(0);
          expect(whole.size).toBe(400);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('expiry queue: a key set again with a shorter TTL goes at its new expiry, without a read', async () => {
    const { clock, whole, s } = store(0);
    await s.set('f', 'k', 'long', 3_600_000);
    await s.set('f', 'k', 'short', 1_000);
    expect(whole.queued).toBe(2); // its first place is stale now
    clock.advance(1_000);
    await s.set('g', 'other', 'v'); // a write sweeps the front: k is due
    expect(whole.size).toBe(1);
    expect(await s.keys('f')).toEqual([]);
  });
});
