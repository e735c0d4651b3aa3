import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/index.js';
import { GUILD, harness, load, message } from './fixtures.js';

const collect = (h: Awaited<ReturnType<typeof harness>>): RunSummary[] => {
  const runs: RunSummary[] = [];
  h.engine.onRun((r) => runs.push(r));
  return runs;
};

describe('Engine: wait, resume and timers', () => {
  it('wait parks the rest of the run and the timer resumes it with its context', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'two-stage',
        on: 'message.create',
        if: { fact: 'message.length', operator: 'greaterThan', value: 0 },
        then: [
          { 'member.warn': { user: '{{ user.id }}' }, as: 'w' },
          { wait: '10m' },
          {
            'member.warn': {
              user: '{{ user.id }}',
              reason: 'follow-up to {{ steps.w.caseId }} ({{ facts.message.length }})',
            },
          },
        ],
      },
    ]);
    const [first] = await h.engine.dispatch(message('hello'));
    expect(first?.outcome).toBe('fired');
    expect(first?.parked).toMatchObject({ step: 2, until: h.clock.now() + 600_000 });
    expect(h.probe.actions).toHaveLength(1);
    const lengthCalls = h.probe.factCalls['message.length'];

    const runs = collect(h);
    await h.scheduler.advance(599_999);
    expect(runs).toEqual([]);
    await h.scheduler.advance(1);
    expect(runs.map((r) => [r.ruleId, r.outcome])).toEqual([['two-stage', 'fired']]);
    expect(h.probe.actions[1]?.params).toEqual({ user: 'u1', reason: 'follow-up to case-1 (5)' });
    // The fact seen before the wait came back with the run: not resolved again.
    expect(h.probe.factCalls['message.length']).toBe(lengthCalls);
    const traces = await h.engine.traces.forGuild(GUILD).list({ rule: 'two-stage' });
    expect(traces.map((t) => t.segment).sort()).toEqual([0, 1]);
    expect(new Set(traces.map((t) => t.runId)).size).toBe(1);
  });

  it('a parked run whose rule was removed or whose steps changed is cancelled, traced', async () => {
    const h = await harness();
    const rule = { id: 'later', on: 'message.create', then: [{ wait: '1m' }, { 'member.warn': { user: 'u' } }] };
    load(h, [rule]);
    await h.engine.dispatch(message('a'));
    load(h, [{ id: 'other', on: 'member.join', then: [{ 'log.trace': { message: 'x' } }] }]);
    await h.scheduler.advance(60_000);
    expect(h.probe.actions).toEqual([]);
    const [gone] = await h.engine.traces.forGuild(GUILD).list({ outcome: 'cancelled' });
    expect(gone?.error?.code).toBe('RC_RESUME_RULE_GONE');

    load(h, [rule]);
    await h.engine.dispatch(message('b'));
    load(h, [{ ...rule, then: [{ wait: '1m' }, { 'member.warn': { user: 'changed' } }] }]);
    await h.scheduler.advance(60_000);
    expect(h.probe.actions).toEqual([]);
    const cancelled = await h.engine.traces.forGuild(GUILD).list({ outcome: 'cancelled' });
    expect(cancelled.map((t) => t.error?.code).sort()).toEqual(['RC_RESUME_RULE_CHANGED', 'RC_RESUME_RULE_GONE']);

    // A change elsewhere in the rule (its description) keeps parked runs alive.
    load(h, [rule]);
    await h.engine.dispatch(message('c'));
    load(h, [{ ...rule, description: 'edited' }]);
    await h.scheduler.advance(60_000);
    expect(h.probe.actions.map((a) => a.name)).toEqual(['member.warn']);
  });

  it('a parked run whose rule was switched to shadow finishes as would-run, performing nothing', async () => {
    const h = await harness();
    const rule = {
      id: 'later',
      on: 'message.create',
      then: [{ 'member.warn': { user: 'first' } }, { wait: '1m' }, { 'member.warn': { user: 'second' } }],
    };
    load(h, [rule]);
    await h.engine.dispatch(message('a'));
    load(h, [{ ...rule, mode: 'shadow' as const }]);
    const runs = collect(h);
    await h.scheduler.advance(60_000);
    expect(h.probe.actions.map((a) => a.params.user)).toEqual(['first']);
    expect(runs.map((r) => [r.outcome, r.actions.map((a) => [a.action, a.status])])).toEqual([
      ['shadow', [['member.warn', 'would-run']]],
    ]);
  });

  it('a parked run that falls due before its guild is loaded is retried by the scheduler, not dropped', async () => {
    const h = await harness();
    const rule = { id: 'later', on: 'message.create', then: [{ wait: '1m' }, { 'member.warn': { user: 'u' } }] };
    load(h, [rule]);
    await h.engine.dispatch(message('a'));
    h.engine.unload(GUILD);
    await h.scheduler.advance(60_000);
    expect(h.probe.actions).toEqual([]);
    const [pending] = await h.scheduler.store.listPending(GUILD);
    expect(pending?.lastError).toContain('no rule set loaded');
    load(h, [rule]);
    await h.scheduler.advance(60_000);
    expect(h.probe.actions.map((a) => a.name)).toEqual(['member.warn']);
  });

  it('ctx.schedule fires the scheduled event later, through the router', async () => {
    const h = await harness();
    load(h, [
      { id: 'remind-me', on: 'message.create', then: [{ 'custom.schedule': { id: 'r1', in: 3_600_000 } }] },
      {
        id: 'on-reminder',
        on: 'custom.reminder',
        then: [{ 'member.warn': { user: '{{ event.userId }}', reason: 'reminder' } }],
      },
    ]);
    await h.engine.dispatch(message('x'));
    const runs = collect(h);
    await h.scheduler.advance(3_600_000);
    expect(runs.map((r) => [r.ruleId, r.eventType])).toEqual([['on-reminder', 'custom.reminder']]);
    expect(h.probe.actions.at(-1)).toEqual({ name: 'member.warn', params: { user: 'u1', reason: 'reminder' } });
  });

  it('a timer of another kind becomes a timer.fired event', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'tf',
        on: 'timer.fired',
        if: { fact: 'event.kind', operator: 'equal', value: 'custom' },
        then: [{ 'member.warn': { user: '{{ event.data.who }}' } }],
      },
    ]);
    await h.scheduler.schedule({
      id: 'x1',
      guildId: GUILD,
      kind: 'custom',
      dueAt: h.clock.now() + 5,
      payload: { who: 'u9' },
    });
    await h.scheduler.advance(5);
    expect(h.probe.actions).toEqual([{ name: 'member.warn', params: { user: 'u9' } }]);
  });

  it("timerEvents maps a timer kind to an event (e.g. the schedule module's ticks), once per occurrence", async () => {
    const h = await harness({
      timerEvents: {
        'custom.tick': (t) => ({
          id: `tick:${t.id}:${t.dueAt}`,
          guildId: 'ignored',
          type: 'custom.ping',
          at: t.dueAt,
          payload: { userId: String((t.payload as { who: string }).who) },
        }),
      },
    });
    load(h, [{ id: 'on-tick', on: 'custom.ping', then: [{ 'member.warn': { user: '{{ event.userId }}' } }] }]);
    await h.scheduler.schedule({
      id: 'tick-1',
      guildId: GUILD,
      kind: 'custom.tick',
      dueAt: h.clock.now() + 60_000,
      payload: { who: 'u7' },
      cron: '* * * * *',
    });
    await h.scheduler.advance(180_000);
    expect(h.probe.actions.map((a) => a.params.user)).toEqual(['u7', 'u7', 'u7']);
  });
});

