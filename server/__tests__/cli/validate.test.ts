import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineAction, defineModule } from '@rulecord/engine';
import { createCatalogRegistry } from '@rulecord/catalog';
import { runCommand } from './capture.js';
import { validateFiles } from '../../src/cli/commands/validate.js';

const root = join(import.meta.dirname, '..', '..', '..');
let dir: string;

// One mistake of each kind the issue names; each must give exactly one error at its place.
const BAD = `apiVersion: rulecord/v1
kind: RuleSet
guild: "112233445566778899"
rules:
  - id: no-shouting
    on: message.create
    if:
      all:
        - { fact: message.capsRatio, operator: greaterThan, value: 0.7 }
        - { fact: message.shoutiness, operator: greaterThan, value: 3 }
        - { fact: message.length, operator: isBiggerThan, value: 10 }
        - { fact: message.content, operator: matches, value: "^(a+)+$" }
    then:
      - mesage.delete: {}
      - member.warn: { reason: 42 }
  - id: no-shouting
    on: message.create
    then:
      - message.delete: {}
`;
const SYNTAX = 'apiVersion: rulecord/v1\nkind: RuleSet\nguild: "1"\nrules: [\n  { id: a, on: message.create\n';
const GOOD = `apiVersion: rulecord/v1
kind: RuleSet
guild: "1"
rules:
  - id: hello
    on: member.join
    then:
      - message.send: { channel: "2", content: "Welcome!" }
`;
const DSL = `guild "1"

rule hello
  on member.join
  then
    message.sendd content: "Welcome!"
`;

const cli = (...argv: string[]) => runCommand(argv, { cwd: dir });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rulecord-validate-'));
  writeFileSync(join(dir, 'bad.yaml'), BAD);
  writeFileSync(join(dir, 'syntax.yaml'), SYNTAX);
  writeFileSync(join(dir, 'good.yaml'), GOOD);
  writeFileSync(
    join(dir, 'good.json'),
    JSON.stringify(
      JSON.parse(JSON.stringify({ apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: '1', rules: [] })),
      null,
      2,
    ),
  );
  writeFileSync(join(dir, 'hello.rules'), DSL);
  writeFileSync(join(dir, 'package.json'), '{ "name": "not-a-rule-set" }');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rulecord validate (the real command, as a child process)', () => {
  it('gives one precise path:line:col error per mistake, exit 1, and no stack trace', () => {
    const run = spawnSync(
      process.execPath,
      [join(root, 'server/bin/rulecord.mjs'), 'validate', 'bad.yaml', 'syntax.yaml'],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(run.status).toBe(1);
    const errors = run.stdout.split('\n').filter((l) => /^\S+:\d+:\d+: error /.test(l));
    expect(errors.map((l) => l.split(' ').slice(0, 3).join(' '))).toEqual([
      'bad.yaml:10:19: error RC_UNKNOWN_FACT',
      'bad.yaml:11:45: error RC_UNKNOWN_OPERATOR',
      'bad.yaml:12:62: error RC_UNSAFE_REGEX',
      'bad.yaml:14:9: error RC_UNKNOWN_ACTION',
      'bad.yaml:15:32: error RC_BAD_PARAM',
      'bad.yaml:16:9: error RC_DUPLICATE_RULE_ID',
      expect.stringMatching(/^syntax\.yaml:\d+:\d+: error RC_YAML_SYNTAX$/),
    ]);
    // Every error is followed by how to fix it, then a summary.
    expect(run.stdout.match(/\n {2}fix: /g)).toHaveLength(7);
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('7 errors in 2 of 2 files');
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    expect(run.stderr).toBe('');
  }, 60_000);
});

