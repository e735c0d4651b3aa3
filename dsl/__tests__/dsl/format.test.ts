import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatRuleFile, parseDsl, printDsl } from '@rulecord/dsl';
import { ruleDocument } from '../arbitraries.js';

describe('formatRuleFile (DSL)', () => {
  it('keeps every full-line comment, the data, and is idempotent (property)', () => {
    fc.assert(
      fc.property(ruleDocument, fc.array(fc.nat(), { maxLength: 5 }), (doc, spots) => {
        const lines = printDsl(doc).replace(/\n$/, '').split('\n');
        const comments: string[] = [];
        // Insert comments before some lines, indented oddly, as people do.
        for (const [n, spot] of spots.entries()) {
          const at = spot % (lines.length + 1);
          const comment = `# note ${n}`;
          comments.push(comment);
          lines.splice(at, 0, `${' '.repeat(spot % 5)}${comment}`);
        }
        const text = `${lines.join('\n')}\n`;
        const once = formatRuleFile(text, { file: 'g.rules' });
        expect(once.problems).toEqual([]);
        if (once.skipped) return; // left as written: nothing lost either
        for (const c of comments) expect(once.output).toContain(c);
        expect(parseDsl(once.output).document).toEqual(doc);
        expect(formatRuleFile(once.output, { file: 'g.rules' }).output).toBe(once.output);
      }),
      { numRuns: 150 },
    );
  });

  it('normalises layout without comments: spacing, indentation, quotes a word does not need', () => {
    const r = formatRuleFile('guild    "1"\nrule   a on member.join\n then    message.send   content: "hi"\n', {
      file: 'g.rules',
    });
    expect(r.output).toBe('guild "1"\n\nrule a\n  on member.join\n  then\n    message.send content: hi\n');
  });
});
