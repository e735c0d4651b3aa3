import { describe, expect, it } from 'vitest';
import { InMemoryTraceStore } from '../../src/index.js';
import { GUILD, harness, load, message } from '../runtime/fixtures.js';

describe('InMemoryTraceStore queries at their edges', () => {
  it('a guild with no traces lists, gets, counts and clears nothing', async () => {
    const g = new InMemoryTraceStore().forGuild('nobody');
    expect(await g.list()).toEqual([]);
    expect(await g.get('t1')).toBeUndefined();
    expect(Object.values(await g.counts()).every((n) => n === 0)).toBe(true);
    await expect(g.clear()).resolves.toBeUndefined();
  });

  it('filters by a list of outcomes and by the tag of a rule whose trace is built on read', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'caps',
        on: 'message.create',
        tags: ['mod'],
        if: { fact: 'message.capsRatio', operator: 'greaterThan', value: 0.7 },
        then: [{ 'log.trace': { message: 'caps' } }],
      },
    ]);
    await h.engine.dispatch(message('LOUD NOISES'));
    await h.engine.dispatch(message('quiet'));
    const traces = h.engine.traces.forGuild(GUILD);
    expect((await traces.list({ outcome: ['fired', 'condition-false'] })).map((t) => t.outcome)).toEqual([
      'condition-false',
      'fired',
    ]);
    expect((await traces.list({ outcome: 'condition-false', tag: 'mod' })).map((t) => t.rule.tags)).toEqual([['mod']]);
    expect(await traces.list({ tag: 'other' })).toEqual([]);
    const counts = await traces.counts();
    expect([counts.fired, counts['condition-false']]).toEqual([1, 1]);
    await traces.clear();
    expect(await traces.list()).toEqual([]);
  });
});
