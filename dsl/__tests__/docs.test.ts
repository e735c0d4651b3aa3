import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseDsl, printDsl } from '@rulecord/dsl';

// Every DSL example of docs/dsl.md is followed by the YAML of the same rules: reading the DSL gives that YAML, and
// printing the YAML gives exactly that DSL text.
const root = join(import.meta.dirname, '..', '..');
const text = readFileSync(join(root, 'docs', 'dsl.md'), 'utf8');
const blocks = [...text.matchAll(/```(rules|yaml)\n([\s\S]*?)```/g)].map((m) => ({
  lang: m[1] as string,
  body: m[2] as string,
}));
const pairs: { dsl: string; yaml: string }[] = [];
for (let i = 0; i < blocks.length; i++) {
  const b = blocks[i];
  const next = blocks[i + 1];
  if (b?.lang === 'rules' && next?.lang === 'yaml') pairs.push({ dsl: b.body, yaml: next.body });
}

const GUILD = '112233445566778899';
function wholeYaml(yaml: string): unknown {
  const value = parseYaml(yaml) as Record<string, unknown>;
  return value.apiVersion
    ? value
    : { apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: GUILD, ...value, rules: value.rules ?? [] };
}
function wholeDsl(dsl: string): string {
  return dsl.startsWith('guild ') ? dsl : `guild "${GUILD}"\n\n${dsl}`;
}

describe('docs/dsl.md', () => {
  it('has DSL examples, each beside its YAML', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(10);
    expect(blocks.filter((b) => b.lang === 'rules')).toHaveLength(pairs.length);
  });

  it.each(pairs.map((p, i) => [i, p] as const))(
    'example %i: the DSL reads as the YAML beside it, and prints back the same',
    (_, pair) => {
      const parsed = parseDsl(wholeDsl(pair.dsl), { file: 'docs/dsl.md' });
      expect(parsed.problems).toEqual([]);
      const yaml = wholeYaml(pair.yaml);
      expect(parsed.document).toEqual(yaml);
      expect(printDsl(yaml)).toBe(wholeDsl(pair.dsl));
    },
  );
});
