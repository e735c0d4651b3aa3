import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createCatalogRegistry } from '@rulecord/catalog';
import type { SimAction } from '@rulecord/engine';
import {
  actionsMatch,
  checkRuleFile,
  collectFiles,
  formatProblemGithub,
  formatProblemText,
  loadRuleFile,
  sortProblems,
  runRuleTestFile,
  sourceProblem,
} from '@rulecord/dsl';

const registry = createCatalogRegistry();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rulecord-dsl-check-'));
  mkdirSync(join(dir, 'guilds'));
  mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
  mkdirSync(join(dir, '.git'));
  const doc =
    'apiVersion: rulecord/v1\nkind: RuleSet\nguild: "1"\nrules:\n  - id: hi\n    on: member.join\n    then:\n      - role.add: { role: "2" }\n';
  writeFileSync(join(dir, 'guilds', 'a.yaml'), doc);
  writeFileSync(
    join(dir, 'guilds', 'a.test.yaml'),
    'ruleset: ./a.yaml\nworld: { members: [{ id: u1 }] }\ncases:\n  - name: role on join\n    steps: [{ event: member.join, with: { user: u1 } }]\n    expect: { actions: [role.add] }\n  - name: wrong\n    steps: [{ event: member.join, with: { user: u1 } }]\n    expect: { actions: [] }\n',
  );
  writeFileSync(join(dir, 'guilds', 'b.rules'), 'guild "1"\n');
  writeFileSync(join(dir, 'package.json'), '{}');
  writeFileSync(join(dir, 'ci.yaml'), 'on: push\n');
  writeFileSync(join(dir, 'guilds', 'notes.txt'), 'kind: RuleSet\n');
  writeFileSync(join(dir, 'node_modules', 'x', 'r.yaml'), doc);
  writeFileSync(join(dir, '.git', 'r.yaml'), doc);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('collectFiles', () => {
  it('finds rule sets (kind: RuleSet, *.rules) or test files, skipping node_modules and dot-folders', () => {
    expect(collectFiles([], { cwd: dir, kind: 'rules' }).files).toEqual(['guilds/a.yaml', 'guilds/b.rules']);
    expect(collectFiles(['.'], { cwd: dir, kind: 'tests' }).files).toEqual(['guilds/a.test.yaml']);
    expect(collectFiles(['guilds'], { cwd: dir, kind: 'any' }).files).toEqual([
      'guilds/a.test.yaml',
      'guilds/a.yaml',
      'guilds/b.rules',
    ]);
    expect(collectFiles(['ci.yaml'], { cwd: dir, kind: 'rules' }).files).toEqual(['ci.yaml']);
    expect(collectFiles(['../ci.yaml', 'a.yaml'], { cwd: join(dir, 'guilds'), kind: 'rules' }).files).toEqual([
      join(dir, 'ci.yaml'),
      'a.yaml',
    ]);
    expect(collectFiles(['missing'], { cwd: dir, kind: 'rules' }).problems).toEqual([
      expect.objectContaining({ code: 'RC_FILE_READ', file: 'missing' }),
    ]);
  });
});

