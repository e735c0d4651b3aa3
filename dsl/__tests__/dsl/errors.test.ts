import { describe, expect, it } from 'vitest';
import { parseDsl } from '@rulecord/dsl';

const good = `guild "1"

rule no-shouting
  on message.create
  if message.capsRatio > 0.7
  then
    message.delete
`;

function errorsOf(text: string) {
  return parseDsl(text, { file: 't.rules' }).problems.map((p) => ({
    code: p.code,
    line: p.line,
    column: p.column,
    message: p.message,
    fix: p.fix,
  }));
}

describe('DSL errors', () => {
  it('a valid text has no problems', () => {
    expect(errorsOf(good)).toEqual([]);
  });

  it('a misspelt clause word gives one error with a "did you mean"', () => {
    const errors = errorsOf(good.replace('  then', '  thne'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'RC_DSL_SYNTAX', line: 6, column: 3 });
    expect(errors[0]?.fix).toContain('`then`');
  });

  it('one typo per rule gives one error per rule, not a cascade', () => {
    const text = `${good}\nrule b\n  on x.y\n  iff a.b > 1\n  then\n    c.d\n\nrule c\n  on x.y\n  then\n    c.d\n  mdoe shadow\n`;
    const errors = errorsOf(text);
    expect(errors.map((e) => e.line)).toEqual([11, 19]);
    expect(errors[0]?.fix).toContain('`if`');
  });

  it('`=` in a condition says to write `==`', () => {
    const errors = errorsOf(good.replace('> 0.7', '= 0.7'));
    expect(errors).toEqual([expect.objectContaining({ code: 'RC_DSL_BAD_CLAUSE', line: 5, column: 24 })]);
    expect(errors[0]?.fix).toContain('==');
  });

  it('an unclosed string is reported where it starts', () => {
    const errors = errorsOf('guild "1\nrule a\n  on x.y\n  then\n    c.d\n');
    expect(errors[0]).toMatchObject({ code: 'RC_DSL_BAD_CHARACTER', line: 1, column: 7 });
    expect(errors).toHaveLength(1);
  });

  it('an unclosed bracket is reported at the end', () => {
    const errors = errorsOf('guild "1"\nmodule moderation { logChannel: "2"\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.code).toBe('RC_DSL_SYNTAX');
    expect(errors[0]?.message).toContain('end of the text');
  });

  it('a clause given twice is reported on the second one', () => {
    const errors = errorsOf(`${good}  mode shadow\n  mode enforce\n`);
    expect(errors).toEqual([expect.objectContaining({ code: 'RC_DSL_DUPLICATE_CLAUSE', line: 9, column: 3 })]);
  });

  it('text with spaces left unquoted gives one error on the stray word', () => {
    const errors = errorsOf(good.replace('message.delete', 'member.warn reason: Too loud'));
    expect(errors).toEqual([expect.objectContaining({ code: 'RC_DSL_SYNTAX', line: 7, column: 29 })]);
    expect(errors[0]?.fix).toContain('double quotes');
  });

  it('an unclosed brace is reported once, naming where it was opened', () => {
    const text = `${good.replace('message.delete', 'member.warn { reason: "x"')}\nrule b\n  on x.y\n  then\n    c.d\n`;
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('the `{` opened at 7:17 is not closed');
  });

  it('a missing value says so', () => {
    const errors = errorsOf(good.replace('> 0.7', '>'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ line: 6, column: 3 });
    expect(errors[0]?.fix).toContain('A value is missing before `then`');
  });

  it('absurd nesting is one error, not a crash', () => {
    const errors = errorsOf(
      good.replace('message.capsRatio > 0.7', `${'('.repeat(5000)}message.capsRatio > 0.7${')'.repeat(5000)}`),
    );
    expect(errors).toEqual([expect.objectContaining({ code: 'RC_DSL_SYNTAX', line: 5 })]);
  });

  it('remembers where each pointer was written', () => {
    const r = parseDsl(good);
    expect(r.positions.get('/rules/0/if/value')).toMatchObject({ line: 5, column: 26 });
    expect(r.keyPositions.get('/rules/0/then/0/message.delete')).toMatchObject({ line: 7, column: 5 });
  });

  it('a syntax error in each of two rules gives one error in each', () => {
    const errors = errorsOf('rule a\n  on x\n  thn\n    c.d\nrule b\n  on x\n  iff a > 1\n');
    expect(errors.map((e) => [e.line, e.column, e.fix?.slice(0, 18)])).toEqual([
      [3, 3, 'Did you mean `then'],
      [7, 3, 'Did you mean `if`?'],
    ]);
  });

  it('a character the DSL does not use is named, and single quotes get their own hint', () => {
    expect(errorsOf("guild 'x'\n")).toEqual([
      {
        code: 'RC_DSL_BAD_CHARACTER',
        line: 1,
        column: 7,
        message: 'strings are written between double quotes',
        fix: 'Replace the single quotes with double quotes: "like this".',
      },
    ]);
    expect(errorsOf('guild "1" @\n')).toEqual([
      expect.objectContaining({
        code: 'RC_DSL_BAD_CHARACTER',
        line: 1,
        column: 11,
        message: 'unexpected character "@"',
      }),
    ]);
    expect(errorsOf('guild "1"\n\trule a\n')).toEqual([]);
  });

  it('each kind of syntax error comes with its own hint', () => {
    const hints: [string, string, string][] = [
      ['rule a\n  on = x\n', '2:6', 'To compare, write `==`; to set a value in an object, write `key: value`.'],
      ['rule a\n  on: x\n', '2:5', 'A `key: value` entry belongs inside `{ … }`, or right after an action name.'],
      ['rule a\n  if a(x: 1) 1\n', '2:14', 'A condition is `fact operator value`, e.g. `message.length > 10`.'],
      ['rule a\n  if a at b 10\n', '2:13', 'A condition is `fact operator value`, e.g. `message.length > 10`.'],
      ['rule a\n  tags ,\n', '2:8', 'See docs/dsl.md for the form of each clause.'],
      [
        'rule a\n  if a == 1 or\n',
        '2:15',
        'The text ends too early: finish the clause (a closing bracket or a value is probably missing).',
      ],
      ['rule a\n  then\n    message.send { content: "x" ]\n', '3:33', 'Close it with `}` where its content ends.'],
    ];
    for (const [text, at, fix] of hints) {
      const errors = errorsOf(text);
      expect(
        errors.map((e) => `${e.line}:${e.column}`),
        text,
      ).toEqual([at]);
      expect(errors[0]?.fix, text).toBe(fix);
    }
  });

  it('a condition without its operator is one error at its fact, saying what stands in its place', () => {
    const fix = 'A condition is `fact operator value`, e.g. `message.length > 10`.';
    expect(errorsOf('rule a\n  if message.length 10\n')).toEqual([
      {
        code: 'RC_DSL_SYNTAX',
        line: 2,
        column: 6,
        message:
          'the condition on `message.length` has no operator: found `10` where `==`, `>`, `in`, `contains`… should be',
        fix,
      },
    ]);
    const later = errorsOf('rule a\n  if a == 1 and b 2\n  then\n    c.d\n');
    expect(later.map((e) => [e.line, e.column, e.fix])).toEqual([[2, 17, fix]]);
    expect(errorsOf('rule a\n  if a.b\n')[0]?.message).toContain('found the end of the text where');
  });

  it('an error inside brackets that are closed further on is not blamed on the brackets', () => {
    const errors = errorsOf('rule a\n  if (a == 1 and b 2)\n  then\n    c.d\n');
    expect(errors.map((e) => [e.line, e.column])).toEqual([[2, 18]]);
    expect(errors[0]?.message).not.toContain('is not closed');
    expect(errors[0]?.fix).toBe('A condition is `fact operator value`, e.g. `message.length > 10`.');
  });

  it('says what was expected, in the words an admin types', () => {
    expect(errorsOf('rule a\n  if a(x: 1) 1\n')[0]?.message).toBe(
      'unexpected `1`; expected a comparison (`==`, `>`, …), `=`, `in`, `contains`, `not`, a name or a "string"',
    );
    expect(errorsOf('rule a\n  on x\n  set = 1\n')[0]?.message).toBe(
      'unexpected `=`; expected a name, a "string", a key, a number or a duration',
    );
  });

  it('`on error` after a step is a step option; `on` alone is the trigger', () => {
    const r = parseDsl('guild "1"\nrule a\n  then\n    c.d\n      on error continue\n  on x.y\n');
    expect(r.problems).toEqual([]);
    expect(r.document.rules).toEqual([{ id: 'a', then: [{ 'c.d': {}, onError: 'continue' }], on: 'x.y' }]);
  });
});

describe('one typo, one error (property)', () => {
  it('misspelling any clause word of a printed rule set gives exactly one error, on that line', async () => {
    const fc = (await import('fast-check')).default;
    const { printDsl } = await import('@rulecord/dsl');
    const { ruleDocument } = await import('../arbitraries.js');
    const clause =
      /^ {2}(description|on|where|if|then|mode|cooldown|rate|limits|concurrency|tags|enabled|disabled|inputs)(?=\s|$)/;
    fc.assert(
      fc.property(ruleDocument, fc.nat(), fc.nat(), fc.boolean(), (doc, pick, at, swap) => {
        const lines = printDsl(doc).split('\n');
        const candidates = lines
          .map((l, i) => (clause.test(l) && !l.startsWith('  on error') ? i : -1))
          .filter((i) => i >= 0);
        if (candidates.length === 0) return;
        const index = candidates[pick % candidates.length] as number;
        const line = lines[index] as string;
        const word = (clause.exec(line) as RegExpExecArray)[1] as string;
        const i = at % Math.max(1, word.length - 1);
        const typo =
          swap && word.length > 1
            ? word.slice(0, i) + (word[i + 1] ?? '') + (word[i] ?? '') + word.slice(i + 2)
            : word.slice(0, i) + word.slice(i + 1);
        if (typo === word || typo === '' || /^(on|or|of|in|if|as|at|and|not)$/.test(typo)) return;
        lines[index] = `  ${typo}${line.slice(2 + word.length)}`;
        const problems = parseDsl(lines.join('\n'), { file: 't.rules' }).problems;
        expect(problems, lines[index]).toHaveLength(1);
        expect(problems[0]?.line).toBe(index + 1);
      }),
      { numRuns: 300 },
    );
  });
});
