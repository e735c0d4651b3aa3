import { describe, expect, it } from 'vitest';
import { InMemoryTraceStore } from '../../src/index.js';
import type { DeferredTrace, Rule, Trace, TraceStore } from '../../src/index.js';
import { GUILD, harness, load, message } from './fixtures.js';

/** An in-memory store that also keeps what the engine handed to `record`, as it was handed. */
function capturingStore(): { store: TraceStore; records: (Trace | DeferredTrace)[]; inner: InMemoryTraceStore } {
  const inner = new InMemoryTraceStore();
  const records: (Trace | DeferredTrace)[] = [];
  const store: TraceStore = {
    record: (t) => {
      records.push(t);
      inner.record(t);
    },
    wants: (guildId, outcome) => inner.wants(guildId, outcome),
    forGuild: (guildId) => inner.forGuild(guildId),
  };
  return { store, records, inner };
}

const SHOUT: Rule = {
  id: 'shout',
  on: 'message.create',
  where: { channel: { in: ['general'] }, roles: { any: ['member'] } },
  if: {
    all: [
      { fact: 'message.capsRatio', operator: 'greaterThan', value: 0.5 },
      {
        any: [
          { fact: 'message.length', operator: 'greaterThan', value: 3 },
          { fact: 'event.userId', operator: 'equal', value: 'u9' },
        ],
      },
    ],
  },
  // The action reads a fact the condition did not: it is listed after the condition's facts.
  then: [{ 'custom.sync': { n: '{{ facts.member.accountAge }}' } }],
};

describe('Engine: the trace of a run that passed its condition is written when it is read', () => {
  it('is recorded deferred, and builds the where checks, condition leaves and facts the run saw', async () => {
    const { store, records } = capturingStore();
    const h = await harness({ traces: store });
    load(h, [SHOUT]);
    const [run] = await h.engine.dispatch(message('HELLO THERE'));
    expect(run?.outcome).toBe('fired');
    const recorded = records.find((t) => t.id === run?.traceId);
    // Nothing of the replay is done before someone reads the trace.
    expect(recorded && 'deferred' in recorded && recorded.deferred).toBe(true);
    expect(recorded).toMatchObject({ guildId: GUILD, outcome: 'fired', ruleId: 'shout' });
    const calls = { ...h.probe.factCalls };

    const trace = await h.engine.traces.forGuild(GUILD).get(run!.traceId!);
    expect(trace?.where).toEqual({
      result: true,
      checks: [
        { filter: 'bots', expected: false, actual: false, result: true },
        { filter: 'channel', expected: { in: ['general'] }, actual: 'general', result: true },
        { filter: 'roles', expected: { any: ['member'] }, actual: ['member'], result: true },
      ],
    });
    expect(trace?.condition?.result).toBe(true);
    // The leaves it evaluated, cheapest first (the event field before the fact), with the values they saw.
    expect(trace?.condition?.leaves.map((l) => [l.fact, l.actual, l.result])).toEqual([
      ['message.capsRatio', 1, true],
      ['event.userId', 'u1', false],
      ['message.length', 11, true],
    ]);
    expect(trace?.facts.map((f) => [f.name, f.value])).toEqual([
      ['message.capsRatio', 1],
      ['event.userId', 'u1'],
      ['message.length', 11],
      ['member.accountAge', 400],
    ]);
    expect(trace?.actions.map((a) => [a.action, a.params, a.status])).toEqual([['custom.sync', { n: 400 }, 'ok']]);
    // The replay reads the memo: no provider ran again.
    expect(h.probe.factCalls).toEqual(calls);
    // Built once: read again, the same trace.
    expect(await h.engine.traces.forGuild(GUILD).get(run!.traceId!)).toBe(trace);
  });

  it('shows a subscriber, at once, the same trace as one read later from the bucket', async () => {
    const streamed = await harness();
    load(streamed, [SHOUT]);
    const seen: Trace[] = [];
    streamed.engine.traces.forGuild(GUILD).subscribe((t) => seen.push(t), { outcomes: ['fired'] });
    await streamed.engine.dispatch(message('HELLO THERE'));

    const kept = await harness();
    load(kept, [SHOUT]);
    await kept.engine.dispatch(message('HELLO THERE'));
    const [later] = await kept.engine.traces.forGuild(GUILD).list({ outcome: 'fired' });

    expect(seen).toHaveLength(1);
    // Timings and the ids of the two events differ; nothing else may.
    const VARY = new Set(['ms', 'durationMs', 'id', 'runId', 'messageId']);
    const strip = (t: Trace | undefined): unknown =>
      JSON.parse(JSON.stringify(t, (key, value: unknown) => (VARY.has(key) ? 0 : value)));
    expect(strip(later)).toEqual(strip(seen[0]));
  });

  it('a condition that throws is traced at once, with the leaves before the one that threw', async () => {
    const { store, records } = capturingStore();
    const h = await harness({ traces: store });
    load(h, [
      {
        id: 'broken',
        on: 'message.create',
        if: {
          all: [
            { fact: 'message.length', operator: 'greaterThan', value: 0 },
            { fact: 'test.broken', operator: 'equal', value: 1 },
          ],
        },
        then: [{ 'custom.sync': { n: 1 } }],
      },
    ]);
    const [run] = await h.engine.dispatch(message('hi'));
    expect(run?.outcome).toBe('error');
    const recorded = records.find((t) => t.id === run?.traceId) as Trace;
    expect('deferred' in recorded).toBe(false);
    expect(recorded.condition?.result).toBeNull();
    expect(recorded.condition?.leaves.map((l) => l.fact)).toEqual(['message.length']);
    expect(recorded.error?.message).toMatch(/test\.broken/);
  });
});
