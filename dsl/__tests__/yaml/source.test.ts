import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { loadSource, formatRuleFile, pointsAtKey, toYaml } from '@rulecord/dsl';
import { ruleDocument } from '../arbitraries.js';

const text = `# yaml-language-server: $schema=https://example.test/schema.json
apiVersion: rulecord/v1
kind: RuleSet
guild: "112233445566778899"   # our server
rules:
  # shouting is rude
  - id: no-shouting
    on: message.create
    then:
      - message.delete: {}
      - member.warn: { user: "{{ author.id }}", reason: Too many capitals }
`;

describe('loadSource', () => {
  it('maps a pointer to the line and column of its value', () => {
    const file = loadSource(text, { file: 'guild.yaml' });
    expect(file.problems).toEqual([]);
    expect(file.locate('/guild').start).toMatchObject({ line: 4, column: 8 });
    expect(file.locate('/rules/0/then/1/member.warn/reason').start).toMatchObject({ line: 11, column: 57 });
  });

  it('maps a pointer to its key when asked (unknown keys are reported on the key)', () => {
    const file = loadSource(text, { file: 'guild.yaml' });
    expect(file.locate('/rules/0/then/1/member.warn', { key: true }).start).toMatchObject({ line: 11, column: 9 });
    const placed = file.place({
      code: 'RC_UNKNOWN_ACTION',
      message: 'unknown action',
      pointer: '/rules/0/then/0/message.delete',
      severity: 'error',
    });
    expect(placed).toMatchObject({ file: 'guild.yaml', line: 10, column: 9 });
  });

  it('falls back to the deepest node that exists for a missing property', () => {
    const file = loadSource(text, { file: 'guild.yaml' });
    const span = file.locate('/rules/0/mode');
    expect(span.exact).toBe(false);
    expect(span.start.line).toBe(7);
  });

  it('reports a YAML syntax error once, with its position', () => {
    const file = loadSource('apiVersion: rulecord/v1\nrules: [\n  { id: a\nkind: RuleSet\n', { file: 'bad.yaml' });
    expect(file.problems).toHaveLength(1);
    expect(file.problems[0]).toMatchObject({ code: 'RC_YAML_SYNTAX', file: 'bad.yaml' });
    expect(file.problems[0]?.line).toBeGreaterThan(1);
  });

  it('reports duplicate keys', () => {
    const file = loadSource('guild: "1"\nguild: "2"\n', { file: 'dup.yaml' });
    expect(file.problems).toEqual([expect.objectContaining({ code: 'RC_YAML_DUPLICATE_KEY', line: 2, column: 1 })]);
  });

  it('refuses more than one document in a file', () => {
    const file = loadSource('a: 1\n---\nb: 2\n', { file: 'two.yaml' });
    expect(file.problems).toEqual([expect.objectContaining({ code: 'RC_YAML_MULTIPLE_DOCUMENTS', line: 2 })]);
  });

  it('refuses a file that expands aliases without end, as a problem (no crash)', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 8; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const file = loadSource(`${levels.join('\n')}\n`, { file: 'lol.yaml' });
    expect(file.problems).toEqual([expect.objectContaining({ code: 'RC_YAML_SYNTAX', line: 1 })]);
    expect(file.value).toBeNull();
  });

  it('reads JSON with positions', () => {
    const file = loadSource('{\n  "guild": "1",\n  "rules": [\n    { "id": "a" }\n  ]\n}\n', { file: 'g.json' });
    expect(file.format).toBe('json');
    expect(file.value).toEqual({ guild: '1', rules: [{ id: 'a' }] });
    expect(file.locate('/rules/0/id').start).toMatchObject({ line: 4, column: 13 });
  });

  it('keeps comments and key order through load → edit → save', () => {
    const file = loadSource(text, { file: 'guild.yaml' });
    file.set('/rules/0/mode', 'shadow');
    file.set('/rules/0/then/-', { 'message.react': { emoji: '👀' } });
    file.set('/guild', '999');
    const out = file.toString();
    expect(out).toContain('# yaml-language-server: $schema=https://example.test/schema.json');
    expect(out).toContain('# our server');
    expect(out).toContain('# shouting is rude');
    const value = parseYaml(out) as { guild: string; rules: Record<string, unknown>[] };
    expect(value.guild).toBe('999');
    expect(Object.keys(value.rules[0] ?? {})).toEqual(['id', 'on', 'then', 'mode']);
    expect((value.rules[0]?.then as unknown[]).length).toBe(3);
    expect(file.delete('/rules/0/mode')).toBe(true);
    expect(file.delete('/rules/0/nothing')).toBe(false);
    expect(parseYaml(file.toString()).rules[0].mode).toBeUndefined();
  });
});

