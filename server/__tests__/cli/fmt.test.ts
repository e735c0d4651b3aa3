import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCommand } from './capture.js';

let dir: string;
const cli = (...argv: string[]) => runCommand(argv, { cwd: dir });

const MESSY = `# our server's rules
apiVersion:    rulecord/v1
kind: RuleSet
guild: "1"     # the guild id
rules:
- id: hello   # greet people
  on: member.join
  then:
  -    message.send: {channel: "2", content: "Welcome!"}
`;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rulecord-fmt-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('rulecord fmt', () => {
  it('--check exits 1 and changes nothing when a file is not formatted', async () => {
    writeFileSync(join(dir, 'g.yaml'), MESSY);
    const r = await cli('fmt', '--check', 'g.yaml');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('g.yaml:1:1: error RC_FMT_UNFORMATTED');
    expect(readFileSync(join(dir, 'g.yaml'), 'utf8')).toBe(MESSY);
  });

  it('formats in place keeping comments and meaning, adds no defaults, and twice = once', async () => {
    writeFileSync(join(dir, 'g.yaml'), MESSY);
    expect((await cli('fmt', '.')).stdout).toBe('formatted g.yaml\n');
    const once = readFileSync(join(dir, 'g.yaml'), 'utf8');
    for (const comment of ["# our server's rules", '# the guild id', '# greet people']) expect(once).toContain(comment);
    expect(parseYaml(once)).toEqual(parseYaml(MESSY));
    expect(once).not.toMatch(/mode|enabled|concurrency/);
    expect(once).toContain('  - id: hello');
    const again = await cli('fmt', 'g.yaml');
    expect(again).toMatchObject({ code: 0, stdout: '' });
    expect(readFileSync(join(dir, 'g.yaml'), 'utf8')).toBe(once);
    expect((await cli('fmt', '--check', 'g.yaml')).code).toBe(0);
  });

  it('formats JSON and DSL files, and test files', async () => {
    writeFileSync(join(dir, 'g.json'), '{"apiVersion":"rulecord/v1","kind":"RuleSet","guild":"1","rules":[]}');
    writeFileSync(
      join(dir, 'g.rules'),
      '# top comment\nguild    "1"\nrule a on member.join then message.send content: "hi"\n',
    );
    writeFileSync(
      join(dir, 'g.test.yaml'),
      'ruleset: ./g.json\ncases:\n- name: x\n  steps: []\n  expect: {actions: []}\n',
    );
    const r = await cli('fmt', '.');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'g.json'), 'utf8')).toBe(
      '{\n  "apiVersion": "rulecord/v1",\n  "kind": "RuleSet",\n  "guild": "1",\n  "rules": []\n}\n',
    );
    expect(readFileSync(join(dir, 'g.rules'), 'utf8')).toBe(
      '# top comment\nguild "1"\n\nrule a\n  on member.join\n  then\n    message.send content: hi\n',
    );
    expect(readFileSync(join(dir, 'g.test.yaml'), 'utf8')).toContain('  - name: x');
    expect((await cli('fmt', '--check', '.')).code).toBe(0);
  });

  it('keeps the comments of a DSL file, on their lines', async () => {
    writeFileSync(
      join(dir, 'c.rules'),
      '# rules\nguild   "1"  # ours\nrule a\n    # why\n  on member.join\n  then\n      message.send content: "hi"   # say hi\n',
    );
    const r = await cli('fmt', 'c.rules');
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'c.rules'), 'utf8')).toBe(
      '# rules\nguild "1" # ours\n\nrule a\n  # why\n  on member.join\n  then\n    message.send content: hi # say hi\n',
    );
    expect((await cli('fmt', '--check', 'c.rules')).code).toBe(0);
  });

  it('leaves a DSL file as it is, and says why, when a commented line would be rewritten', async () => {
    const text = 'guild "1"\nrule a\n  on member.join\n  then message.send content: "hi" # greet\n';
    writeFileSync(join(dir, 'c.rules'), text);
    const r = await cli('fmt', 'c.rules');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('its comment would be lost');
    expect(readFileSync(join(dir, 'c.rules'), 'utf8')).toBe(text);
  });

  it('reports a syntax error with its place and exits 1', async () => {
    writeFileSync(join(dir, 'bad.yaml'), 'kind: RuleSet\nrules: [\n');
    const r = await cli('fmt', 'bad.yaml');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^bad\.yaml:\d+:\d+: error RC_YAML_SYNTAX/);
  });
});
