import { describe, expect, it } from 'vitest';
import { GUILD, dispatchAll, harness, load, message } from './fixtures.js';

describe('conditions are evaluated cheapest first, each fact once per event', () => {
  it('an io fact written first is not read when a cheap leaf already decides (and costs no budget)', async () => {
    const h = await harness({ limits: { factBudget: 0 } });
    load(h, [
      {
        id: 'io-first',
        on: 'message.create',
        if: {
          all: [
            { fact: 'member.accountAge', operator: 'lessThan', value: 7 },
            { fact: 'event.content', operator: 'equal', value: 'never this' },
          ],
        },
        then: [{ 'message.delete': {} }],
      },
      {
        id: 'io-in-any',
        on: 'message.create',
        if: {
          any: [
            { fact: 'test.io', params: { n: 1 }, operator: 'equal', value: 1 },
            { fact: 'message.length', operator: 'greaterThan', value: 0 },
          ],
        },
        then: [{ 'log.trace': { message: 'any' } }],
      },
    ]);
    const runs = await dispatchAll(h.engine, message('hello'));
    // With a budget of 0 io facts, reading one would have failed the run: neither was read.
    expect(runs.map((r) => [r.ruleId, r.outcome])).toEqual([
      ['io-first', 'condition-false'],
      ['io-in-any', 'fired'],
    ]);
    expect(h.probe.factCalls['member.accountAge']).toBeUndefined();
    expect(h.probe.factCalls['test.io']).toBeUndefined();
    // The trace shows the leaves in the order they were evaluated, and only those.
    const [trace] = await h.engine.traces.forGuild(GUILD).list({ outcome: 'condition-false' });
    expect(trace?.condition?.leaves.map((l) => l.fact)).toEqual(['event.content']);
  });

  it('a fact several rules read is computed once per event; priority still goes first', async () => {
    const h = await harness();
    const rule = (id: string, value: number) => ({
      id,
      on: 'message.create',
      if: {
        all: [
          { fact: 'test.io', params: { n: 2 }, operator: 'equal', value: 2, priority: 10 },
          { fact: 'message.length', operator: 'greaterThan', value },
        ],
      },
      then: [{ 'log.trace': { message: id } }],
    });
    load(h, [rule('a', 100), rule('b', 0), rule('c', 1)]);
    const runs = await dispatchAll(h.engine, message('hello'));
    expect(runs.map((r) => [r.ruleId, r.outcome])).toEqual([
      ['a', 'condition-false'],
      ['b', 'fired'],
      ['c', 'fired'],
    ]);
    // priority 10 puts the io leaf first in every rule, yet it was computed once.
    expect(h.probe.factCalls['test.io']).toBe(1);
    expect(h.probe.factCalls['message.length']).toBe(1);
  });
});