describe('rulecord validate', () => {
  it('exits 0 for valid files, searching folders for rule sets only', async () => {
    const r = await cli('validate', 'good.yaml', 'good.json');
    expect(r).toMatchObject({ code: 0, stdout: '2 files valid\n' });
  });

  it('finds rule sets in a folder (not package.json) and places DSL problems too', async () => {
    const r = await cli('validate', '.');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('hello.rules:6:5: error RC_UNKNOWN_ACTION');
    expect(r.stdout).not.toContain('package.json');
    expect(r.stdout).toMatch(/8 errors in 3 of 5 files\n$/);
  });

  it('places problems of JSON files at their line and column', async () => {
    writeFileSync(
      join(dir, 'bad.json'),
      '{\n  "apiVersion": "rulecord/v1",\n  "kind": "RuleSet",\n  "guild": "1",\n  "rules": [\n    { "id": "a", "on": "member.join", "then": [{ "message.sendd": {} }] }\n  ]\n}\n',
    );
    const r = await cli('validate', 'bad.json');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('bad.json:6:50: error RC_UNKNOWN_ACTION');
    rmSync(join(dir, 'bad.json'));
  });

  it('refuses a premium feature in a free guild (--tier), at its place', () => {
    const vip = defineModule({
      id: 'vip',
      version: '1.0.0',
      name: 'VIP',
      description: 'A premium test module',
      actions: [
        defineAction({
          name: 'vip.shout',
          description: 'Shouts',
          params: { type: 'object', additionalProperties: false, properties: {} },
          premium: true,
          run: async () => undefined,
        }),
      ],
    });
    writeFileSync(
      join(dir, 'vip.yaml'),
      GOOD.replace('- message.send: { channel: "2", content: "Welcome!" }', '- vip.shout: {}'),
    );
    const registry = createCatalogRegistry([vip]);
    const free = validateFiles(['vip.yaml'], { cwd: dir, tier: 'free', registry });
    expect(free.reports[0]?.problems).toEqual([
      expect.objectContaining({ code: 'RC_PREMIUM_REQUIRED', line: 8, column: 9 }),
    ]);
    const premium = validateFiles(['vip.yaml'], { cwd: dir, tier: 'premium', registry });
    expect(premium.reports[0]?.ok).toBe(true);
    rmSync(join(dir, 'vip.yaml'));
  });

  it('reads one rule set from standard input with -', () => {
    const r = validateFiles(['-'], { cwd: dir, tier: 'free', stdin: () => DSL });
    expect(r.reports.map((x) => [x.file, x.problems.map((p) => `${p.line}:${p.column} ${p.code}`)])).toEqual([
      ['<stdin>', ['6:5 RC_UNKNOWN_ACTION']],
    ]);
  });

  it('prints GitHub annotations', async () => {
    const r = await cli('validate', 'bad.yaml', '--format', 'github');
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^::error file=bad\.yaml,line=10,col=19,.*title=RC_UNKNOWN_FACT::Unknown fact/);
    expect(lines[0]).toContain('%0Afix: ');
  });

  it('prints JSON', async () => {
    const r = await cli('validate', 'bad.yaml', 'good.yaml', '--format=json');
    const out = JSON.parse(r.stdout) as { ok: boolean; errors: number; files: { file: string; ok: boolean }[] };
    expect(out).toMatchObject({ ok: false, errors: 6 });
    expect(out.files.map((f) => [f.file, f.ok])).toEqual([
      ['bad.yaml', false],
      ['good.yaml', true],
    ]);
  });

  it("reports bad schedules (the schedule module's check) at the value's line and column", async () => {
    writeFileSync(
      join(dir, 'schedules.yaml'),
      `apiVersion: rulecord/v1
kind: RuleSet
guild: "1"
modules:
  schedule:
    schedules:
      - { id: standup, cron: "61 9 * * 1", timezone: Europe/Berlin }
      - id: weekly
        cron: "0 9 * * 1"
        timezone: Mars/Olympus
      - { id: leap, cron: "0 0 31 2 *" }
      - { id: busy, cron: "*/10 * * * * *" }
rules:
  - id: tick
    on: schedule.tick
    then:
      - message.send: { channel: "2", content: "Tick" }
`,
    );
    try {
      const r = await cli('validate', 'schedules.yaml');
      expect(r.code).toBe(1);
      const errors = r.stdout.split('\n').filter((l) => /^\S+:\d+:\d+: error /.test(l));
      expect(errors).toEqual([
        'schedules.yaml:7:30: error RC_CATALOG_SCHEDULE_INVALID Schedule `standup`: `61 9 * * 1` is not a cron expression (Invalid value for minute: 61).',
        'schedules.yaml:10:19: error RC_CATALOG_SCHEDULE_INVALID Schedule `weekly`: `Mars/Olympus` is not an IANA time zone.',
        'schedules.yaml:11:27: error RC_CATALOG_SCHEDULE_INVALID Schedule `leap`: `0 0 31 2 *` never fires (no date matches its day and month).',
        expect.stringMatching(
          /^schedules\.yaml:12:27: error RC_CATALOG_SCHEDULE_INVALID Schedule `busy`: .* fires more than once a minute/,
        ),
      ]);
      expect(r.stdout.match(/\n {2}fix: /g)).toHaveLength(4);
      expect(r.stdout).toContain('fix: Use a name such as `UTC`, `Europe/Berlin`');
      expect(r.stdout).toMatch(/4 errors in 1 of 1 file\n$/);
    } finally {
      rmSync(join(dir, 'schedules.yaml'));
    }
  });

  it('exits 2 on a usage error and 1 on a missing file', async () => {
    expect((await cli('validate', '--format', 'xml')).code).toBe(2);
    expect((await cli('validate', '--tier', 'gold')).code).toBe(2);
    expect((await cli('validate', '--nope')).code).toBe(2);
    const missing = await cli('validate', 'nothing.yaml');
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('nothing.yaml:1:1: error RC_FILE_READ');
  });
});
