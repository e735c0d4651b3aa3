import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkCondition, compileRegex, getPath, pathProblem, splitPath } from '@rulecord/engine';
import { utf8 } from '../../src/compile/regex.js';

const problems = (c: unknown) => checkCondition(c, '/rules/0/if').map((p) => [p.code, p.message]);

describe('dotted fact paths at their edges', () => {
  it('names what is wrong with a path', () => {
    expect(pathProblem('')).toBe('the path is empty');
    expect(pathProblem('a..b')).toMatch(/a path segment is empty/);
    expect(pathProblem('roles[0]')).toBe(
      'segment `roles[0]` looks like JSONPath: use plain dotted segments such as `a.0.b`',
    );
    expect(pathProblem('a.*')).toMatch(/looks like JSONPath/);
    expect(pathProblem('author.constructor')).toBe('segment `constructor` is not readable');
    expect(pathProblem('$.a')).toMatch(/JSONPath is not supported/);
    expect(pathProblem('author.roles.0')).toBeNull();
  });

  it('an empty path has no segments and reads the value itself', () => {
    expect(splitPath('')).toEqual([]);
    expect(getPath({ a: 1 }, '')).toEqual({ a: 1 });
    expect(getPath({ a: [5, 6] }, 'a.1')).toBe(6);
    expect(getPath({ a: [5, 6] }, 'a.length')).toBe(2);
  });
});

describe('matches: regex flags at their edges', () => {
  it('refuses a flag that is not allowed or repeated, with the reason, every time it is asked', () => {
    expect(() => compileRegex({ pattern: 'a', flags: 'g' })).toThrow(/flag `g` is not allowed \(use /);
    expect(() => compileRegex({ pattern: 'a', flags: 'g' })).toThrow(/flag `g` is not allowed/);
    expect(() => compileRegex({ pattern: 'a', flags: 'ii' })).toThrow('a flag is repeated');
  });

  it('an invalid pattern is an RC_INVALID_REGEX problem at load', () => {
    expect(problems({ fact: 'message.content', operator: 'matches', value: 'a(' })).toEqual([
      ['RC_INVALID_REGEX', 'The regular expression /a(/ is not valid RE2: missing ): a('],
    ]);
  });

  it('a case-insensitive pattern compiles once and matches ignoring case', () => {
    const re = compileRegex({ pattern: '^hello$', flags: 'i' });
    expect(re.test('HELLO')).toBe(true);
    expect(compileRegex({ pattern: '^hello$', flags: 'i' })).toBe(re);
  });
});

describe('the UTF-8 handed to RE2', () => {
  // Any UTF-16 text, lone surrogates included (they become U+FFFD, as Buffer.from makes them), short (the reused
  // buffer) and long (past it), one after another: each answer holds the bytes of its own text.
  const unit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
  const text = fc.oneof(
    fc.string({ unit, maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit, minLength: 1_300, maxLength: 1_500 }),
  );
  it('is the text as Buffer.from writes it, for any text and after any other', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 6 }), (texts) => {
        for (const t of texts) expect(Buffer.from(utf8(t)).equals(Buffer.from(t, 'utf8'))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('lets RE2 answer as it does on the string itself', () => {
    const re = compileRegex({ pattern: '^(?:\\p{L}|\\s)+$', flags: '' });
    for (const t of ['héllo wörld', 'abc', 'abc1', 'é'.repeat(1_365), `${'é'.repeat(1_364)}1`, 'x'.repeat(3_000)])
      expect(re.test(utf8(t)), t.slice(0, 12)).toBe(re.test(t));
  });
});
