import { describe, expect, it } from 'vitest';
import { parseDsl } from '@rulecord/dsl';

/** The rules (or the whole document) a DSL text reads as, and its problems as `line:col CODE message`. */
const read = (text: string) => {
  const { document, problems } = parseDsl(text);
  return {
    document,
    rules: document.rules,
    problems: problems.map((p) => `${p.line}:${p.column} ${p.code} ${p.message}`),
  };
};

describe('top-level items', () => {
  it('a module name is a name or a string', () => {
    expect(read('module 5 { }\n').problems).toEqual(['1:8 RC_DSL_BAD_CLAUSE a module name must be a name or a string']);
  });

  it('a module or the guild given twice is reported on the second; the last one counts', () => {
    const modules = read('module spam { window: 10s }\nmodule spam { }\n');
    expect(modules.document.modules).toEqual({ spam: {} });
    expect(modules.problems).toEqual(['2:1 RC_DSL_DUPLICATE_CLAUSE `module spam` is given twice in the rule set']);
    const guild = read('guild "1"\nguild "2"\n');
    expect(guild.document.guild).toBe('2');
    expect(guild.problems).toEqual(['2:1 RC_DSL_DUPLICATE_CLAUSE `guild` is given twice in the rule set']);
  });

  it('keeps the sign of a negative zero', () => {
    const r = read('set offset = -0\nset other = 0\n');
    expect(Object.is(r.document.offset, -0)).toBe(true);
    expect(Object.is(r.document.other, 0)).toBe(true);
  });

  it('`set` writes a top-level field; `set rules` adds rules before those written after it', () => {
    const r = read('set priority = 5\nset rules = [{ id: x }]\nrule a\n  on member.join\n');
    expect(r.problems).toEqual([]);
    expect(r.document.priority).toBe(5);
    expect(r.rules).toEqual([{ id: 'x' }, { id: 'a', on: 'member.join' }]);
  });
});

describe('template uses', () => {
  it('keep their clauses in the order written, and report a second `inputs`', () => {
    const r = read(
      'use anti-spam@1 as s\n  inputs { a: 1 }\n  set priority = 3\n  mode shadow\n  enabled\n  inputs { a: 2 }\n',
    );
    expect(r.rules).toEqual([
      { id: 's', use: { template: 'anti-spam@1', inputs: { a: 2 } }, priority: 3, mode: 'shadow', enabled: true },
    ]);
    expect(Object.keys((r.rules as object[])[0] ?? {})).toEqual(['id', 'use', 'priority', 'mode', 'enabled']);
    expect(r.problems).toEqual(['6:3 RC_DSL_DUPLICATE_CLAUSE `inputs` is given twice in a template use']);
  });

  it('take `disabled` and `enabled` as one switch', () => {
    const r = read('use anti-spam@1 as s\n  disabled\n  enabled false\n');
    expect(r.problems).toEqual(['3:3 RC_DSL_DUPLICATE_CLAUSE `enabled / disabled` is given twice in this rule']);
  });
});

describe('rule clauses', () => {
  it('`limits { … }` and `cooldown`/`rate` lines do not mix', () => {
    const r = read('rule a\n  cooldown 30s per user\n  limits { rate: { per: user, max: 1, window: 1m } }\n');
    expect(r.problems).toEqual([
      '3:3 RC_DSL_BAD_CLAUSE `limits { … }` cannot be combined with `cooldown` or `rate` lines',
    ]);
  });

  it('a clause written twice is reported on the second, for every kind of clause', () => {
    const twice: [string, string][] = [
      ['  rate 5 per 1m per guild\n  rate 5 per 1m per user\n', '`rate` is given twice in this rule'],
      ['  if (a == 1)\n  if { fact: b, operator: equal, value: 1 }\n', '`if` is given twice in this rule'],
      ['  set x = 1\n  set x = 2\n', '`x` is given twice in this rule'],
      ['  where { bots: false }\n  where { bots: true }\n', '`where` is given twice in this rule'],
      ['  where user "x"\n  where user "y"\n', '`where user` is given twice in this rule'],
      ['  where channel in ["1"]\n  where channel in ["2"]\n', '`where channel in` is given twice in this rule'],
      [
        '  where channel not in ["1"]\n  where channel not in ["2"]\n',
        '`where channel not in` is given twice in this rule',
      ],
    ];
    for (const [clauses, message] of twice)
      expect(read(`rule a\n${clauses}`).problems, clauses).toEqual([`3:3 RC_DSL_DUPLICATE_CLAUSE ${message}`]);
  });

  it('`where` lines on one field build one filter; a plain value cannot also take `in`', () => {
    expect(read('rule a\n  where roles none of ["1"]\n  where roles any of ["2"]\n').rules).toEqual([
      { id: 'a', where: { roles: { none: ['1'], any: ['2'] } } },
    ]);
    const r = read('rule a\n  where bots false\n  where bots in [true]\n');
    expect(r.rules).toEqual([{ id: 'a', where: { bots: false } }]);
    expect(r.problems).toEqual(['3:3 RC_DSL_BAD_CLAUSE `where bots` is given twice']);
  });

  it('reads `enabled false`, a bare concurrency mode, a single tag and `set` fields', () => {
    const r = read('rule a\n  enabled false\n  concurrency drop\n  tags automod\n  set x-note = "kept"\n');
    expect(r.problems).toEqual([]);
    expect(r.rules).toEqual([{ id: 'a', enabled: false, concurrency: 'drop', tags: ['automod'], 'x-note': 'kept' }]);
  });
});

