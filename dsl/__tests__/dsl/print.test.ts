import { describe, expect, it } from 'vitest';
import { RulecordError } from '@rulecord/engine';
import { parseDsl, printDsl } from '@rulecord/dsl';

const HEAD = { apiVersion: 'rulecord/v1', kind: 'RuleSet' };

/** The error `printDsl` throws for a document, as `CODE message (pointer)`. */
function refusal(document: unknown): string {
  try {
    printDsl(document);
  } catch (error) {
    expect(error).toBeInstanceOf(RulecordError);
    const e = error as RulecordError;
    return `${e.code} ${e.message} [${e.pointer ?? ''}]`;
  }
  return 'printed';
}

describe('printDsl', () => {
  it('refuses data that is not a rule document, saying where', () => {
    const cases: [unknown, string][] = [
      [null, 'the document is not an object [RC_DSL_UNPRINTABLE]'],
      [{ kind: 'RuleSet', rules: [] }, 'the document has no `apiVersion` or `kind`'],
      [{ ...HEAD }, 'the document has no `rules` list (at /rules) [/rules]'],
      [{ ...HEAD, rules: {} }, '`rules` is not a list (at /rules) [/rules]'],
      [{ ...HEAD, rules: [1] }, 'a rule is not an object (at /rules/0) [/rules/0]'],
      [{ ...HEAD, rules: [{}, { on: 'x' }] }, 'a rule has no `id` (at /rules/0) [/rules/0]'],
      [{ ...HEAD, rules: [{ id: 'a', priority: Number.NaN }] }, 'the number NaN cannot be written in JSON'],
    ];
    for (const [document, message] of cases) {
      const got = refusal(document);
      expect(got, JSON.stringify(document)).toContain('RC_DSL_UNPRINTABLE cannot write this document in the DSL: ');
      expect(got, JSON.stringify(document)).toContain(message.replace(' [RC_DSL_UNPRINTABLE]', ''));
    }
    expect(refusal(null)).toBe(
      'RC_DSL_UNPRINTABLE cannot write this document in the DSL: the document is not an object []',
    );
  });

  it('writes what has no clause of its own (or is not valid) with `set` or `step`, and reads it back unchanged', () => {
    const documents = [
      { apiVersion: 'rulecord/v2', kind: 'Other', rules: [] },
      { ...HEAD, modules: {}, rules: [] },
      { ...HEAD, guild: '1', 'x-owner': 'ops', rules: [] },
      {
        ...HEAD,
        rules: [
          { id: 'a', tags: 5, if: 'sometimes', then: {}, where: [1], enabled: 'yes', 'x-note': null },
          {
            id: 'b',
            on: 'x.y',
            then: [
              { 'c.d': {}, retry: 3 },
              { wait: '1m', 'c.d': {} },
            ],
          },
          { id: 'c', if: { any: [{ fact: 'f', operator: 'equal', value: 1 }, { not: { all: [] } }] } },
          { id: 'd', use: { template: 't@1' }, enabled: false, 'x-note': 1 },
          { id: 'e', if: { all: [1] }, then: ['x'] },
        ],
      },
    ];
    for (const doc of documents) {
      const text = printDsl(doc);
      expect(parseDsl(text).document, text).toEqual(doc);
    }
    const odd = printDsl(documents[3]);
    expect(odd).toContain('  set tags = 5\n  set if = sometimes\n  set then = {}\n  set where = [1]\n  enabled yes\n');
    expect(odd).toContain('    step { c.d: {}, retry: 3 }\n');
    expect(printDsl(documents[0])).toBe('set apiVersion = "rulecord/v2"\nset kind = Other\n');
    expect(printDsl(documents[1])).toBe('set modules = {}\n');
    expect(odd).toContain('rule e\n  set if = { all: [1] }\n  set then = [x]');
  });

  it('refuses a template use that holds more than `template` and `inputs`', () => {
    expect(refusal({ ...HEAD, rules: [{ id: 'a', use: { template: 't@1', x: 1 } }] })).toContain(
      '`use` must hold `template` and optionally `inputs` (at /rules/0/use)',
    );
  });
});
