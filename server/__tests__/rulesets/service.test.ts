// What a tier allows is checked whenever a document is validated for a guild: rule count and template uses.
import { describe, expect, it } from 'vitest';
import { TIER_LIMITS, checkDocument } from '../../src/rulesets/service.js';
import { doc, registry, SHOUT_RULE } from '../api/harness.js';

const rules = (n: number) => Array.from({ length: n }, (_, i) => ({ ...SHOUT_RULE, id: `r${i}` }));
const uses = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `caps${i}`, use: { template: 'caps-filter@1', inputs: {} } }));

describe('tier limits', () => {
  const limitProblems = (document: unknown, tier: 'free' | 'premium') =>
    checkDocument(document, '5', registry(), tier).problems.filter((p) => p.code === 'RC_API_TIER_LIMIT');

  it('a free guild may have 100 rules and 20 template uses, not one more of either', () => {
    const free = TIER_LIMITS.free;
    const atLimit = checkDocument(
      doc('5', [...rules(free.rules), ...uses(free.templateUses)]),
      '5',
      registry(),
      'free',
    );
    expect(atLimit.ok).toBe(true);
    const tooMany = limitProblems(doc('5', rules(free.rules + 1)), 'free');
    expect(tooMany).toEqual([
      expect.objectContaining({
        pointer: '/rules',
        severity: 'error',
        message: expect.stringContaining('at most 100 rules'),
      }),
    ]);
    expect(checkDocument(doc('5', rules(free.rules + 1)), '5', registry(), 'free').ok).toBe(false);
    expect(limitProblems(doc('5', uses(free.templateUses + 1)), 'free')).toEqual([
      expect.objectContaining({ message: expect.stringContaining('at most 20 templates') }),
    ]);
  });

  it('the same documents are fine for a premium guild', () => {
    expect(limitProblems(doc('5', [...rules(101), ...uses(21)]), 'premium')).toEqual([]);
  });
});
