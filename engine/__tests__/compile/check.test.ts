import { describe, expect, it } from 'vitest';
import { checkCondition, regexSafety, suggestOperators } from '@rulecord/engine';

const codes = (c: unknown) => checkCondition(c, '/rules/0/if').map((p) => [p.code, p.pointer]);

describe('checkCondition', () => {
  it('accepts a well-formed condition', () => {
    expect(
      checkCondition(
        {
          all: [
            { fact: 'message.capsRatio', operator: 'greaterThan', value: 0.7 },
            {
              any: [
                { fact: 'author.roles', operator: 'hasRole', value: ['r1'] },
                { not: { fact: 'event.channelId', operator: 'in', value: ['c1'] } },
              ],
            },
            { fact: 'a', operator: 'equal', value: { fact: 'b', path: 'c.d' }, priority: 2, name: 'x' },
          ],
        },
        '',
      ),
    ).toEqual([]);
  });

  it('reports an unknown operator with suggestions', () => {
    const [p] = checkCondition({ all: [{ fact: 'x', operator: 'greaterThen', value: 1 }] }, '/rules/0/if');
    expect(p).toMatchObject({ code: 'RC_UNKNOWN_OPERATOR', pointer: '/rules/0/if/all/0/operator', severity: 'error' });
    expect(p!.message).toContain('`greaterThan`');
    expect(suggestOperators('CONTAINS')[0]).toBe('contains');
    expect(suggestOperators('regex')).toEqual([]);
    expect(suggestOperators('startWith')).toContain('startsWith');
  });

  it('reports values of the wrong shape for their operator', () => {
    expect(codes({ fact: 'x', operator: 'in', value: 3 })).toEqual([['RC_BAD_OPERATOR_VALUE', '/rules/0/if/value']]);
    expect(codes({ fact: 'x', operator: 'between', value: [1] })).toEqual([
      ['RC_BAD_OPERATOR_VALUE', '/rules/0/if/value'],
    ]);
    expect(codes({ fact: 'x', operator: 'between', value: [5, 1] })).toEqual([
      ['RC_BAD_OPERATOR_VALUE', '/rules/0/if/value'],
    ]);
    expect(codes({ fact: 'x', operator: 'containsAnyWord', value: ['a', 2] })).toEqual([
      ['RC_BAD_OPERATOR_VALUE', '/rules/0/if/value/1'],
    ]);
    expect(codes({ fact: 'x', operator: 'matches', value: { pattern: 'a', flags: 'g' } })[0]![0]).toBe(
      'RC_BAD_OPERATOR_VALUE',
    );
    // a fact reference is checked at run time, not here
    expect(codes({ fact: 'x', operator: 'in', value: { fact: 'y' } })).toEqual([]);
  });

  it('reports malformed nodes, paths and extra keys', () => {
    expect(codes({ all: {} })).toEqual([['RC_BAD_CONDITION', '/rules/0/if/all']]);
    expect(codes({ not: [] })).toEqual([['RC_BAD_CONDITION', '/rules/0/if/not']]);
    expect(codes({ all: [], any: [] })[0]).toEqual(['RC_BAD_CONDITION', '/rules/0/if']);
    expect(codes({ fact: 'x', operator: 'equal' })).toEqual([['RC_BAD_CONDITION', '/rules/0/if']]);
    expect(codes({ fact: 'x', operator: 'equal', value: 1, path: '$.a[0]' })).toEqual([
      ['RC_BAD_PATH', '/rules/0/if/path'],
    ]);
    expect(codes({ fact: 'x', operator: 'equal', value: 1, path: 'a..b' })).toEqual([
      ['RC_BAD_PATH', '/rules/0/if/path'],
    ]);
    expect(codes({ fact: 'x', operator: 'equal', value: 1, extra: true })).toEqual([
      ['RC_BAD_CONDITION', '/rules/0/if/extra'],
    ]);
    expect(codes('x')).toEqual([['RC_BAD_CONDITION', '/rules/0/if']]);
    expect(codes({ all: [null] })).toEqual([['RC_BAD_CONDITION', '/rules/0/if/all/0']]);
  });

  it('refuses nesting deeper than 32 levels', () => {
    let deep: unknown = { fact: 'a', operator: 'equal', value: 1 };
    for (let i = 0; i < 40; i++) deep = { all: [deep] };
    expect(checkCondition(deep, '').map((p) => p.code)).toEqual(['RC_CONDITION_TOO_DEEP']);
  });

  it('refuses invalid RE2 patterns and catastrophic ones', { timeout: 20_000 }, () => {
    expect(codes({ fact: 'x', operator: 'matches', value: '(a' })).toEqual([['RC_INVALID_REGEX', '/rules/0/if/value']]);
    expect(codes({ fact: 'x', operator: 'matches', value: '(?<=a)b' })).toEqual([
      ['RC_INVALID_REGEX', '/rules/0/if/value'],
    ]);
    expect(codes({ fact: 'x', operator: 'matches', value: '^(a+)+$' })).toEqual([
      ['RC_UNSAFE_REGEX', '/rules/0/if/value'],
    ]);
    expect(checkCondition({ fact: 'x', operator: 'matches', value: '^(a+)+$' }, '')[0]!.severity).toBe('error');
    expect(codes({ fact: 'x', operator: 'not:matches', value: { pattern: '^(\\w+\\s?)*$', flags: 'i' } })).toEqual([
      ['RC_UNSAFE_REGEX', '/rules/0/if/value'],
    ]);
    expect(codes({ fact: 'x', operator: 'matches', value: { pattern: '\\bfree\\s+nitro\\b', flags: 'i' } })).toEqual(
      [],
    );
    expect(regexSafety({ pattern: '^[a-z]+$', flags: '' })).toEqual({ status: 'safe' });
    // quadratic on V8 (almost any unanchored `x+`), linear on RE2: accepted without a word
    expect(codes({ fact: 'x', operator: 'matches', value: { pattern: 's+c+[a4@]+m+', flags: 'i' } })).toEqual([]);
    // cubic: a warning
    const [cubic] = checkCondition({ fact: 'x', operator: 'matches', value: '^a*a*a*b$' }, '');
    expect(cubic).toMatchObject({ code: 'RC_UNSAFE_REGEX', severity: 'warning' });
  });
});

