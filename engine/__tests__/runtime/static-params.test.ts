import { describe, expect, it } from 'vitest';
import { GUILD, harness, load, message } from './fixtures.js';

describe('Engine: static action parameters', () => {
  it('are one frozen object (defaults applied), handed to every run and kept in its trace without a copy', async () => {
    const h = await harness();
    load(h, [{ id: 'warn', on: 'message.create', then: [{ 'member.warn': { user: 'u1', reason: 'r' } }] }]);
    const [a] = await h.engine.dispatch(message('one'));
    const [b] = await h.engine.dispatch(message('two'));
    const [first, second] = h.probe.actions;
    expect(first?.params).toEqual({ user: 'u1', reason: 'r' });
    expect(second?.params).toBe(first?.params);
    expect(Object.isFrozen(first?.params)).toBe(true);
    expect(() => {
      (first?.params as Record<string, unknown>).user = 'u2';
    }).toThrow(TypeError);
    const traces = h.engine.traces.forGuild(GUILD);
    const [ta, tb] = [await traces.get(a!.traceId!), await traces.get(b!.traceId!)];
    expect(ta?.actions[0]?.params).toBe(first?.params);
    expect(tb?.actions[0]?.params).toBe(first?.params);
  });

  it('rendered per run when they hold a variable', async () => {
    const h = await harness();
    load(h, [{ id: 'warn', on: 'message.create', then: [{ 'member.warn': { user: '{{ event.userId }}' } }] }]);
    await h.engine.dispatch(message('one'));
    await h.engine.dispatch(message('two', { userId: 'u7' }));
    expect(h.probe.actions.map((a) => a.params)).toEqual([{ user: 'u1' }, { user: 'u7' }]);
    expect(Object.isFrozen(h.probe.actions[0]?.params)).toBe(false);
  });
});
