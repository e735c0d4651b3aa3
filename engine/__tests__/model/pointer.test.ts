import fc from 'fast-check';
import { expect, test } from 'vitest';
import { getAtPointer, joinPointer, parsePointer } from '@rulecord/engine';

test('joinPointer escapes ~ and /', () => {
  expect(joinPointer('/rules/0', 'then', 1, 'a/b~c')).toBe('/rules/0/then/1/a~1b~0c');
  expect(parsePointer('/rules/0/then/1/a~1b~0c')).toEqual(['rules', '0', 'then', '1', 'a/b~c']);
  expect(parsePointer('')).toEqual([]);
  expect(() => parsePointer('rules')).toThrow();
});

test('parsePointer(joinPointer("", ...tokens)) returns the tokens', () => {
  fc.assert(
    fc.property(fc.array(fc.string()), (tokens) => {
      expect(parsePointer(joinPointer('', ...tokens))).toEqual(tokens);
    }),
  );
});

test('getAtPointer follows objects and lists, and only own keys', () => {
  const doc = { rules: [{ then: [{ 'a/b': 1 }] }] };
  expect(getAtPointer(doc, '/rules/0/then/0/a~1b')).toBe(1);
  expect(getAtPointer(doc, '')).toBe(doc);
  expect(getAtPointer(doc, '/rules/5')).toBeUndefined();
  expect(getAtPointer(doc, '/rules/x')).toBeUndefined();
  expect(getAtPointer(doc, '/toString')).toBeUndefined();
  expect(getAtPointer(doc, '/rules/0/then/0/a~1b/c')).toBeUndefined();
});
