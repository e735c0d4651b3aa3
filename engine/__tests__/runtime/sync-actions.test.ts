import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/index.js';
import { GUILD, harness, load, message } from './fixtures.js';

/** Calls dispatch without awaiting it and returns what `onRun` listeners had seen when the call returned. */
function seenBeforeReturn(h: Awaited<ReturnType<typeof harness>>, content: string) {
  const seen: RunSummary[] = [];
  const stop = h.engine.onRun((r) => seen.push(r));
  const done = h.engine.dispatch(message(content));
  const atReturn = [...seen];
  stop();
  return { atReturn, done };
}

describe('Engine: actions that answer without a promise', () => {
  it('a run whose actions all answer directly ends before dispatch returns, results chained through `as`', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'sync',
        on: 'message.create',
        then: [{ 'custom.sync': { n: 2 }, as: 'first' }, { 'custom.sync': { n: '{{ steps.first.n }}' } }],
      },
    ]);
    const { atReturn, done } = seenBeforeReturn(h, 'x');
    expect(atReturn.map((r) => [r.ruleId, r.outcome])).toEqual([['sync', 'fired']]);
    const [run] = await done;
    expect(run?.actions.map((a) => [a.action, a.status])).toEqual([
      ['custom.sync', 'ok'],
      ['custom.sync', 'ok'],
    ]);
    expect(h.probe.actions.map((a) => a.params)).toEqual([{ n: 2 }, { n: 2 }]);
    const [trace] = await h.engine.traces.forGuild(GUILD).list({ rule: 'sync' });
    expect(trace?.actions.map((a) => [a.attempts, a.result])).toEqual([
      [1, { n: 2 }],
      [1, { n: 2 }],
    ]);
  });

  it('an action that answers with a promise in the middle: the rest goes on after it, in order', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'mixed',
        on: 'message.create',
        then: [
          { 'custom.sync': { n: 1 } },
          { 'member.warn': { user: 'u1' }, as: 'warned' },
          { 'custom.sync': { n: 3 } },
          { 'log.trace': { message: 'case {{ steps.warned.caseId }}' } },
        ],
      },
    ]);
    const { atReturn, done } = seenBeforeReturn(h, 'x');
    // member.warn answers with a promise: the run is not over when dispatch returns.
    expect(atReturn).toEqual([]);
    const [run] = await done;
    expect(run?.outcome).toBe('fired');
    expect(h.probe.actions.map((a) => a.name)).toEqual(['custom.sync', 'member.warn', 'custom.sync']);
    const [trace] = await h.engine.traces.forGuild(GUILD).list({ rule: 'mixed' });
    expect(trace?.actions.map((a) => a.action)).toEqual(['custom.sync', 'member.warn', 'custom.sync', 'log.trace']);
    expect(trace?.notes.map((n) => n.message)).toContain('case case-2');
  });

  it('a transient throw is retried with backoff like a rejection; a bug with onError stop ends the run at once', async () => {
    const sleeps: number[] = [];
    const h = await harness({ sleep: (ms) => (sleeps.push(ms), Promise.resolve()) });
    load(h, [
      {
        id: 'flaky',
        on: 'message.create',
        then: [
          { 'custom.sync': { fail: 'transient', failures: 2, n: 7 }, retry: { attempts: 3, backoff: '1s' }, as: 'r' },
          { 'custom.sync': { n: '{{ steps.r.n }}' } },
        ],
      },
    ]);
    const [run] = await h.engine.dispatch(message('x'));
    expect(run?.outcome).toBe('fired');
    expect(sleeps).toEqual([1000, 2000]);
    const [trace] = await h.engine.traces.forGuild(GUILD).list({ rule: 'flaky' });
    expect(trace?.actions[0]).toMatchObject({ status: 'ok', attempts: 3, result: { n: 7 } });
    expect(h.probe.actions.at(-1)?.params).toEqual({ n: 7 });

    load(h, [
      {
        id: 'bug',
        on: 'message.create',
        then: [{ 'custom.sync': { fail: 'bug' }, retry: { attempts: 4 } }, { 'custom.sync': { n: 1 } }],
      },
    ]);
    h.probe.actions.length = 0;
    // A bug is never retried, and the steps after it do not run.
    const [bug] = await h.engine.dispatch(message('y'));
    expect(bug).toMatchObject({ outcome: 'error', error: { code: 'RC_ACTION_FAILED', kind: 'bug' } });
    expect(h.probe.actions.map((a) => a.params)).toEqual([{ fail: 'bug' }]);
  });

  it('shadow mode never calls an action that would answer directly', async () => {
    const h = await harness();
    load(h, [{ id: 'shadowed', on: 'message.create', mode: 'shadow', then: [{ 'custom.sync': { n: 1 } }] }]);
    const [run] = await h.engine.dispatch(message('x'));
    expect(run?.outcome).toBe('shadow');
    expect(h.probe.actions).toEqual([]);
  });
});
