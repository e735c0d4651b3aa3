import { describe, expect, it } from 'vitest';
import { InMemoryTraceStore } from '../../src/index.js';
import { GUILD, dispatchAll, harness, load, message } from './fixtures.js';

describe('Engine: routing, where, conditions', () => {
  it('runs a matching rule and records a fired trace with leaves and facts', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'no-shouting',
        on: 'message.create',
        if: {
          all: [
            { fact: 'message.capsRatio', operator: 'greaterThan', value: 0.7 },
            { fact: 'message.length', operator: 'greaterThanInclusive', value: 10 },
          ],
        },
        then: [
          { 'message.delete': { reason: 'caps' } },
          { 'member.warn': { user: '{{ user.id }}', reason: 'Too many capitals' } },
        ],
      },
    ]);
    const [run] = await h.engine.dispatch(message('HELLO EVERYONE LOOK AT ME'));
    expect(run?.outcome).toBe('fired');
    expect(run?.actions.map((a) => a.action)).toEqual(['message.delete', 'member.warn']);
    expect(h.probe.actions[1]).toEqual({ name: 'member.warn', params: { user: 'u1', reason: 'Too many capitals' } });
    expect(h.discord.calls.map((c) => c.method)).toEqual(['deleteMessage']);
    const [trace] = await h.engine.traces.forGuild(GUILD).list();
    expect(trace?.outcome).toBe('fired');
    expect(trace?.condition?.leaves.map((l) => [l.fact, l.result])).toEqual([
      ['message.capsRatio', true],
      ['message.length', true],
    ]);
    expect(trace?.facts.find((f) => f.name === 'message.length')?.value).toBe(25);
    expect(trace?.actions[1]?.params).toEqual({ user: 'u1', reason: 'Too many capitals' });
    expect(trace?.actions[1]?.result).toEqual({ caseId: 'case-2' });
  });

  it('does not fire when the condition is false, and leaves a condition-false trace', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'caps',
        on: 'message.create',
        if: { fact: 'message.capsRatio', operator: 'greaterThan', value: 0.7 },
        then: [{ 'message.delete': {} }],
      },
    ]);
    // dispatch lists only runs that passed their condition; onRun listeners see the quiet ones too.
    expect(await h.engine.dispatch(message('hello there'))).toEqual([]);
    const [run] = await dispatchAll(h.engine, message('hello again'));
    expect(run?.outcome).toBe('condition-false');
    expect(h.probe.actions).toEqual([]);
    expect((await h.engine.traces.forGuild(GUILD).list({ outcome: 'condition-false' })).length).toBe(2);
  });

  it('a condition-false trace (built on read) shows the leaves and facts the run saw', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'caps-and-long',
        on: 'message.create',
        if: {
          any: [
            {
              all: [
                { fact: 'message.length', operator: 'greaterThan', value: 3 },
                { fact: 'message.capsRatio', operator: 'greaterThan', value: 0.9 },
              ],
            },
            { fact: 'member.accountAge', operator: 'lessThan', value: 2 },
          ],
        },
        then: [{ 'message.delete': {} }],
      },
    ]);
    const [run] = await dispatchAll(h.engine, message('Hello'));
    expect(run?.outcome).toBe('condition-false');
    const [trace] = await h.engine.traces.forGuild(GUILD).list({ outcome: 'condition-false' });
    expect(trace?.id).toBe(run?.traceId);
    expect(trace?.condition?.result).toBe(false);
    expect(trace?.condition?.leaves.map((l) => [l.fact, l.actual, l.result])).toEqual([
      ['message.length', 5, true],
      ['message.capsRatio', 0.2, false],
      ['member.accountAge', 400, false],
    ]);
    expect(trace?.facts.map((f) => [f.name, f.value])).toEqual([
      ['message.length', 5],
      ['message.capsRatio', 0.2],
      ['member.accountAge', 400],
    ]);
    expect(trace?.where).toEqual({
      result: true,
      checks: [{ filter: 'bots', expected: false, actual: false, result: true }],
    });
  });

  it('applies where before any fact, skips bots on message events by default', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'only-general',
        on: 'message.create',
        where: { channel: { in: ['general'] } },
        if: { fact: 'message.length', operator: 'greaterThan', value: 0 },
        then: [{ 'message.delete': {} }],
      },
      {
        id: 'not-mods',
        on: 'message.create',
        where: { roles: { none: ['mod'] } },
        if: { fact: 'message.length', operator: 'greaterThan', value: 0 },
        then: [{ 'member.warn': { user: 'x' } }],
      },
      { id: 'bots-too', on: 'message.create', where: { bots: true }, then: [{ 'log.trace': { message: 'seen' } }] },
    ]);
    const other = await dispatchAll(h.engine, message('hi', { channelId: 'random', member: { roles: ['mod'] } }));
    // only-general is not even routed (channel index); not-mods is filtered by roles; bots-too fires.
    expect(other.map((r) => [r.ruleId, r.outcome])).toEqual([
      ['not-mods', 'filtered'],
      ['bots-too', 'fired'],
    ]);
    expect(h.probe.factCalls['message.length']).toBeUndefined();
    const bot = await dispatchAll(h.engine, message('hi', { author: { id: 'b', bot: true } }));
    expect(bot.map((r) => [r.ruleId, r.outcome])).toEqual([
      ['only-general', 'filtered'],
      ['not-mods', 'filtered'],
      ['bots-too', 'fired'],
    ]);
  });

  it('filtered runs are not kept by default, and are when retention asks for them', async () => {
    const rules = [
      {
        id: 'staff-only',
        on: 'message.create',
        where: { channel: { in: ['staff'] } },
        then: [{ 'log.trace': { message: 'x' } }],
      },
      {
        id: 'no-mods',
        on: 'message.create',
        where: { roles: { none: ['member'] } },
        then: [{ 'log.trace': { message: 'x' } }],
      },
    ];
    const h = await harness();
    load(h, rules);
    const [run] = await dispatchAll(h.engine, message('hi'));
    expect(run).toMatchObject({ ruleId: 'no-mods', outcome: 'filtered' });
    expect(run?.traceId).toBeUndefined();
    expect(await h.engine.traces.forGuild(GUILD).list({ outcome: 'filtered' })).toEqual([]);

    const kept = await harness({ traces: new InMemoryTraceStore({ retention: { filtered: 10 } }) });
    load(kept, rules);
    const runs = await dispatchAll(kept.engine, message('hi'));
    // With filtered runs wanted, the channel index no longer hides rules: every rule of the event type is traced.
    expect(runs.map((r) => [r.ruleId, r.outcome])).toEqual([
      ['staff-only', 'filtered'],
      ['no-mods', 'filtered'],
    ]);
    const traces = await kept.engine.traces.forGuild(GUILD).list({ outcome: 'filtered' });
    expect(traces.map((t) => [t.rule.id, t.where.checks.at(-1)?.filter])).toEqual([
      ['no-mods', 'roles'],
      ['staff-only', 'channel'],
    ]);
  });

  it('memoises facts per event across rules and resolves async io facts', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'a',
        on: 'message.create',
        if: { fact: 'member.accountAge', operator: 'greaterThan', value: 30 },
        then: [{ 'log.trace': { message: 'old' } }],
      },
      {
        id: 'b',
        on: 'message.create',
        if: { fact: 'member.accountAge', operator: 'greaterThan', value: 300 },
        then: [{ 'log.trace': { message: 'very old' } }],
      },
    ]);
    const runs = await h.engine.dispatch(message('x'));
    expect(runs.map((r) => r.outcome)).toEqual(['fired', 'fired']);
    expect(h.probe.factCalls['member.accountAge']).toBe(1);
    const traces = await h.engine.traces.forGuild(GUILD).list();
    expect(traces[0]?.facts[0]).toMatchObject({ name: 'member.accountAge', value: 400, cost: 'io' });
    expect(traces.flatMap((t) => t.notes.map((n) => n.message)).sort()).toEqual(['old', 'very old']);
  });

  it('reads event.<path> and now pseudo-facts and module settings with defaults', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'p',
        on: 'message.create',
        if: {
          all: [
            { fact: 'event.content', operator: 'equal', value: 'ping' },
            { fact: 'now', operator: 'greaterThan', value: 0 },
            { fact: 'test.greeting', operator: 'equal', value: 'hello' },
          ],
        },
        then: [{ 'member.warn': { user: '{{ user.id }}', reason: '{{ event.content | upper }} at {{ now }}' } }],
      },
    ]);
    const [run] = await h.engine.dispatch(message('ping'));
    expect(run?.outcome).toBe('fired');
    expect(h.probe.actions[0]?.params.reason).toBe(`PING at ${h.clock.now()}`);
  });

  it('exceeding the per-event io fact budget is an error trace', async () => {
    const h = await harness({ limits: { factBudget: 2 } });
    load(h, [
      {
        id: 'greedy',
        on: 'message.create',
        if: { all: [1, 2, 3].map((n) => ({ fact: 'test.io', operator: 'equal', value: n, params: { n } })) },
        then: [{ 'message.delete': {} }],
      },
    ]);
    const [run] = await h.engine.dispatch(message('x'));
    expect(run?.outcome).toBe('error');
    expect(run?.error?.code).toBe('RC_FACT_BUDGET');
    expect(h.probe.actions).toEqual([]);
  });

  it('a throwing fact provider is an error trace, not an exception', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'broken',
        on: 'message.create',
        if: { fact: 'test.broken', operator: 'equal', value: 1 },
        then: [{ 'message.delete': {} }],
      },
    ]);
    const [run] = await h.engine.dispatch(message('x'));
    expect(run?.outcome).toBe('error');
    expect(run?.error?.code).toBe('RC_FACT_FAILED');
    expect(run?.error?.kind).toBe('bug');
  });

  it('a failed load keeps the previous rule set', async () => {
    const h = await harness();
    load(h, [{ id: 'a', on: 'message.create', then: [{ 'log.trace': { message: 'a' } }] }]);
    const bad = h.engine.load(
      {
        apiVersion: 'rulecord/v1',
        kind: 'RuleSet',
        guild: GUILD,
        rules: [{ id: 'b', on: 'message.create', then: [{ 'no.such': {} }] }],
      },
      { tier: 'free' },
    );
    expect(bad.ok).toBe(false);
    expect(bad.problems.length).toBeGreaterThan(0);
    expect(h.engine.loaded(GUILD)?.rules).toEqual(['a']);
    const runs = await h.engine.dispatch(message('x'));
    expect(runs.map((r) => r.ruleId)).toEqual(['a']);
  });

  it('traces carry the rule tags and can be listed by tag', async () => {
    const h = await harness();
    load(h, [
      { id: 'tagged', tags: ['automod'], on: 'message.create', then: [{ 'log.trace': { message: 'a' } }] },
      { id: 'plain', on: 'message.create', then: [{ 'log.trace': { message: 'b' } }] },
    ]);
    await h.engine.dispatch(message('x'));
    const tagged = await h.engine.traces.forGuild(GUILD).list({ tag: 'automod' });
    expect(tagged.map((t) => [t.rule.id, t.rule.tags])).toEqual([['tagged', ['automod']]]);
  });

  it('disabled rules are not routed; unknown guilds do nothing', async () => {
    const h = await harness();
    load(h, [{ id: 'off', enabled: false, on: 'message.create', then: [{ 'message.delete': {} }] }]);
    expect(await h.engine.dispatch(message('x'))).toEqual([]);
    expect(await h.engine.dispatch(message('x', {}, 'other-guild'))).toEqual([]);
  });
});