describe('locate', () => {
  const file = loadSource('limits: &l { max: 1 }\nrules:\n  - id: a\n    tags: [a, b]\n    other: *l\n1: one\n');

  it('follows aliases to the value they name, and reads numeric keys', () => {
    expect(file.locate('/rules/0/other/max')).toMatchObject({ start: { line: 1, column: 19 }, exact: true });
    expect(file.locate('/1')).toMatchObject({ start: { line: 6, column: 4 }, exact: true });
  });

  it('stops at the deepest node for a path into a scalar or past the end of a list', () => {
    expect(file.locate('/rules/0/id/x')).toMatchObject({ start: { line: 3, column: 9 }, exact: false });
    expect(file.locate('/rules/0/tags/5')).toMatchObject({ start: { line: 4, column: 11 }, exact: false });
    expect(file.locate('/rules/0/tags/01')).toMatchObject({ exact: false });
  });

  it('places everything at 1:1 in an empty file', () => {
    const empty = loadSource('');
    expect(empty.value).toBeNull();
    expect(empty.locate('/guild')).toMatchObject({ start: { line: 1, column: 1 }, exact: false });
  });

  it('takes the format from the file name, else from the text', () => {
    expect(loadSource('a: 1\n', { file: 'x.YML' }).format).toBe('yaml');
    expect(loadSource('[1]', { file: 'x.yml' }).format).toBe('yaml');
    expect(loadSource('a: 1', { file: 'x.json' }).format).toBe('json');
    expect(loadSource(' [1]').format).toBe('json');
    expect(loadSource('a: 1\n').file).toBe('<input>');
  });
});

describe('set and delete', () => {
  it('a new scalar keeps the quotes of a string it replaces, but not for a number', () => {
    const file = loadSource('a: "x"\nb: "y" # why\n');
    file.set('/a', 'z');
    file.set('/b', 5);
    expect(file.toString()).toBe('a: "z"\nb: 5 # why\n');
  });

  it('a new collection keeps the comments of the value it replaces, and is padded like the rest of its flow list', () => {
    const file = loadSource('a:\n  b: 1 # one\n  c: [1]\n');
    file.set('/a/b', [1, 2, 3, 4, 5]);
    file.set('/a/c/0', { d: 1 });
    expect(file.toString()).toBe('a:\n  b:\n    - 1\n    - 2\n    - 3\n    - 4\n    - 5\n    # one\n  c: [{ d: 1 }]\n');
  });

  it('replaces list items by index, creates missing parents, and replaces the whole document at ``', () => {
    const file = loadSource('rules:\n  - id: a\n  - id: b\n');
    file.set('/rules/1', { id: 'c' });
    file.set('/limits/max', 3);
    expect(file.value).toEqual({ rules: [{ id: 'a' }, { id: 'c' }], limits: { max: 3 } });
    file.set('', { guild: '1' });
    expect(file.toString()).toBe('guild: "1"\n');
  });

  it('delete removes a list item or a key, and says when nothing was there', () => {
    const file = loadSource('rules:\n  - id: a\n  - id: b\nguild: "1"\n');
    expect(file.delete('')).toBe(false);
    expect(file.delete('/rules/2')).toBe(false);
    expect(file.delete('/guild/x')).toBe(false);
    expect(file.delete('/rules/0')).toBe(true);
    expect(file.value).toEqual({ rules: [{ id: 'b' }], guild: '1' });
  });

  it('a JSON file is written back as JSON', () => {
    const file = loadSource('{"a": [1, 2]}', { file: 'g.json' });
    file.set('/a/1', 3);
    expect(file.toString()).toBe('{\n  "a": [\n    1,\n    3\n  ]\n}\n');
  });
});

describe('pointsAtKey', () => {
  it('places a premium action or module on its name, other premium problems on the value', () => {
    const premium = (pointer?: string) =>
      pointsAtKey({ code: 'RC_PREMIUM_REQUIRED', message: 'premium', ...(pointer === undefined ? {} : { pointer }) });
    expect(premium('/rules/0/then/1/ai.reply')).toBe(true);
    expect(premium('/modules/ai')).toBe(true);
    expect(premium('/modules/ai/model')).toBe(false);
    expect(premium('/rules/0/concurrency')).toBe(false);
    expect(premium('')).toBe(false);
    expect(premium()).toBe(false);
    expect(pointsAtKey({ code: 'RC_SCHEMA', message: 'must NOT have additional properties' })).toBe(true);
  });
});

describe('formatRuleFile (YAML)', () => {
  it('keeps comments, changes only layout, and is idempotent', () => {
    const messy =
      'apiVersion:   rulecord/v1\nkind: RuleSet # k\nguild: "1"\nrules:\n- id: a   # the rule\n  on: x.y\n  then:\n  -   message.delete: {}\n';
    const once = formatRuleFile(messy, { file: 'm.yaml' });
    expect(once.changed).toBe(true);
    expect(once.output).toContain('# the rule');
    expect(once.output).toContain('  - id: a');
    expect(parseYaml(once.output)).toEqual(parseYaml(messy));
    const twice = formatRuleFile(once.output, { file: 'm.yaml' });
    expect(twice.changed).toBe(false);
    expect(twice.output).toBe(once.output);
  });

  it('never adds defaults and is idempotent for generated documents (property)', () => {
    fc.assert(
      fc.property(ruleDocument, (doc) => {
        const text = toYaml(doc);
        const once = formatRuleFile(text, { file: 'g.yaml' });
        expect(once.problems).toEqual([]);
        expect(parseYaml(once.output)).toEqual(doc);
        expect(formatRuleFile(once.output, { file: 'g.yaml' }).output).toBe(once.output);
      }),
      { numRuns: 100 },
    );
  });

  it('leaves a file with a syntax error as it is', () => {
    const bad = 'a: [1,\n';
    const r = formatRuleFile(bad, { file: 'b.yaml' });
    expect(r.output).toBe(bad);
    expect(r.problems[0]?.code).toBe('RC_YAML_SYNTAX');
  });
});
