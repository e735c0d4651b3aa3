import { describe, expect, it } from 'vitest';
import { InMemoryTraceStore, type Trace } from '../../src/index.js';
import { trace } from './fixtures.js';

describe('InMemoryTraceStore.recorder (the engine fast path for quiet runs)', () => {
  it('keeps traces as record does while nobody watches, and is null when nothing wants the outcome', async () => {
    const store = new InMemoryTraceStore({ retention: { 'condition-false': 2, filtered: 0 } });
    expect(store.recorder('g1', 'filtered')).toBeNull();
    const keep = store.recorder('g1', 'condition-false');
    expect(keep).not.toBeNull();
    for (const id of ['a', 'b', 'c']) keep?.({ ...trace('condition-false'), id });
    store.record({ ...trace('fired'), id: 'f' });
    const kept = await store.forGuild('g1').list({ outcome: 'condition-false' });
    // Bounded like record: the newest two, newest first.
    expect(kept.map((t) => t.id)).toEqual(['c', 'b']);
    expect(await store.forGuild('g2').list()).toEqual([]);
  });

  it('streams to a subscriber of the outcome (the full path), and streams filtered runs only when asked', () => {
    const store = new InMemoryTraceStore({ retention: { filtered: 0 } });
    const seen: Trace[] = [];
    const stop = store.forGuild('g1').subscribe((t) => seen.push(t), { outcomes: ['condition-false', 'filtered'] });
    store.recorder('g1', 'condition-false')?.({ ...trace('condition-false'), id: 'x' });
    store.recorder('g1', 'filtered')?.({ ...trace('filtered'), id: 'y' });
    expect(seen.map((t) => t.id)).toEqual(['x', 'y']);
    stop();
    expect(store.recorder('g1', 'filtered')).toBeNull();
  });
});
