import { describe, expect, it } from 'vitest';
import { InMemoryTraceStore, type DeferredTraces, type Trace, type TraceOutcome } from '../../src/index.js';
import { trace } from './fixtures.js';

/** The quiet runs of one event: trace k is rule `r<k>` (tag `t<k % 2>`), built on demand and counted. */
function quietRuns(ids: string[], guildId = 'g1'): DeferredTraces & { builds: number[] } {
  const builds: number[] = [];
  const built = new Map<number, Trace>();
  return {
    guildId,
    startedAt: 5,
    builds,
    id: (k) => ids[k] as string,
    ruleId: (k) => `r${k}`,
    tags: (k) => [`t${k % 2}`],
    build(k: number, outcome: TraceOutcome) {
      let t = built.get(k);
      if (t === undefined) {
        builds.push(k);
        t = { ...trace(outcome, guildId, `r${k}`), id: ids[k] as string, startedAt: 5 };
        t.rule = { ...t.rule, tags: [`t${k % 2}`] };
        built.set(k, t);
      }
      return t;
    },
  };
}

describe('InMemoryTraceStore.recorder (the engine fast path for quiet runs)', () => {
  it('keeps traces as record does while nobody watches, and is null when nothing wants the outcome', async () => {
    const store = new InMemoryTraceStore({ retention: { 'condition-false': 2, filtered: 0 } });
    expect(store.recorder('g1', 'filtered')).toBeNull();
    const keep = store.recorder('g1', 'condition-false');
    expect(keep).not.toBeNull();
    const runs = quietRuns(['a', 'b', 'c']);
    for (const k of [0, 1, 2]) keep?.(runs, k);
    store.record({ ...trace('fired'), id: 'f' });
    // Nothing is built until read.
    expect(runs.builds).toEqual([]);
    const kept = await store.forGuild('g1').list({ outcome: 'condition-false' });
    // Bounded like record: the newest two, newest first; only those are built, once.
    expect(kept.map((t) => t.id)).toEqual(['c', 'b']);
    expect(kept.map((t) => t.outcome)).toEqual(['condition-false', 'condition-false']);
    expect(runs.builds.sort()).toEqual([1, 2]);
    await store.forGuild('g1').list({ outcome: 'condition-false' });
    expect(runs.builds.sort()).toEqual([1, 2]);
    expect(await store.forGuild('g2').list()).toEqual([]);
  });

  it('finds the runs of one record by id, rule and tag, building only the ones asked for', async () => {
    const store = new InMemoryTraceStore({ retention: { 'condition-false': 10 } });
    const keep = store.recorder('g1', 'condition-false')!;
    const runs = quietRuns(['a', 'b', 'c', 'd']);
    for (const k of [0, 1, 2, 3]) keep(runs, k);
    const g = store.forGuild('g1');
    expect((await g.get('c'))?.rule.id).toBe('r2');
    expect(runs.builds).toEqual([2]);
    expect((await g.list({ rule: 'r1' })).map((t) => t.id)).toEqual(['b']);
    expect((await g.list({ tag: 't0' })).map((t) => t.id).sort()).toEqual(['a', 'c']);
    expect(runs.builds.sort()).toEqual([0, 1, 2]);
    expect((await g.counts())['condition-false']).toBe(4);
    await g.clear();
    expect(await g.list()).toEqual([]);
  });

  it('streams to a subscriber of the outcome (the full path), and streams filtered runs only when asked', () => {
    const store = new InMemoryTraceStore({ retention: { filtered: 0 } });
    const seen: Trace[] = [];
    const stop = store.forGuild('g1').subscribe((t) => seen.push(t), { outcomes: ['condition-false', 'filtered'] });
    const runs = quietRuns(['x', 'y']);
    store.recorder('g1', 'condition-false')?.(runs, 0);
    store.recorder('g1', 'filtered')?.(runs, 1);
    expect(seen.map((t) => [t.id, t.outcome])).toEqual([
      ['x', 'condition-false'],
      ['y', 'filtered'],
    ]);
    stop();
    expect(store.recorder('g1', 'filtered')).toBeNull();
  });
});