describe('checkRuleFile and problem formatting', () => {
  it('stops at syntax errors, then validates against the registry', () => {
    const broken = checkRuleFile(loadRuleFile('rules: [\n', { file: 'x.yaml' }), registry, { tier: 'free' });
    expect(broken.problems.map((p) => p.code)).toEqual(['RC_YAML_SYNTAX']);
    const bad = checkRuleFile(
      loadRuleFile('guild "1"\nrule a\n  on member.joins\n  then\n    role.add role: "2"\n', { file: 'x.rules' }),
      registry,
      { tier: 'free' },
    );
    expect(bad.ok).toBe(false);
    expect(bad.problems[0]).toMatchObject({ code: 'RC_UNKNOWN_EVENT', line: 3, column: 6 });
  });

  it('text: path:line:col: severity CODE message, then the fix', () => {
    const p = sourceProblem('RC_DSL_SYNTAX', 'unexpected `x`', { file: 'a.rules', line: 3, column: 7 }, 'Do this.');
    expect(formatProblemText(p)).toBe('a.rules:3:7: error RC_DSL_SYNTAX unexpected `x`\n  fix: Do this.');
  });

  it('text without a fix is one line', () => {
    const { fix: _fix, ...p } = sourceProblem('RC_DSL_SYNTAX', 'unexpected `x`', {
      file: 'a.rules',
      line: 3,
      column: 7,
    });
    expect(formatProblemText({ ...p, severity: 'warning' })).toBe('a.rules:3:7: warning RC_DSL_SYNTAX unexpected `x`');
  });

  it('sorts problems by file, then line, then column', () => {
    const at = (file: string, line: number, column: number) =>
      sourceProblem('RC_DSL_SYNTAX', 'x', { file, line, column });
    const sorted = sortProblems([at('b', 1, 1), at('a', 2, 5), at('a', 2, 1), at('a', 1, 9)]);
    expect(sorted.map((p) => `${p.file}:${p.line}:${p.column}`)).toEqual(['a:1:9', 'a:2:1', 'a:2:5', 'b:1:1']);
  });

  it('GitHub annotations carry the end of a one-line span, and warnings as warnings', () => {
    const { fix: _fix, ...oneLine } = sourceProblem('RC_DSL_SYNTAX', 'm', {
      file: 'a',
      line: 2,
      column: 3,
      endLine: 2,
      endColumn: 6,
    });
    expect(formatProblemGithub(oneLine)).toBe(
      '::error file=a,line=2,col=3,endLine=2,endColumn=6,title=RC_DSL_SYNTAX::m',
    );
    expect(formatProblemGithub({ ...oneLine, endLine: 4, severity: 'warning' })).toBe(
      '::warning file=a,line=2,col=3,endLine=4,title=RC_DSL_SYNTAX::m',
    );
  });

  it('GitHub annotations escape what would end a property or the message (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (file, message) => {
        const line = formatProblemGithub(sourceProblem('RC_DSL_SYNTAX', message, { file, line: 1, column: 2 }, 'x'));
        expect(line.split('\n')).toHaveLength(1);
        const [head, ...rest] = line.split('::').slice(1);
        expect(
          head
            ?.replace(/^error /, '')
            .split(',')
            .filter((kv) => !/^(file|line|col|title)=/.test(kv)),
        ).toEqual([]);
        expect(rest.join('::')).toContain('%0Afix: x');
      }),
    );
  });
});

describe('rule tests', () => {
  it('runs each case and reports pass and fail', async () => {
    const result = await runRuleTestFile('guilds/a.test.yaml', { cwd: dir, registry, tier: 'free' });
    expect(result.problems).toEqual([]);
    expect(result.cases.map((c) => [c.name, c.passed])).toEqual([
      ['role on join', true],
      ['wrong', false],
    ]);
    expect(result.cases[1]?.traces.map((t) => t.outcome)).toEqual(['fired']);
  });

  it('an expected action matches by name, rule, parameter subset and mode, in order', () => {
    const a = (action: string, params: unknown = {}, mode: 'enforce' | 'shadow' = 'enforce'): SimAction =>
      ({ rule: 'r', action, params, mode, status: 'ok', step: 0, at: 0, eventType: 'e' }) as SimAction;
    expect(actionsMatch(['x', 'y'], [a('x'), a('y')])).toBe(true);
    expect(actionsMatch(['y', 'x'], [a('x'), a('y')])).toBe(false);
    expect(actionsMatch([{ action: 'x', params: { a: 1 } }], [a('x', { a: 1, b: 2 })])).toBe(true);
    expect(actionsMatch([{ action: 'x', params: { a: 2 } }], [a('x', { a: 1 })])).toBe(false);
    expect(actionsMatch([{ action: 'x', rule: 'q' }], [a('x')])).toBe(false);
    expect(actionsMatch([{ action: 'x', mode: 'shadow' }], [a('x', {}, 'shadow')])).toBe(true);
    expect(actionsMatch([], [a('x')])).toBe(false);
  });
});
