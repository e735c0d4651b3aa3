import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from './capture.js';

let dir: string;
const cli = (...argv: string[]) => runCommand(argv, { cwd: dir });

const RULES = `apiVersion: rulecord/v1
kind: RuleSet
guild: "1"
rules:
  - id: no-shouting
    on: message.create
    if:
      all:
        - { fact: message.capsRatio, operator: greaterThan, value: 0.7 }
        - { fact: message.length, operator: greaterThanInclusive, value: 10 }
    then:
      - message.delete: {}
      - member.warn: { reason: Too many capitals }
  - id: lobby
    on: member.join
    then:
      - role.add: { role: lobby }
      - wait: 1h
      - role.remove: { role: lobby }
`;
const TESTS = `ruleset: ./rules.yaml
world:
  members: [{ id: u1, roles: [member], accountAgeDays: 400 }]
  channels: [{ id: general }]
cases:
  - name: shouting is removed
    steps:
      - event: message.create
        with: { author: u1, channel: general, content: "HELLO EVERYONE LOOK AT ME" }
    expect:
      actions: [message.delete, member.warn]
  - name: the lobby role goes after an hour
    steps:
      - event: member.join
        with: { user: u1 }
      - advance: 1h
    expect:
      actions: [role.add, { action: role.remove, params: { role: lobby } }]
`;
const FAILING = `ruleset: ./rules.yaml
world:
  members: [{ id: u1 }]
cases:
  - name: a quiet message is left alone
    steps:
      - event: message.create
        with: { author: u1, content: "THIS IS VERY LOUD INDEED" }
    expect:
      actions: []
  - name: a step with an unknown member
    steps:
      - event: message.create
        with: { author: nobody, content: "hi" }
    expect:
      actions: []
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rulecord-test-'));
  writeFileSync(join(dir, 'rules.yaml'), RULES);
  writeFileSync(join(dir, 'good.test.yaml'), TESTS);
  writeFileSync(join(dir, 'failing.test.yaml'), FAILING);
  writeFileSync(join(dir, 'broken.test.yaml'), 'ruleset: ./missing.yaml\ncases: []\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rulecord test', () => {
  it('runs the cases through the simulator with a virtual clock and exits 0 when all pass', async () => {
    const r = await cli('test', 'good.test.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'good.test.yaml  (rule set: ./rules.yaml)\n  ✓ shouting is removed\n  ✓ the lobby role goes after an hour\n\n2 passed, 0 failed\n',
    );
  });

  it('shows expected vs actual actions and the traces of a failing case, and exits 1', async () => {
    const r = await cli('test', 'failing.test.yaml');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '  ✗ a quiet message is left alone\n      expected actions: (none)\n      actual actions:   message.delete (rule no-shouting), member.warn (rule no-shouting)\n',
    );
    expect(r.stdout).toContain('rule no-shouting on message.create: fired');
    expect(r.stdout).toContain('✓ message.capsRatio greaterThan 0.7 (was 1)');
    // A malformed step is reported at its place in the test file.
    expect(r.stdout).toMatch(
      /✗ a step with an unknown member\n {6}failing\.test\.yaml:14:15: error RC_SIM_STEP .*nobody/,
    );
    expect(r.stdout).toMatch(/0 passed, 2 failed\n$/);
  });

  it('runs a rule set written in the DSL the same way', async () => {
    writeFileSync(
      join(dir, 'rules.rules'),
      'guild "1"\n\nrule lobby\n  on member.join\n  then\n    role.add role: lobby\n    wait 1h\n    role.remove role: lobby\n',
    );
    writeFileSync(
      join(dir, 'dsl.test.yaml'),
      'ruleset: ./rules.rules\nworld:\n  members: [{ id: u1 }]\ncases:\n  - name: lobby via the DSL\n    steps:\n      - { event: member.join, with: { user: u1 } }\n      - { advance: 1h }\n    expect:\n      actions: [role.add, role.remove]\n',
    );
    const r = await cli('test', 'dsl.test.yaml');
    expect(r.stdout).toContain('✓ lobby via the DSL');
    expect(r.code).toBe(0);
  });

  it('--format github annotates each failing case at its name; --format json gives the cases as data', async () => {
    const gh = await cli('test', 'failing.test.yaml', '--format', 'github');
    expect(gh.code).toBe(1);
    expect(gh.stdout).toContain(
      '::error file=failing.test.yaml,line=5,col=11,title=RC_TEST_FAILED::a quiet message is left alone: expected (none); got message.delete, member.warn',
    );
    expect(gh.stdout).toMatch(/::error file=failing\.test\.yaml,line=14,col=15,.*title=RC_SIM_STEP::/);
    const json = await cli('test', 'good.test.yaml', '--format', 'json');
    const report = JSON.parse(json.stdout) as {
      ok: boolean;
      files: { cases: { name: string; passed: boolean; actual: { action: string }[] }[] }[];
    };
    expect(report.ok).toBe(true);
    expect(report.files[0]?.cases.map((c) => [c.name, c.passed, c.actual.map((a) => a.action)])).toEqual([
      ['shouting is removed', true, ['message.delete', 'member.warn']],
      ['the lobby role goes after an hour', true, ['role.add', 'role.remove']],
    ]);
    expect((await cli('test', '--format', 'xml')).code).toBe(2);
  });

  it('--filter runs only the matching cases', async () => {
    const r = await cli('test', '.', '--filter', 'LOBBY');
    expect(r.stdout).toContain('✓ the lobby role goes after an hour');
    expect(r.stdout).not.toContain('shouting');
  });

  it('reports a broken test file with its place', async () => {
    const r = await cli('test', 'broken.test.yaml');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('broken.test.yaml:1:10: error RC_TEST_FILE cannot read the rule set ./missing.yaml');
  });

  it('exits 1 when there is nothing to run', async () => {
    const r = await cli('test', 'rules.yaml', '--filter', 'zzz');
    expect(r.code).toBe(1);
  });
});

describe('rulecord test: world and steps are held to the simulator schema', () => {
  let own: string;
  beforeAll(() => {
    own = mkdtempSync(join(tmpdir(), 'rulecord-test-shape-'));
    writeFileSync(join(own, 'rules.yaml'), RULES);
  });
  afterAll(() => rmSync(own, { recursive: true, force: true }));
  const run = (name: string, text: string) => {
    writeFileSync(join(own, name), text);
    return runCommand(['test', name], { cwd: own });
  };

  it('a misspelt world field is placed in the file with a did-you-mean and a fix, and no case runs', async () => {
    const r = await run(
      'world.test.yaml',
      'ruleset: ./rules.yaml\nworld:\n  members: [{ id: u1, accountAge: 400 }]\ncases:\n  - name: never runs\n    steps: [{ advance: 1m }]\n    expect: { actions: [] }\n',
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'world.test.yaml:3:23: error RC_SIM_WORLD Unknown field `world.members[0].accountAge`. Did you mean `accountAgeDays`?',
    );
    expect(r.stdout).toContain('Allowed here: `id`, `username`');
    expect(r.stdout).not.toContain('never runs');
  });

  it("a bad step or case world fails its case at the value's place, while the other cases run", async () => {
    const r = await run(
      'steps.test.yaml',
      `ruleset: ./rules.yaml
