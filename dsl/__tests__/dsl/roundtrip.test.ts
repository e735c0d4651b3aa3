import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { parseDsl, printDsl, toYaml } from '@rulecord/dsl';
import { ruleDocument } from '../arbitraries.js';

describe('YAML → DSL → YAML', () => {
  it('gives back every document unchanged (property)', () => {
    fc.assert(
      fc.property(ruleDocument, (doc) => {
        const text = printDsl(doc);
        const back = parseDsl(text, { file: 'gen.rules' });
        expect(back.problems).toEqual([]);
        expect(back.document).toEqual(doc);
        // …and through YAML text too, which is what `compile` writes.
        expect(parseYaml(toYaml(back.document))).toEqual(doc);
      }),
      { numRuns: 300 },
    );
  });

  it('prints the same text again from its own output (property)', () => {
    fc.assert(
      fc.property(ruleDocument, (doc) => {
        const text = printDsl(doc);
        expect(printDsl(parseDsl(text).document)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the order of a rule’s keys', () => {
    const doc = {
      apiVersion: 'rulecord/v1',
      kind: 'RuleSet',
      guild: '1',
      rules: [{ id: 'a', then: [{ 'message.delete': {} }], mode: 'shadow', on: 'message.create', description: 'x' }],
    };
    const back = parseDsl(printDsl(doc)).document as { rules: object[] };
    expect(Object.keys(back.rules[0] as object)).toEqual(['id', 'then', 'mode', 'on', 'description']);
  });
});