describe('Engine: limits, concurrency, redelivery, emit, shadow', () => {
  it('cooldown per user: the second run within the window is limited', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'cd',
        on: 'message.create',
        limits: { cooldown: { per: 'user', window: '30s' } },
        then: [{ 'member.warn': { user: 'u' } }],
      },
    ]);
    expect((await h.engine.dispatch(message('a')))[0]?.outcome).toBe('fired');
    const [limited] = await h.engine.dispatch(message('b'));
    expect(limited?.outcome).toBe('limited');
    expect((await h.engine.dispatch(message('c', { userId: 'u2' })))[0]?.outcome).toBe('fired');
    h.clock.advance(30_000);
    expect((await h.engine.dispatch(message('d')))[0]?.outcome).toBe('fired');
    const [t] = await h.engine.traces.forGuild(GUILD).list({ outcome: 'limited' });
    expect(t?.limits[0]).toMatchObject({ kind: 'cooldown', key: 'user:u1' });
  });

  it('rate per channel: at most max runs per window', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'rt',
        on: 'message.create',
        limits: { rate: { per: 'channel', max: 2, window: '1m' } },
        then: [{ 'member.warn': { user: 'u' } }],
      },
    ]);
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push((await h.engine.dispatch(message(`m${i}`)))[0]?.outcome);
    expect(outcomes).toEqual(['fired', 'fired', 'limited', 'limited']);
    h.clock.advance(60_000);
    expect((await h.engine.dispatch(message('z')))[0]?.outcome).toBe('fired');
  });

  it('a redelivered event id acts once', async () => {
    const h = await harness();
    load(h, [{ id: 'once', on: 'message.create', then: [{ 'member.warn': { user: 'u' } }] }]);
    const e = message('x');
    await h.engine.dispatch(e);
    expect(await h.engine.dispatch(e)).toEqual([]);
    expect(h.probe.actions).toHaveLength(1);
  });

  it('concurrency drop / restart / queue for runs parked in a wait', async () => {
    const rule = (mode: 'drop' | 'restart' | 'queue') => ({
      id: `c-${mode}`,
      on: 'message.create',
      concurrency: { mode, per: 'user' as const },
      then: [
        { 'member.warn': { user: 'start {{ event.content }}' } },
        { wait: '10m' },
        { 'member.warn': { user: 'end {{ event.content }}' } },
      ],
    });
    // drop: the second run is limited while the first waits.
    let h = await harness();
    load(h, [rule('drop')]);
    await h.engine.dispatch(message('1'));
    const [second] = await h.engine.dispatch(message('2'));
    expect(second?.outcome).toBe('limited');
    await h.scheduler.advance(600_000);
    expect(h.probe.actions.map((a) => a.params.user)).toEqual(['start 1', 'end 1']);
    expect((await h.engine.dispatch(message('3')))[0]?.outcome).toBe('fired');

    // restart: the second run replaces the first; the first never ends.
    h = await harness();
    load(h, [rule('restart')]);
    await h.engine.dispatch(message('1'));
    h.clock.advance(1000);
    await h.engine.dispatch(message('2'));
    await h.scheduler.advance(600_000);
    expect(h.probe.actions.map((a) => a.params.user)).toEqual(['start 1', 'start 2', 'end 2']);

    // queue: the second run starts when the first ends.
    h = await harness();
    load(h, [rule('queue')]);
    await h.engine.dispatch(message('1'));
    const [queued] = await h.engine.dispatch(message('2'));
    expect(queued?.outcome).toBe('limited');
    await h.scheduler.advance(600_000);
    expect(h.probe.actions.map((a) => a.params.user)).toEqual(['start 1', 'end 1', 'start 2']);
    await h.scheduler.advance(600_000);
    expect(h.probe.actions.map((a) => a.params.user)).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('emitted events re-enter the router after the run, and loops stop at the depth limit', async () => {
    const h = await harness({ limits: { emitDepth: 3 } });
    load(h, [
      {
        id: 'start',
        on: 'message.create',
        then: [{ 'event.emit': { type: 'custom.ping', payload: { n: 0, userId: '{{ user.id }}' } } }],
      },
      {
        id: 'loop',
        on: 'custom.ping',
        then: [
          { 'member.warn': { user: '{{ event.userId }}' } },
          { 'event.emit': { type: 'custom.ping', payload: { userId: '{{ event.userId }}' } } },
        ],
      },
    ]);
    const runs = await h.engine.dispatch(message('x'));
    expect(runs.map((r) => [r.ruleId, r.depth, r.outcome])).toEqual([
      ['start', 0, 'fired'],
      ['loop', 1, 'fired'],
      ['loop', 2, 'fired'],
      ['loop', 3, 'error'],
    ]);
    expect(runs.at(-1)?.error?.code).toBe('RC_EMIT_DEPTH');
    expect(h.probe.actions).toHaveLength(3);
  });

  it('shadow mode evaluates and traces but performs nothing', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'shadowed',
        on: 'message.create',
        mode: 'shadow',
        limits: { cooldown: { per: 'user', window: '1h' } },
        if: { fact: 'message.length', operator: 'greaterThan', value: 0 },
        then: [
          { 'message.delete': {} },
          { wait: '1m' },
          { 'member.warn': { user: '{{ user.id }}', reason: 'in {{ guild.name }}' } },
        ],
      },
    ]);
    const [a] = await h.engine.dispatch(message('x'));
    const [b] = await h.engine.dispatch(message('y'));
    expect([a?.outcome, b?.outcome]).toEqual(['shadow', 'shadow']);
    expect(a?.actions.map((x) => [x.action, x.status])).toEqual([
      ['message.delete', 'would-run'],
      ['wait', 'would-run'],
      ['member.warn', 'would-run'],
    ]);
    // The Discord lookup is not made: the placeholder stays as written and a note says so.
    expect(a?.actions[2]?.params).toEqual({ user: 'u1', reason: 'in {{ guild.name }}' });
    expect(h.probe.actions).toEqual([]);
    expect(h.discord.calls).toEqual([]);
    expect(h.state.size).toBe(0);
    expect(await h.scheduler.store.listPending(GUILD)).toEqual([]);
  });
});