describe('Engine: actions', () => {
  it('a param that is exactly one placeholder keeps its type; steps.<as> reads earlier results', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'typed',
        on: 'message.create',
        then: [
          { 'member.warn': { user: '{{ user.id }}' }, as: 'first' },
          {
            'member.warn': {
              user: '{{ user.id }}',
              reason: 'after {{ steps.first.caseId }}',
              count: '{{ facts.message.length }}',
            },
          },
        ],
      },
    ]);
    const [run] = await h.engine.dispatch(message('abcd'));
    expect(run?.outcome).toBe('fired');
    expect(h.probe.actions[1]?.params).toEqual({ user: 'u1', reason: 'after case-1', count: 4 });
  });

  it('renders user, member, channel and guild variables, through Discord when the payload lacks them', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'vars',
        on: 'message.create',
        then: [
          {
            'member.warn': {
              user: '{{ user.mention }}',
              reason:
                '{{ member.displayName }}|{{ author.username }}|{{ channel.mention }}|{{ guild.name }}|{{ guild.memberCount }}|{{ event.missing | default: "none" }}',
            },
          },
        ],
      },
    ]);
    await h.engine.dispatch(message('x'));
    expect(h.probe.actions[0]?.params).toEqual({ user: '<@u1>', reason: 'Ada|ada|<#general>|Test Guild|42|none' });
  });

  it('params that render invalid are RC_BAD_PARAM, a user error, and the action does not run', async () => {
    const h = await harness();
    load(h, [{ id: 'bad', on: 'message.create', then: [{ 'member.warn': { user: '{{ event.nobody }}' } }] }]);
    const [run] = await h.engine.dispatch(message('x'));
    expect(run?.outcome).toBe('error');
    expect(run?.error).toMatchObject({ code: 'RC_BAD_PARAM', kind: 'user' });
    expect(h.probe.actions).toEqual([]);
  });

  it('an action that hangs times out (RC_ACTION_TIMEOUT, transient) and onError decides what follows', async () => {
    const h = await harness({ limits: { actionTimeoutMs: 20 } });
    load(h, [
      {
        id: 'hang',
        on: 'message.create',
        then: [{ 'custom.hang': {}, onError: 'continue' }, { 'member.warn': { user: 'u' } }],
      },
    ]);
    const [run] = await h.engine.dispatch(message('x'));
    expect(run?.outcome).toBe('fired');
    const [trace] = await h.engine.traces.forGuild(GUILD).list();
    expect(trace?.actions[0]?.error).toMatchObject({ code: 'RC_ACTION_TIMEOUT', kind: 'transient' });
    expect(h.probe.actions.map((a) => a.name)).toEqual(['member.warn']);
  });

  it('retries transient errors with backoff, never bugs; onError continue goes on', async () => {
    const sleeps: number[] = [];
    const h = await harness({ sleep: (ms) => (sleeps.push(ms), Promise.resolve()) });
    load(h, [
      {
        id: 'retry',
        on: 'message.create',
        then: [
          { 'custom.flaky': { failures: 2 }, retry: { attempts: 3, backoff: '1s' } },
          { 'log.trace': { message: 'after' } },
        ],
      },
    ]);
    const [run] = await h.engine.dispatch(message('x'));
    expect(run?.outcome).toBe('fired');
    expect(sleeps).toEqual([1000, 2000]);
    const [trace] = await h.engine.traces.forGuild(GUILD).list();
    expect(trace?.actions[0]?.attempts).toBe(3);

    load(h, [
      {
        id: 'bug',
        on: 'message.create',
        then: [
          { 'custom.flaky': { bug: true }, retry: { attempts: 5 }, onError: 'continue' },
          { 'member.warn': { user: 'u' } },
        ],
      },
    ]);
    h.probe.actions.length = 0;
    const [run2] = await h.engine.dispatch(message('x'));
    expect(run2?.outcome).toBe('fired');
    expect(h.probe.actions.map((a) => a.name)).toEqual(['custom.flaky', 'member.warn']);
    const [t2] = await h.engine.traces.forGuild(GUILD).list({ rule: 'bug' });
    expect(t2?.errors).toBe(1);
    expect(t2?.actions[0]).toMatchObject({
      status: 'error',
      attempts: 1,
      error: { code: 'RC_ACTION_FAILED', kind: 'bug' },
    });

    load(h, [
      { id: 'stop', on: 'message.create', then: [{ 'custom.flaky': { bug: true } }, { 'member.warn': { user: 'u' } }] },
    ]);
    h.probe.actions.length = 0;
    const [run3] = await h.engine.dispatch(message('x'));
    expect(run3?.outcome).toBe('error');
    expect(h.probe.actions.map((a) => a.name)).toEqual(['custom.flaky']);
  });
});
