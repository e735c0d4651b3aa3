import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogRegistry } from '@rulecord/catalog';
import type { Trace } from '@rulecord/engine';
import { actionsMatch, formatRuleTestReport, runRuleTestFile } from '@rulecord/dsl';

const registry = createCatalogRegistry();
const RULES = `apiVersion: rulecord/v1
kind: RuleSet
guild: "1"
rules:
  - id: greet
    on: member.join
    limits: { cooldown: { per: user, window: 1h } }
    then:
      - role.add: { role: "2" }
  - id: links
    on: message.create
    where: { channel: { in: ["10"] } }
    if: { all: [{ fact: message.hasUrl, operator: equal, value: true }] }
    then:
      - message.delete: {}
`;
let dir: string;
const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return name;
};
const run = (name: string, filter?: string) =>
  runRuleTestFile(name, { cwd: dir, registry, tier: 'free', ...(filter === undefined ? {} : { filter }) });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rulecord-dsl-rule-tests-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'rules.yaml'), RULES);
  writeFileSync(join(dir, 'broken.yaml'), RULES.replace('on: member.join', 'on: member.joins'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a malformed test file', () => {
  it('is one problem at the place that is wrong, and no case runs', async () => {
    const cases: [string, string, string, number][] = [
      ['- a\n', '', 'a test file is a mapping', 1],
      ['cases: []\n', '/ruleset', '`ruleset` must name the rule-set file', 1],
      ['ruleset: ./rules.yaml\ncases: {}\n', '/cases', '`cases` must be a list', 2],
      ['ruleset: ./rules.yaml\ntier: gold\ncases: []\n', '/tier', '`tier` must be `free` or `premium`', 2],
      ['ruleset: ./rules.yaml\nworld: [1]\ncases: []\n', '/world', '`world` must be a mapping', 2],
      ['ruleset: ./nowhere.yaml\ncases: []\n', '/ruleset', 'cannot read the rule set ./nowhere.yaml', 1],
    ];
    for (const [text, pointer, message, line] of cases) {
      const result = await run(write('bad.test.yaml', text));
      expect(result.cases, text).toEqual([]);
      expect(result.problems, text).toEqual([
        expect.objectContaining({ code: 'RC_TEST_FILE', pointer, line, file: 'bad.test.yaml' }),
      ]);
      expect(result.problems[0]?.message, text).toContain(message);
    }
  });

  it('that cannot be read or parsed is a file or syntax problem', async () => {
    expect((await run('missing.test.yaml')).problems).toEqual([
      expect.objectContaining({ code: 'RC_FILE_READ', message: 'cannot read missing.test.yaml' }),
    ]);
    expect((await run(write('syntax.test.yaml', 'cases: [\n'))).problems.map((p) => p.code)).toEqual([
      'RC_YAML_SYNTAX',
    ]);
  });

  it('says where the rule set it points at is looked for, relative to the test file', async () => {
    const result = await run(write('sub/x.test.yaml', 'ruleset: ./rules.yaml\ncases: []\n'));
    expect(result.problems[0]?.message).toBe(
      `cannot read the rule set ./rules.yaml (looked at ${join('sub', 'rules.yaml')})`,
    );
  });

  it('whose rule set has errors reports those errors, placed in the rule set', async () => {
    const result = await run(write('broken.test.yaml', 'ruleset: ./broken.yaml\ncases: []\n'));
    expect(result.ruleset).toBe('./broken.yaml');
    expect(result.cases).toEqual([]);
    expect(result.problems).toEqual([
      expect.objectContaining({ code: 'RC_UNKNOWN_EVENT', file: 'broken.yaml', line: 6 }),
    ]);
  });
});

