// Secrets at rest (the Discord access token of a session) are sealed with AES-256-GCM: only the server secret opens
// them, and anything altered or malformed opens to nothing rather than throwing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seal, unseal } from '../../src/auth/crypto.js';

const SECRET = 's'.repeat(40);

describe('seal / unseal', () => {
  it('round-trips any text, and a new seal differs every time', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const a = seal(SECRET, text);
        expect(unseal(SECRET, a)).toBe(text);
        expect(seal(SECRET, text)).not.toBe(a);
      }),
      { numRuns: 50 },
    );
  });

  it('opens to null under another secret, when altered, or when malformed', () => {
    const sealed = seal(SECRET, 'discord-access-token');
    expect(unseal('another-secret-of-enough-length-000000', sealed)).toBeNull();
    const [iv, tag, body] = sealed.split('.') as [string, string, string];
    const flipped = body.charAt(0) === 'A' ? `B${body.slice(1)}` : `A${body.slice(1)}`;
    expect(unseal(SECRET, [iv, tag, flipped].join('.'))).toBeNull();
    for (const bad of ['', 'just-one-part', `${iv}.${tag}`, `${iv}..${body}`]) expect(unseal(SECRET, bad)).toBeNull();
  });
});
