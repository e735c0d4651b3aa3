import { describe, expect, it } from 'vitest';
import type { Problem } from '@rulecord/engine';
import { formatOfPath, formatRuleFile, loadRuleFile, printDocument, toJson } from '@rulecord/dsl';

const problem = (pointer: string, code = 'RC_SCHEMA'): Problem =>
  ({ code, message: 'wrong', pointer, severity: 'error' }) as Problem;
const DOC = { apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: '1', rules: [] };

describe('loadRuleFile', () => {
  it('takes the format from the option, else the file name, else the text', () => {
    expect(formatOfPath('a/G.YML')).toBe('yaml');
    expect(formatOfPath('g.json')).toBe('json');
    expect(formatOfPath('g.rules')).toBe('dsl');
    expect(formatOfPath('g.txt')).toBeUndefined();
    expect(loadRuleFile('{"guild": "1"}').format).toBe('json');
    expect(loadRuleFile('  [1]').format).toBe('json');
    expect(loadRuleFile('# my server\n\nguild "1"\n').format).toBe('dsl');
    expect(loadRuleFile('rule a\n').format).toBe('dsl');
    expect(loadRuleFile('guild: "1"\n').format).toBe('yaml');
    expect(loadRuleFile('guild: "1"\n', { file: 'g.rules', format: 'yaml' }).format).toBe('yaml');
    expect(loadRuleFile('guild: "1"\n').file).toBe('<input>');
  });

  it('places a YAML problem at its value', () => {
    const file = loadRuleFile('guild: "1"\nrules:\n  - id: a\n', { file: 'g.yaml' });
    expect(file.place(problem('/rules/0/id'))).toMatchObject({ file: 'g.yaml', line: 3, column: 9 });
  });

  describe('places a DSL problem', () => {
    const file = loadRuleFile('guild "1"\nrule a\n  on member.join\n  then\n    role.add role: "2"\n', {
      file: 'g.rules',
    });

    it('at the value its pointer names, or at the key for a key problem', () => {
      expect(file.place(problem('/rules/0/then/0/role.add/role'))).toMatchObject({
        line: 5,
        column: 20,
        endLine: 5,
        endColumn: 23,
      });
      expect(file.place(problem('/rules/0/then/0/role.add', 'RC_UNKNOWN_ACTION'))).toMatchObject({
        line: 5,
        column: 5,
        endColumn: 13,
      });
    });

    it('at the nearest written parent when the pointer names something not written', () => {
      expect(file.place(problem('/rules/0/then/0/role.add/reason'))).toMatchObject({ line: 5, column: 14 });
      expect(file.place(problem('/rules/0/mode'))).toMatchObject({ line: 2, column: 1, endLine: 5 });
      expect(file.place(problem('/modules/moderation/decay'))).toMatchObject({ line: 1, column: 1 });
      expect(file.place(problem(''))).toMatchObject({ line: 1, column: 1 });
    });
  });
});

describe('printDocument', () => {
  it('writes JSON with two-space indents and a final newline', () => {
    expect(toJson({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}\n');
    expect(printDocument(DOC, 'json')).toBe(toJson(DOC));
  });

  it('writes the DSL, and YAML with a blank line between rules', () => {
    expect(printDocument(DOC, 'dsl')).toBe('guild "1"\n');
    const two = {
      ...DOC,
      rules: [
        { id: 'a', on: 'x', then: [] },
        { id: 'b', on: 'y', then: [] },
      ],
    };
    expect(printDocument(two, 'yaml')).toBe(
      'apiVersion: rulecord/v1\nkind: RuleSet\nguild: "1"\nrules:\n  - id: a\n    on: x\n    then: []\n\n  - id: b\n    on: y\n    then: []\n',
    );
  });
});

describe('formatRuleFile', () => {
  it('re-indents JSON, and leaves a file with a syntax error as written', () => {
    expect(formatRuleFile('{"guild":"1",\n"rules":[]}', { file: 'g.json' })).toEqual({
      output: '{\n  "guild": "1",\n  "rules": []\n}\n',
      changed: true,
      problems: [],
    });
    const broken = formatRuleFile('{"guild":"1",', { file: 'g.json' });
    expect(broken.output).toBe('{"guild":"1",');
    expect(broken.changed).toBe(false);
    expect(broken.problems.map((p) => [p.code, p.line])).toEqual([['RC_YAML_SYNTAX', 1]]);
  });

  it('keeps DSL comments before, after and at the end of the lines they were written with', () => {
    const text =
      '# top\nguild "1"\n\n# the greeter\nrule hi  # says hi\n  on   member.join\n  then\n    role.add role: "2"\n# end\n';
    const r = formatRuleFile(text, { file: 'g.rules' });
    expect(r.output).toBe(
      '# top\nguild "1"\n\n# the greeter\nrule hi # says hi\n  on member.join\n  then\n    role.add role: "2"\n\n# end\n',
    );
    expect(r.changed).toBe(true);
    expect(formatRuleFile(r.output, { file: 'g.rules' })).toEqual({ output: r.output, changed: false, problems: [] });
  });

  it('keeps a comment at the end of a line that has none above it', () => {
    const r = formatRuleFile('guild   "1" # ours\n', { file: 'g.rules' });
    expect(r.output).toBe('guild "1" # ours\n');
  });

  it('keeps a comment with its line when the printer moves that line', () => {
    // The printer writes `guild` first: the commented `guild` line moves up, with its comment.
    const r = formatRuleFile('rule a\n  on member.join\n  then role.add role: "2"\n# the guild\nguild "1"\n', {
      file: 'g.rules',
    });
    expect(r.output).toBe('# the guild\nguild "1"\n\nrule a\n  on member.join\n  then\n    role.add role: "2"\n');
  });

  it('leaves a DSL file as written when a commented line would be printed differently', () => {
    const text = 'guild "1"\nrule a on member.join # trigger\n  then role.add role: "2"\n';
    expect(formatRuleFile(text, { file: 'g.rules' })).toEqual({
      output: text,
      changed: false,
      problems: [],
      skipped:
        'a commented line (`rule a on member.join`) is written differently by the printer, and its comment would be lost',
    });
  });
});
