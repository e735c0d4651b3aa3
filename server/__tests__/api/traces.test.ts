// The trace feed behind GET traces and the stream: filters agree with a plain model, and a guild never sees another
// guild's trace even from a store that hands one out.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryTraceStore, TRACE_OUTCOMES, type Trace, type TraceOutcome, type TraceStore } from '@rulecord/engine';
import { traceFeed, type TraceFilter } from '../../src/api/traces.js';
import { sampleTrace } from './trace-fixture.js';

const OUTCOMES = TRACE_OUTCOMES.filter((o) => o !== 'filtered');

function trace(n: number, guildId: string, rule: string, outcome: TraceOutcome, user: string): Trace {
  return sampleTrace({ id: `t${n}`, guildId, rule, outcome, user, at: 1_000 + n * 10 });
}

const spec = fc.record({
  guild: fc.constantFrom('1', '2'),
  rule: fc.constantFrom('r1', 'r2'),
  outcome: fc.constantFrom(...OUTCOMES),
  user: fc.constantFrom('u1', 'u2'),
});

const filter: fc.Arbitrary<TraceFilter> = fc.record(
  {
    rule: fc.constantFrom('r1', 'r2', 'r3'),
    outcome: fc.constantFrom(...OUTCOMES),
    user: fc.constantFrom('u1', 'u2'),
    since: fc.integer({ min: 900, max: 1_400 }),
    until: fc.integer({ min: 900, max: 1_400 }),
    limit: fc.integer({ min: 1, max: 40 }),
  },
  { requiredKeys: [] },
);

describe('traceFeed', () => {
  it('lists what a plain filter of the guild’s traces gives, newest first, at most `limit` (default 100)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(spec, { maxLength: 40 }), filter, async (specs, f) => {
        const store = new InMemoryTraceStore();
        const all = specs.map((s, n) => trace(n, s.guild, s.rule, s.outcome, s.user));
        for (const t of all) store.record(t);
        const expected = all
          .filter(
            (t) =>
              t.guildId === '1' &&
              (f.rule === undefined || t.rule.id === f.rule) &&
              (f.outcome === undefined || t.outcome === f.outcome) &&
              (f.user === undefined || (t.trigger.payload as { author: { id: string } }).author.id === f.user) &&
              (f.since === undefined || t.startedAt >= f.since) &&
              (f.until === undefined || t.startedAt < f.until),
          )
          .reverse()
          .slice(0, f.limit ?? 100)
          .map((t) => t.id);
        expect((await traceFeed(store).list('1', f)).map((t) => t.id)).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('drops another guild’s traces even when the store hands them out', async () => {
    const mine = trace(1, '1', 'r1', 'fired', 'u1');
    const theirs = trace(2, '2', 'r1', 'fired', 'u1');
    const leaky: TraceStore = {
      record: () => undefined,
      wants: () => true,
      forGuild: (guildId) => ({
        guildId,
        list: async () => [theirs, mine],
        get: async () => undefined,
        subscribe: (listener) => {
          listener(theirs);
          listener(mine);
          return () => undefined;
        },
        counts: async () => ({}) as Record<TraceOutcome, number>,
        clear: async () => undefined,
      }),
    };
    const feed = traceFeed(leaky);
    expect((await feed.list('1', {})).map((t) => t.id)).toEqual(['t1']);
    const streamed: string[] = [];
    feed.subscribe('1', (t) => streamed.push(t.id))();
    expect(streamed).toEqual(['t1']);
  });
});
