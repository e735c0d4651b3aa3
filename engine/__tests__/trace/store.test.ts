import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRACE_RETENTION, InMemoryTraceStore, TRACE_OUTCOMES } from '../../src/index.js';
import type { TraceOutcome } from '../../src/index.js';
import { trace } from './fixtures.js';

describe('InMemoryTraceStore', () => {
  it('keeps each outcome in its own bounded bucket: noisy non-matches never push out errors', async () => {
    const store = new InMemoryTraceStore({ retention: { 'condition-false': 5, error: 3 } });
    const errors = [trace('error'), trace('error')];
    for (const t of errors) store.record(t);
    for (let i = 0; i < 1000; i++) store.record(trace('condition-false'));
    const g = store.forGuild('g1');
    expect((await g.list({ outcome: 'error' })).map((t) => t.id)).toEqual(errors.map((t) => t.id).reverse());
    expect((await g.list({ outcome: 'condition-false', limit: 1000 })).length).toBe(5);
    const counts = await g.counts();
    expect(counts.error).toBe(2);
    expect(counts['condition-false']).toBe(5);
  });

  it('property: after any sequence, each bucket holds exactly the newest min(n, capacity) of its outcome', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...TRACE_OUTCOMES), { maxLength: 300 }),
        fc.integer({ min: 0, max: 20 }),
        async (outcomes, cap) => {
          const store = new InMemoryTraceStore({ bucket: cap, retention: { filtered: cap } });
          const recorded = outcomes.map((o) => trace(o));
          for (const t of recorded) store.record(t);
          const g = store.forGuild('g1');
          for (const o of TRACE_OUTCOMES) {
            const expected = (cap === 0 ? [] : recorded.filter((t) => t.outcome === o).slice(-cap))
              .reverse()
              .map((t) => t.id);
            expect((await g.list({ outcome: o, limit: 10_000 })).map((t) => t.id)).toEqual(expected);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('does not keep filtered runs by default, and says so through wants()', () => {
    const store = new InMemoryTraceStore();
    expect(DEFAULT_TRACE_RETENTION.filtered).toBe(0);
    expect(store.wants('g1', 'filtered')).toBe(false);
    expect(store.wants('g1', 'error')).toBe(true);
    const stop = store.forGuild('g1').subscribe(() => {}, { outcomes: ['filtered'] });
    expect(store.wants('g1', 'filtered')).toBe(true);
    expect(store.wants('g2', 'filtered')).toBe(false);
    stop();
    expect(store.wants('g1', 'filtered')).toBe(false);
  });

  it("streams a guild's traces to that guild's subscribers only, filtered by outcome and rule", async () => {
    const store = new InMemoryTraceStore();
    const seen1: string[] = [];
    const seen2: string[] = [];
    const onlyErrors: string[] = [];
    store.forGuild('g1').subscribe((t) => seen1.push(t.id));
    store.forGuild('g2').subscribe((t) => seen2.push(t.id));
    store.forGuild('g1').subscribe((t) => onlyErrors.push(t.id), { outcomes: ['error'], rule: 'x' });
    const a = trace('fired', 'g1');
    const b = trace('fired', 'g2');
    const c = trace('error', 'g1', 'x');
    const d = trace('filtered', 'g1');
    for (const t of [a, b, c, d]) store.record(t);
    expect(seen1).toEqual([a.id, c.id]);
    expect(seen2).toEqual([b.id]);
    expect(onlyErrors).toEqual([c.id]);
    expect(await store.forGuild('g2').get(a.id)).toBeUndefined();
    expect((await store.forGuild('g1').get(a.id))?.id).toBe(a.id);
  });

  it('a throwing listener never breaks recording', async () => {
    const store = new InMemoryTraceStore();
    store.forGuild('g1').subscribe(() => {
      throw new Error('socket closed');
    });
    store.record(trace('fired'));
    expect((await store.forGuild('g1').list()).length).toBe(1);
  });

  it('filters by rule and since, newest first, and clears', async () => {
    const store = new InMemoryTraceStore();
    const ts = [trace('fired', 'g1', 'a'), trace('error', 'g1', 'b'), trace('fired', 'g1', 'a')];
    for (const t of ts) store.record(t);
    const g = store.forGuild('g1');
    expect((await g.list({ rule: 'a' })).map((t) => t.id)).toEqual([ts[2]?.id, ts[0]?.id]);
    expect((await g.list({ since: ts[1]?.startedAt ?? 0 })).map((t) => t.id)).toEqual([ts[2]?.id, ts[1]?.id]);
    expect((await g.list({ limit: 1 })).length).toBe(1);
    await g.clear();
    expect(await g.list()).toEqual([]);
  });

  it('builds a deferred trace only when it is read or streamed, once', async () => {
    let builds = 0;
    const deferred = (outcome: TraceOutcome, ruleId = 'r') => {
      const t = trace(outcome, 'g1', ruleId);
      return {
        deferred: true as const,
        id: t.id,
        guildId: 'g1',
        outcome,
        ruleId,
        tags: undefined,
        startedAt: t.startedAt,
        build: () => (builds++, t),
      };
    };
    const store = new InMemoryTraceStore({ retention: { 'condition-false': 2 } });
    for (let i = 0; i < 10; i++) store.record(deferred('condition-false'));
    expect(builds).toBe(0);
    const listed = await store.forGuild('g1').list({ outcome: 'condition-false' });
    expect(listed).toHaveLength(2);
    expect(builds).toBe(2);
    await store.forGuild('g1').list();
    expect(builds).toBe(2);
    const streamed: string[] = [];
    store.forGuild('g1').subscribe((t) => streamed.push(t.id), { outcomes: ['filtered'], rule: 'x' });
    store.record(deferred('filtered', 'other'));
    expect(builds).toBe(2);
    const x = deferred('filtered', 'x');
    store.record(x);
    expect(builds).toBe(3);
    expect(streamed).toEqual([x.id]);
  });

  it('orders traces of the same millisecond by recording order, across buckets', async () => {
    const store = new InMemoryTraceStore();
    const ts = Array.from({ length: 50 }, (_, i) => ({ ...trace(i % 2 === 0 ? 'fired' : 'error'), startedAt: 7 }));
    for (const t of ts) store.record(t);
    expect((await store.forGuild('g1').list({ limit: 50 })).map((t) => t.id)).toEqual(ts.map((t) => t.id).reverse());
  });

  it('rejects a negative retention', () => {
    expect(() => new InMemoryTraceStore({ retention: { error: -1 } })).toThrow(/retention/);
  });
});