describe('operator tables and decorators', () => {
  it('checks and compiles with a module-supplied operator', async () => {
    const { operatorTable, compileCondition } = await import('@rulecord/engine');
    const operators = operatorTable([
      {
        name: 'isSnowflake',
        description: '`value: true`: the fact value is a Discord id.',
        value: { type: 'boolean' },
        evaluate: (a, b) => (typeof a === 'string' && /^\d{17,20}$/.test(a)) === b,
      },
    ]);
    const leaf = { fact: 'x', operator: 'isSnowflake', value: true };
    expect(checkCondition(leaf, '')).toMatchObject([{ code: 'RC_UNKNOWN_OPERATOR' }]);
    expect(checkCondition(leaf, '', { operators })).toEqual([]);
    expect(checkCondition({ ...leaf, value: 'yes' }, '', { operators })).toMatchObject([
      { code: 'RC_BAD_OPERATOR_VALUE' },
    ]);
    expect(checkCondition({ ...leaf, operator: 'not:isSnowflake' }, '', { operators })).toEqual([]);
    const c = compileCondition({ fact: 'x', operator: 'not:isSnowflake', value: true }, { operators });
    expect(c.evaluate(() => '112233445566778899', null)).toBe(false);
    expect(c.evaluate(() => 'u1', null)).toBe(true);
  });

  it('keeps the value schema through not:/someFact:/everyFact: and suggests the inner name', () => {
    expect(codes({ fact: 'x', operator: 'not:in', value: 3 })).toEqual([
      ['RC_BAD_OPERATOR_VALUE', '/rules/0/if/value'],
    ]);
    expect(codes({ fact: 'x', operator: 'someFact:between', value: [1, 2] })).toEqual([]);
    expect(codes({ fact: 'x', operator: 'someValue:startsWith', value: ['a', 'b'] })).toEqual([]);
    expect(codes({ fact: 'x', operator: 'nope:equal', value: 1 })).toEqual([
      ['RC_UNKNOWN_OPERATOR', '/rules/0/if/operator'],
    ]);
  });
});
