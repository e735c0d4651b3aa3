import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Json } from '@rulecord/engine';
import { describePlan, fieldDiff, type ServerPlan } from '../../src/cli/commands/plan.js';

const plan = (over: Partial<ServerPlan> = {}): ServerPlan => ({
  guildId: '1',
  fromVersion: 4,
  valid: true,
  problems: [],
  rules: { added: [], removed: [], changed: [], unchanged: 0 },
  resolvedRules: null,
  changes: [],
  noop: false,
  ...over,
});
const doc = (rules: Json[], modules?: Json): Json => ({
  apiVersion: 'rulecord/v1',
  kind: 'RuleSet',
  guild: '1',
  ...(modules ? { modules } : {}),
  rules,
});

/** JSON text with object keys sorted: equal for equal values whatever their key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => p.localeCompare(q)))
      : x,
  );
}

describe('the plan a person reviews', () => {
  it('shows added, changed (field by field) and removed rules, module settings and order', () => {
    const live = doc(
      [
        { id: 'a', on: 'member.join', then: [{ 'message.send': { content: 'hi' } }] },
        { id: 'b', on: 'member.join', then: [] },
      ],
      { moderation: { logChannel: '1' } },
    );
    const next = doc(
      [
        { id: 'c', on: 'member.join', then: [] },
        { id: 'a', on: 'member.join', mode: 'shadow', then: [{ 'message.send': { content: 'hello' } }] },
      ],
      { moderation: { logChannel: '2' } },
    );
    const { text, summary } = describePlan(live, next, plan());
    expect(text).toBe(
      [
        'Plan for guild 1 against live version 4:',
        '',
        '+ rule c',
        '~ rule a',
        '    ~ then/0/message.send/content: "hi" → "hello"',
        '    + mode: "shadow"',
        '- rule b',
        '~ settings of module moderation, logChannel: "1" → "2"',
        '',
        'Plan: 1 to add, 2 to change, 1 to remove.',
        '',
      ].join('\n'),
    );
    expect(summary).toEqual({ add: 1, change: 2, remove: 1, noop: false });
  });

  it('shows rules that change because a template changed, and says when nothing changes', () => {
    const same = doc([{ id: 'welcome', use: { template: 'welcome-message@1', inputs: { channel: '2' } } }]);
    const upgraded = describePlan(
      same,
      same,
      plan({ resolvedRules: { added: ['welcome.extra'], removed: [], changed: ['welcome.greet'], unchanged: 0 } }),
    );
    expect(upgraded.text).toContain(
      '~ rules from templates (a template changed):\n    + welcome.extra\n    ~ welcome.greet',
    );
    const none = describePlan(
      same,
      same,
      plan({ noop: true, resolvedRules: { added: [], removed: [], changed: [], unchanged: 1 } }),
    );
    expect(none.text).toContain('No changes. The live rule set matches the file.');
    expect(none.summary.noop).toBe(true);
  });

  it('a field diff is empty exactly for equal values, and lists every differing leaf (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 3 }), (a, b) => {
        const diffs = fieldDiff(a as Json, b as Json);
        expect(diffs.length === 0).toBe(canonical(a) === canonical(b));
        expect(fieldDiff(a as Json, a as Json)).toEqual([]);
      }),
    );
  });
});
