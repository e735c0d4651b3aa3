import { describe, expect, it } from 'vitest';
import { GUILD, dispatchAll, harness, load, message } from './fixtures.js';

describe('core state.* actions and facts at their edges', () => {
  it('state.set stores a value that expires after its ttl; state.get reads it until then', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'remember',
        on: 'message.create',
        if: { fact: 'message.length', operator: 'greaterThan', value: 0 },
        then: [{ 'state.set': { key: 'last.{{ user.id }}', value: '{{ event.content }}', ttl: '1m' } }],
      },
    ]);
    const [run] = await h.engine.dispatch(message('hello'));
    expect(run?.outcome).toBe('fired');
    const [trace] = await h.engine.traces.forGuild(GUILD).list();
    expect(trace?.actions[0]?.result).toEqual({ value: 'hello' });
    const store = h.state.forGuild(GUILD);
    expect(await store.get('vars', 'last.u1')).toBe('hello');
    h.clock.advance(61_000);
    expect(await store.get('vars', 'last.u1')).toBeNull();
  });

  it('state.set refuses a value over 10,000 characters with RC_STATE_VALUE and stores nothing', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'too-long',
        on: 'message.create',
        if: { fact: 'message.length', operator: 'greaterThan', value: 0 },
        then: [{ 'state.set': { key: 'big', value: '{{ event.content }}' } }],
      },
    ]);
    const [run] = await h.engine.dispatch(message('x'.repeat(10_001)));
    expect(run?.outcome).toBe('error');
    expect(run?.error?.code).toBe('RC_STATE_VALUE');
    expect(run?.error?.message).toMatch(/10001 characters long \(at most 10,000\)/);
    expect(await h.state.forGuild(GUILD).get('vars', 'big')).toBeNull();
  });

  it('state.incr counts by `by`, a ttl bounds the counter, and state.number reads it (0 when unset or not a number)', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'count',
        on: 'message.create',
        if: { fact: 'state.number', params: { key: 'n' }, operator: 'lessThan', value: 5 },
        then: [{ 'state.incr': { key: 'n', by: 2, ttl: 60_000 } }],
      },
      {
        id: 'text-is-zero',
        on: 'message.create',
        if: { fact: 'state.number', params: { key: 'word' }, operator: 'equal', value: 0 },
        then: [{ 'log.trace': { message: 'word is not a number' } }],
      },
    ]);
    await h.state.forGuild(GUILD).set('vars', 'word', 'abc');
    const runs = await h.engine.dispatch(message('a'));
    expect(runs.map((r) => [r.ruleId, r.outcome])).toEqual(
      expect.arrayContaining([
        ['count', 'fired'],
        ['text-is-zero', 'fired'],
      ]),
    );
    const traces = await h.engine.traces.forGuild(GUILD).list({ outcome: 'fired' });
    expect(traces.find((t) => t.rule.id === 'count')?.actions[0]?.result).toEqual({ value: 2 });
    await h.engine.dispatch(message('b'));
    await h.engine.dispatch(message('c'));
    expect(await h.state.forGuild(GUILD).get('vars', 'n')).toBe('6');
    const [fourth] = (await dispatchAll(h.engine, message('d'))).filter((r) => r.ruleId === 'count');
    expect(fourth?.outcome).toBe('condition-false');
    h.clock.advance(60_001);
    expect(await h.state.forGuild(GUILD).get('vars', 'n')).toBeNull();
  });

  it('state.delete removes a variable so state.get reads null', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'forget',
        on: 'message.create',
        if: { fact: 'state.get', params: { key: 'k' }, operator: 'equal', value: 'v' },
        then: [{ 'state.delete': { key: 'k' } }],
      },
    ]);
    await h.state.forGuild(GUILD).set('vars', 'k', 'v');
    const [first] = await h.engine.dispatch(message('x'));
    expect(first?.outcome).toBe('fired');
    expect(await h.state.forGuild(GUILD).get('vars', 'k')).toBeNull();
    const [second] = await dispatchAll(h.engine, message('y'));
    expect(second?.outcome).toBe('condition-false');
  });
});
