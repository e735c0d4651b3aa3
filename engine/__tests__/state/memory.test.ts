import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryStateStore, VirtualClock, stateKey } from '@rulecord/engine';
import { stateStoreContract } from '@rulecord/engine/testing';

// On a virtual clock: TTLs expire when the clock moves, deterministically.
stateStoreContract('InMemoryStateStore (virtual clock)', async () => {
  const clock = new VirtualClock(1_000_000);
  const store = new InMemoryStateStore({ clock });
  return { store, cleanup: () => store.close(), advance: async (ms) => clock.advance(ms) };
});

// On the system clock: TTLs expire in real time, like Redis.
stateStoreContract('InMemoryStateStore (system clock)', async () => {
  const store = new InMemoryStateStore();
  return { store, cleanup: () => store.close() };
});

describe('stateKey', () => {
  it('builds bot:{guildId}:{feature}:{key}', () => {
    expect(stateKey('bot', '1122', 'cooldown', 'rule-a:u9')).toBe('bot:1122:cooldown:rule-a:u9');
  });
  it('rejects a colon in the guild id or feature, and empty parts', () => {
    expect(() => stateKey('bot', 'a:b', 'f', 'k')).toThrow(expect.objectContaining({ code: 'RC_STATE_BAD_KEY' }));
    expect(() => stateKey('bot', 'g', 'f:x', 'k')).toThrow(expect.objectContaining({ code: 'RC_STATE_BAD_KEY' }));
    expect(() => stateKey('', 'g', 'f', 'k')).toThrow(expect.objectContaining({ code: 'RC_STATE_BAD_KEY' }));
    expect(() => stateKey('bot', 'g', 'f', '')).toThrow(expect.objectContaining({ code: 'RC_STATE_BAD_KEY' }));
    expect(() => stateKey('bot', 'g\n', 'f', 'k')).toThrow(expect.objectContaining({ code: 'RC_STATE_BAD_KEY' }));
  });
  it('refuses a key part exactly when it holds a control character (U+0000–U+001F, U+007F)', () => {
    const char = fc.oneof(
      fc.integer({ min: 0, max: 0x9f }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('é', '😀', '\u2028', ':'),
    );
    fc.assert(
      fc.property(fc.array(char, { minLength: 1, maxLength: 40 }), (chars) => {
        const part = chars.join('');
        // eslint-disable-next-line no-control-regex
        const control = /[\u0000-\u001f\u007f]/.test(part);
        let refused = false;
        try {
          stateKey('bot', 'g', 'f', part);
        } catch {
          refused = true;
        }
        expect(refused).toBe(control);
      }),
      { numRuns: 2_000 },
    );
  });
  it('never builds the same key for two different (guild, feature, key) triples', () => {
    const seen = new Map<string, string>();
    for (const g of ['a', 'ab', 'b'])
      for (const f of ['x', 'xy'])
        for (const k of ['1', 'y:1', ':1', '1:']) {
          const key = stateKey('bot', g, f, k);
          expect(seen.get(key)).toBeUndefined();
          seen.set(key, `${g}/${f}/${k}`);
        }
  });
  it('expired keys are dropped from the store', async () => {
    const clock = new VirtualClock(0);
    const store = new InMemoryStateStore({ clock });
    const g = store.forGuild('g');
    await g.set('f', 'a', '1', 10);
    await g.hit('w', 'b', 10, 0);
    expect(store.size).toBe(2);
    clock.advance(10);
    expect(store.size).toBe(1); // the window key outlives its window a little (see windowKeyTtl)
    clock.advance(1010);
    expect(store.size).toBe(0);
  });
});
