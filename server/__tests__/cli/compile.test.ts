import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { runCommand } from './capture.js';

const root = join(import.meta.dirname, '..', '..', '..');
let dir: string;
const cli = (...argv: string[]) => runCommand(argv, { cwd: dir });
const example = join(root, 'examples', 'gaming-community', 'guild.yaml');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rulecord-compile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rulecord compile', () => {
  it('YAML → DSL → YAML and JSON give back the same document', async () => {
    const original = parseYaml(readFileSync(example, 'utf8'));
    const dsl = await cli('compile', example, '--to', 'dsl');
    expect(dsl.code).toBe(0);
    expect(dsl.stdout).toContain('rule no-shouting\n');
    writeFileSync(join(dir, 'g.rules'), dsl.stdout);
    const yaml = await cli('compile', 'g.rules', '--to', 'yaml');
    expect(parseYaml(yaml.stdout)).toEqual(original);
    const json = await cli('compile', 'g.rules', '--to', 'json');
    expect(JSON.parse(json.stdout)).toEqual(original);
  });

  it('reads standard input with -', () => {
    const run = spawnSync(process.execPath, [join(root, 'server/bin/rulecord.mjs'), 'compile', '-', '--to', 'yaml'], {
      input: 'guild "1"\nrule a\n  on member.join\n  then\n    message.send content: "hi"\n',
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(0);
    expect(parseYaml(run.stdout)).toEqual({
      apiVersion: 'rulecord/v1',
      kind: 'RuleSet',
      guild: '1',
      rules: [{ id: 'a', on: 'member.join', then: [{ 'message.send': { content: 'hi' } }] }],
    });
  }, 60_000);

  it('reports DSL syntax errors with their place and exits 1', async () => {
    writeFileSync(join(dir, 'bad.rules'), 'guild "1"\nrule a\n  onn member.join\n');
    const r = await cli('compile', 'bad.rules', '--to', 'yaml');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('bad.rules:3:3: error RC_DSL_SYNTAX');
    expect(r.stderr).toContain('Did you mean `on`?');
  });

  it('exits 2 without --to or with a bad form', async () => {
    expect((await cli('compile', example)).code).toBe(2);
    expect((await cli('compile', example, '--to', 'toml')).code).toBe(2);
    expect((await cli('compile', '--to', 'dsl')).code).toBe(2);
  });
});