describe('a malformed case', () => {
  it('fails alone, with a problem at the case, while the others run', async () => {
    const file = write(
      'cases.test.yaml',
      `ruleset: ./rules.yaml
world: { members: [{ id: u1 }] }
cases:
  - just a string
  - name: no steps
    expect: { actions: [] }
  - name: no expect
    steps: []
  - name: bad expected action
    steps: []
    expect: { actions: [role.add, { params: {} }] }
  - name: unknown event
    steps: [{ advance: 1m }, { event: member.joins }]
    expect: { actions: [] }
  - steps: [{ event: member.join, with: { user: u1 } }]
    expect: { actions: [role.add] }
`,
    );
    const result = await run(file);
    expect(result.problems).toEqual([]);
    expect(result.cases.map((c) => [c.name, c.passed, c.problem?.pointer, c.problem?.line, c.line, c.column])).toEqual([
      ['case 1', false, '/cases/0', 4, 4, 5],
      ['no steps', false, '/cases/1/steps', 5, 5, 11],
      ['no expect', false, '/cases/2/expect', 7, 7, 11],
      ['bad expected action', false, '/cases/3/expect/actions/1', 11, 9, 11],
      ['unknown event', false, '/cases/4/steps/1', 13, 12, 11],
      ['case 6', true, undefined, undefined, 15, 5],
    ]);
    expect(result.cases[4]?.problem).toMatchObject({
      code: 'RC_SIM_STEP',
      message: expect.stringContaining('member.joins'),
    });
  });
});