world: { members: [{ id: u1 }] }
cases:
  - name: a step that is not a duration
    steps:
      - { event: member.join, with: { user: u1 } }
      - { advance: soon }
    expect: { actions: [role.add] }
  - name: a channel type that does not exist
    world: { channels: [{ id: c1, type: txt }] }
    steps: [{ event: member.join, with: { user: u1 } }]
    expect: { actions: [role.add] }
  - name: a step with both forms
    steps: [{ event: member.join, advance: 1h }]
    expect: { actions: [] }
  - name: a good case
    steps: [{ event: member.join, with: { user: u1 } }]
    expect: { actions: [role.add] }
`,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '  ✗ a step that is not a duration\n      steps.test.yaml:7:20: error RC_SIM_STEP Field `steps[1].advance`: "soon" is not a duration',
    );
    expect(r.stdout).toContain('fix: Write a duration such as `30s`, `10m` or `1h30m`.');
    expect(r.stdout).toContain(
      '  ✗ a channel type that does not exist\n      steps.test.yaml:10:41: error RC_SIM_WORLD Field `world.channels[0].type` must be one of',
    );
    expect(r.stdout).toContain('Did you mean `text`?');
    expect(r.stdout).toContain(
      '  ✗ a step with both forms\n      steps.test.yaml:14:13: error RC_SIM_STEP Step `steps[0]` has both `event` and `advance`',
    );
    expect(r.stdout).toContain('  ✓ a good case\n');
    expect(r.stdout).toMatch(/1 passed, 3 failed\n$/);
  });
});
