import fc from 'fast-check';
import { expect, test } from 'vitest';
import { didYouMean, editDistance, suggest } from '@rulecord/engine';

test('editDistance', () => {
  expect(editDistance('kitten', 'sitting')).toBe(3);
  expect(editDistance('', 'abc')).toBe(3);
  expect(editDistance('same', 'same')).toBe(0);
  fc.assert(
    fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
      expect(editDistance(a, b)).toBe(editDistance(b, a));
      expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      expect(editDistance(a, b)).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
    }),
  );
});

test('suggest: closest first, the name without its area counts, nothing for far or huge names', () => {
  const known = ['message.delete', 'message.send', 'member.warn', 'member.timeout'];
  expect(suggest('mesage.delete', known)).toEqual(['message.delete']);
  expect(suggest('delete', known)).toEqual(['message.delete']);
  expect(suggest('MEMBER.WARN', known)).toEqual(['member.warn']);
  expect(suggest('zzzzzz', known)).toEqual([]);
  expect(suggest('x'.repeat(100_000), known)).toEqual([]);
  expect(didYouMean('member.wran', known)).toBe(' Did you mean `member.warn`?');
  expect(didYouMean('nothing-like-it', known)).toBe('');
});