describe('running cases', () => {
  const file = `ruleset: ./rules.yaml
tier: premium
world: { members: [{ id: u1 }], channels: [{ id: "10" }, { id: "11" }] }
cases:
  - name: a link in the watched channel is deleted
    steps: [{ event: message.create, with: { author: u1, channel: "10", content: "https://x.test" } }]
    expect: { actions: [{ action: message.delete, rule: links, mode: enforce }] }
  - name: plain text is not deleted
    steps: [{ event: message.create, with: { author: u1, channel: "10", content: hi } }]
    expect: { actions: [message.delete] }
  - name: the cooldown holds a second join
    world: { members: [{ id: u2 }] }
    steps: [{ event: member.join, with: { user: u2 } }, { event: member.join, with: { user: u2 } }]
    expect: { actions: [{ action: role.add, params: { role: "3" } }] }
  - name: other channels are not watched
    steps: [{ event: message.create, with: { author: u1, channel: "11", content: "https://x.test" } }]
    expect: { actions: [] }
`;

  it('keeps only the cases whose name contains the filter, ignoring case', async () => {
    const result = await run(write('run.test.yaml', file), 'COOLDOWN');
    expect(result.cases.map((c) => c.name)).toEqual(['the cooldown holds a second join']);
  });

  it('a case world replaces the file world per key; filtered runs leave no trace', async () => {
    const result = await run(write('run.test.yaml', file));
    expect(result.cases.map((c) => [c.name, c.passed])).toEqual([
      ['a link in the watched channel is deleted', true],
      ['plain text is not deleted', false],
      ['the cooldown holds a second join', false],
      ['other channels are not watched', true],
    ]);
    const cooldown = result.cases[2];
    expect(cooldown?.actual.map((a) => [a.action, a.params])).toEqual([['role.add', { role: '2' }]]);
    expect(cooldown?.traces.map((t) => t.outcome)).toEqual(['fired', 'limited']);
    expect(result.cases[3]?.traces).toEqual([]);
  });

  it('the report shows each case, and for a failure what was expected, what happened and why', async () => {
    const results = [
      await run(write('run.test.yaml', file)),
      await run(write('bad.test.yaml', 'ruleset: ./rules.yaml\ncases: {}\n')),
      await run(write('one.test.yaml', 'ruleset: ./rules.yaml\ncases: [{ name: broken, steps: 1 }]\n')),
    ];
    const report = formatRuleTestReport(results);
    expect(report.passed).toBe(2);
    expect(report.failed).toBe(4);
    const text = report.text;
    expect(text).toContain('run.test.yaml  (rule set: ./rules.yaml)\n  ✓ a link in the watched channel is deleted\n');
    expect(text).toContain(
      [
        '  ✗ plain text is not deleted',
        '      expected actions: message.delete',
        '      actual actions:   (none)',
        '      traces of the rules that ran:',
        '        rule links on message.create: condition-false',
        '          ✗ message.hasUrl equal true (was false)',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        '  ✗ the cooldown holds a second join',
        '      expected actions: role.add {"role":"3"}',
        '      actual actions:   role.add (rule greet)',
        '      traces of the rules that ran:',
        '        rule greet on member.join: fired',
      ].join('\n'),
    );
    expect(text).toContain('        rule greet on member.join: limited\n          limit cooldown user:u2\n');
    expect(text).toContain('          → role.add ok\n');
    expect(text).toContain(
      'bad.test.yaml\n  bad.test.yaml:2:8: error RC_TEST_FILE `cases` must be a list of test cases\n    fix: Follow',
    );
    expect(text).toContain('  ✗ broken\n      one.test.yaml:2:32: error RC_TEST_FILE `steps` must be a list');
    expect(text.endsWith('\n2 passed, 4 failed\n')).toBe(true);
  });

  it('describes expected actions by rule and mode, and actual ones by status and mode', () => {
    const { text } = formatRuleTestReport([
      {
        file: 'f.test.yaml',
        problems: [],
        cases: [
          {
            name: 'c',
            passed: false,
            line: 1,
            column: 1,
            expected: [{ action: 'member.warn', rule: 'r', mode: 'shadow' }],
            actual: [
              {
                rule: 'r',
                action: 'member.warn',
                params: {},
                mode: 'shadow',
                status: 'error',
                step: 0,
                at: 0,
                eventType: 'e',
              },
            ],
            traces: [],
          },
        ],
      },
    ]);
    expect(text).toBe(
      [
        'f.test.yaml',
        '  ✗ c',
        '      expected actions: member.warn (rule r) [shadow]',
        '      actual actions:   member.warn (rule r, error, shadow)',
        '',
        '0 passed, 1 failed',
        '',
      ].join('\n'),
    );
  });

  it('reads absolute paths as given, and a case world alone', async () => {
    const abs = join(dir, 'abs.test.yaml');
    writeFileSync(
      abs,
      `ruleset: ${JSON.stringify(join(dir, 'rules.yaml'))}\ncases:\n  - name: join\n    world: { members: [{ id: u1 }] }\n    steps: [{ event: member.join, with: { user: u1 } }]\n    expect: { actions: [role.add] }\n`,
    );
    const result = await runRuleTestFile(abs, { cwd: '/nowhere', registry, tier: 'free' });
    expect(result.problems).toEqual([]);
    expect(result.cases.map((c) => [c.name, c.passed])).toEqual([['join', true]]);
  });

  it('a failure report shows resumed segments, passing leaves with their path, limit decisions and errors', () => {
    const trace = {
      rule: { id: 'r', pointer: '/rules/0' },
      trigger: { type: 'member.join' },
      outcome: 'error',
      segment: 2,
      where: { result: true, checks: [] },
      condition: {
        result: true,
        leaves: [
          { fact: 'event.author', path: 'username', operator: 'matches', expected: '^a', actual: 'ada', result: true },
        ],
      },
      limits: [{ kind: 'rate', key: 'user:u1', decision: 'allowed' }],
      actions: [{ action: 'role.add', status: 'error', error: { code: 'RC_X', message: 'no permission' } }],
      error: { code: 'RC_ACTION_FAILED', message: 'boom' },
    } as unknown as Trace;
    const { text } = formatRuleTestReport([
      {
        file: 'f.test.yaml',
        problems: [],
        cases: [{ name: 'c', passed: false, line: 1, column: 1, expected: [], actual: [], traces: [trace] }],
      },
    ]);
    expect(text).toContain(
      [
        '      expected actions: (none)',
        '      actual actions:   (none)',
        '      traces of the rules that ran:',
        '        rule r on member.join: error (resumed, segment 2)',
        '          ✓ event.author at username matches "^a" (was "ada")',
        '          limit rate user:u1 → allowed',
        '          → role.add error: no permission',
        '          error RC_ACTION_FAILED: boom',
      ].join('\n'),
    );
  });

  it('an expected action object must match the action name, mode and list parameters exactly', () => {
    const a = {
      rule: 'r',
      action: 'x',
      params: { ids: [1, 2] },
      mode: 'enforce',
      status: 'ok',
      step: 0,
      at: 0,
      eventType: 'e',
    } as const;
    expect(actionsMatch([{ action: 'y' }], [a])).toBe(false);
    expect(actionsMatch([{ action: 'x', mode: 'shadow' }], [a])).toBe(false);
    expect(actionsMatch([{ action: 'x', params: { ids: [1, 2] } }], [a])).toBe(true);
    expect(actionsMatch([{ action: 'x', params: { ids: [1] } }], [a])).toBe(false);
    expect(actionsMatch([{ action: 'x', params: { ids: 1 } }], [a])).toBe(false);
    expect(actionsMatch([{ action: 'x', params: { ids: [1, 3] } }], [a])).toBe(false);
  });
});
