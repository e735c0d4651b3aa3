// docs/rules.md's examples are tested: each `<!-- example: NAME -->` block equals the example of that name in
// fixtures/rules-doc-examples.yaml, and validates with exactly the problems listed there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { createRegistry, defineFact, defineModule, durationSchema, validateRuleSet } from '@rulecord/engine';
import { testModules } from './fixtures/modules.js';

const root = join(import.meta.dirname, '../../..');
const markdown = readFileSync(join(root, 'docs/rules.md'), 'utf8');
const fixture = parse(readFileSync(join(import.meta.dirname, 'fixtures/rules-doc-examples.yaml'), 'utf8')) as {
  examples: Record<string, unknown>;
  problems: Record<string, string[]>;
};

// The docs use the `moderation` module's settings as the catalog has them; the test module set has no such module.
const moderation = defineModule({
  id: 'moderation',
  version: '1.0.0',
  name: 'Moderation',
  description: 'Warnings and escalation.',
  settings: {
    type: 'object',
    additionalProperties: false,
    properties: {
      logChannel: { type: 'string', minLength: 1 },
      decay: { ...durationSchema, default: '30d' },
      dmOnWarn: { type: 'boolean', default: true },
      escalation: {
        type: 'array',
        default: [],
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['warnings', 'action'],
          properties: {
            warnings: { type: 'integer', minimum: 1 },
            action: { enum: ['timeout', 'kick', 'ban'] },
            duration: durationSchema,
          },
          if: { properties: { action: { const: 'timeout' } } },
          then: { required: ['duration'] },
        },
      },
    },
  },
  facts: [
    defineFact({
      name: 'moderation.warnings',
      description: 'Warnings.',
      schema: { type: 'integer' },
      resolve: () => 0,
    }),
  ],
});
const registry = createRegistry([...testModules, moderation]);

/** The examples of the docs, by name, parsed. */
function docsExamples(): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const m of markdown.matchAll(/<!-- example: ([a-z0-9-]+) -->\n```yaml\n([\s\S]*?)```/g)) {
    expect(found.has(m[1]!), `example ${m[1]} appears twice`).toBe(false);
    found.set(m[1]!, parse(m[2]!));
  }
  return found;
}

const asDocument = (example: unknown): unknown =>
  Array.isArray(example)
    ? { apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: '112233445566778899', rules: example }
    : example;

describe('docs/rules.md examples', () => {
  const examples = docsExamples();

  test('the docs and the fixture hold the same examples', () => {
    expect(examples.size).toBeGreaterThan(10);
    expect([...examples.keys()].sort()).toEqual(Object.keys(fixture.examples).sort());
    for (const [name, value] of examples) expect(value, name).toEqual(fixture.examples[name]);
  });

  test.each(Object.keys(fixture.examples))('%s validates as documented', (name) => {
    const result = validateRuleSet(asDocument(fixture.examples[name]), registry, { tier: 'free' });
    expect(result.problems.map((p) => `${p.code} @ ${p.pointer}`)).toEqual(fixture.problems[name] ?? []);
  });

  test('the problem table of the `mistakes` example matches what validation says', () => {
    const result = validateRuleSet(asDocument(fixture.examples.mistakes), registry, { tier: 'free' });
    const table = markdown.slice(markdown.indexOf('<!-- example: mistakes -->'));
    for (const p of result.problems) {
      const row = table.split('\n').find((line) => line.startsWith(`| \`${p.code}\` | \`${p.pointer}\` |`));
      expect(row, `${p.code} @ ${p.pointer}`).toBeDefined();
      const documented = row!.replace(/^\| /, '').replace(/ \|$/, '').split(' | ')[2]!.replace(/…?\?$/, '');
      expect(p.message.startsWith(documented), `${p.message} vs ${documented}`).toBe(true);
    }
  });
});