describe('conditions', () => {
  it('only `all of` and `any of` are groups', () => {
    const r = read('rule a\n  if none of (a == 1)\n');
    expect(r.problems).toEqual(['2:6 RC_DSL_BAD_CLAUSE `none of (…)` is not a condition group']);
  });

  it('operators may be words, quoted names or negated symbols; facts may be quoted', () => {
    const r = read('rule a\n  if a "equal" 1 and b matches "x" and c not contains 2 and "d.e" in [1]\n');
    expect(r.problems).toEqual([]);
    expect(r.rules).toEqual([
      {
        id: 'a',
        if: {
          all: [
            { fact: 'a', operator: 'equal', value: 1 },
            { fact: 'b', operator: 'matches', value: 'x' },
            { fact: 'c', operator: 'doesNotContain', value: 2 },
            { fact: 'd.e', operator: 'in', value: [1] },
          ],
        },
      },
    ]);
  });
});

describe('steps', () => {
  it('take parameters inline, `with` a value, or none; an action name may be quoted', () => {
    const r = read('rule a\n  then\n    member.dm with { content: hi }\n    "message.delete"\n');
    expect(r.problems).toEqual([]);
    expect(r.rules).toEqual([{ id: 'a', then: [{ 'member.dm': { content: 'hi' } }, { 'message.delete': {} }] }]);
  });

  it('a parameter given twice is reported where it is repeated', () => {
    expect(read('rule a\n  then\n    role.add role: "1", role: "2"\n').problems).toEqual([
      '3:25 RC_DSL_DUPLICATE_CLAUSE the key `role` is given twice in the same object',
    ]);
  });

  it('`retry N` needs `times`; `retry { … }` is the YAML form', () => {
    for (const option of ['retry 3', 'retry x backoff 1s'])
      expect(read(`rule a\n  then\n    role.add role: "1"\n      ${option}\n`).problems, option).toEqual([
        '4:7 RC_DSL_BAD_CLAUSE `retry` needs `times` after the number of attempts',
      ]);
    const r = read('rule a\n  then\n    role.add role: "1"\n      retry { attempts: 3 }\n      on error stop\n');
    expect(r.problems).toEqual([]);
    expect(r.rules).toEqual([
      { id: 'a', then: [{ 'role.add': { role: '1' }, retry: { attempts: 3 }, onError: 'stop' }] },
    ]);
  });

  it('a step option given twice is reported on the second', () => {
    expect(read('rule a\n  then\n    role.add role: "1"\n      as x\n      as y\n').problems).toEqual([
      '5:7 RC_DSL_DUPLICATE_CLAUSE `as` is given twice in this step',
    ]);
    expect(read('rule a\n  then\n    message.delete\n      on error continue\n      on error stop\n').problems).toEqual(
      ['5:7 RC_DSL_DUPLICATE_CLAUSE `on error` is given twice in this step'],
    );
  });

  it('a misspelt clause word on its own line under `then` is a clause, not an action', () => {
    expect(read('rule a\n  then\n    message.delete\n    mdoe\n').problems).toEqual([
      '4:5 RC_DSL_SYNTAX unexpected `mdoe`; expected an action (`area.name`) or a clause (`on`, `where`, `if`, `mode`…)',
    ]);
  });
});
