import { describe, expect, it } from 'vitest';
import {
  ConditionSet,
  InMemoryStateStore,
  VirtualClock,
  createRegistry,
  defineFact,
  defineModule,
  type RuleEvent,
} from '../../src/index.js';
import { EventFacts, FactEnvironment, factPlan } from '../../src/runtime/facts.js';
import { PENDING } from '../../src/runtime/deps.js';

// Facts read by slot (what generated conditions do) and by name (ctx.fact, variables, traces) share one memo.
const calls: Record<string, number> = {};
const registry = createRegistry([
  defineModule({
    id: 'plan',
    version: '1.0.0',
    name: 'Plan',
    description: 'Facts for the slot-plan test.',
    areas: ['test'],
    facts: [
      defineFact({
        name: 'test.double',
        description: 'Twice n.',
        schema: { type: 'integer' },
        params: { type: 'object', properties: { n: { type: 'integer' } } },
        resolve: (_ctx, params) => {
          calls.double = (calls.double ?? 0) + 1;
          return 2 * Number(params?.n ?? 0);
        },
      }),
      defineFact({
        name: 'test.word',
        description: 'A word.',
        schema: { type: 'string' },
        resolve: () => {
          calls.word = (calls.word ?? 0) + 1;
          return 'w';
        },
      }),
    ],
  }),
]);

function setUp(seed?: Record<string, unknown>) {
  for (const k of Object.keys(calls)) delete calls[k];
  const set = new ConditionSet();
  set.compile({
    all: [
      { fact: 'test.double', params: { n: 2 }, operator: 'equal', value: 4 },
      { fact: 'event.author.id', operator: 'equal', value: 'u1' },
      { fact: 'now', operator: 'greaterThan', value: 0 },
      { fact: 'test.word', operator: 'equal', value: 'w' },
    ],
  });
  const clock = new VirtualClock(5_000);
  const event: RuleEvent = { id: 'e1', guildId: 'g1', type: 'x', at: 5_000, payload: { author: { id: 'u1' } } };
  const env = new FactEnvironment(
    registry,
    'g1',
    clock,
    new InMemoryStateStore({ clock }).forGuild('g1'),
    { guildId: 'g1' } as never,
    {},
    {},
    5,
  );
  const facts = new EventFacts(env, event, seed);
  facts.usePlan(factPlan(set, registry));
  return { set, facts };
}

describe('facts read by slot', () => {
  it('answer as reads by name, from one memo (each provider once per event)', async () => {
    const { set, facts } = setUp();
    const slots = set.slotFacts();
    // Before any run starts (the candidates' program), reads are not logged.
    expect(slots.map((s, i) => facts.readSlot(s.name, s.params, i))).toEqual([4, 'u1', 5_000, 'w']);
    expect(facts.logPosition).toBe(0);
    // While a run is going, every read is logged for its trace, by slot or by name.
    const from = facts.logFrom();
    const bySlot = slots.map((s, i) => facts.readSlot(s.name, s.params, i));
    expect(bySlot).toEqual([4, 'u1', 5_000, 'w']);
    expect(slots.map((s) => facts.readSlot(s.name, s.params))).toEqual(bySlot);
    expect(await facts.get('test.double', { n: 2 })).toBe(4);
    expect(calls).toEqual({ double: 1, word: 1 });
    expect(facts.traceFacts(from).map((f) => f.name)).toEqual(['test.double', 'event.author.id', 'now', 'test.word']);
    facts.stopLog();
    const end = facts.logPosition;
    facts.readSlot('test.word', undefined);
    expect(facts.logPosition).toBe(end);
  });

  it('fall back to the name when the slot is not that fact (a reader handed another set’s slot)', () => {
    const { facts } = setUp();
    expect(facts.readSlot('test.word', undefined, 0)).toBe('w');
    expect(facts.readSlot('test.double', { n: 5 }, 0)).toBe(10);
    expect(facts.readSlot('event.author.id', undefined, 99)).toBe('u1');
    expect(calls).toEqual({ double: 1, word: 1 });
  });

  it('start from a seed (a resumed run’s facts): a seeded fact is read from its slot, its provider not called', async () => {
    const { set, facts } = setUp({ 'test.word': 'seeded', 'test.double\u0000{"n":2}': 40 });
    const slots = set.slotFacts();
    expect(slots.map((s, i) => facts.readSlot(s.name, s.params, i))).toEqual([40, 'u1', 5_000, 'seeded']);
    expect(await facts.get('test.word')).toBe('seeded');
    expect(calls).toEqual({});
    expect(facts.snapshot()).toEqual({ 'test.word': 'seeded', 'test.double\u0000{"n":2}': 40 });
  });

  it('keep a pending value and a provider’s error in their slots, for every read of the event', async () => {
    let release: (v: number) => void = () => {};
    let slowCalls = 0;
    let failCalls = 0;
    const slowRegistry = createRegistry([
      defineModule({
        id: 'slow',
        version: '1.0.0',
        name: 'Slow',
        description: 'An async fact and one that throws.',
        areas: ['test'],
        facts: [
          defineFact({
            name: 'slow.value',
            description: 'Resolves when released.',
            schema: { type: 'integer' },
            resolve: () => (slowCalls++, new Promise<number>((r) => (release = r))),
          }),
          defineFact({
            name: 'slow.quick',
            description: 'Resolves with a promise at once.',
            schema: { type: 'integer' },
            resolve: () => Promise.resolve(3),
          }),
          defineFact({
            name: 'slow.fails',
            description: 'Throws.',
            schema: { type: 'integer' },
            resolve: () => {
              failCalls++;
              throw new Error('no luck');
            },
          }),
        ],
      }),
    ]);
    const set = new ConditionSet();
    set.compile({
      all: [
        { fact: 'slow.value', operator: 'equal', value: 7 },
        { fact: 'slow.fails', operator: 'equal', value: 1 },
        { fact: 'slow.quick', operator: 'equal', value: 3 },
      ],
    });
    const { facts } = setUp();
    facts.usePlan(factPlan(set, slowRegistry));
    facts.logFrom();
    // Pending until the provider settles (one call); settle() waits for it.
    expect(facts.readSlot('slow.value', undefined, 0)).toBe(PENDING);
    expect(facts.readSlot('slow.value', undefined, 0)).toBe(PENDING);
    expect(facts.readSlot('slow.quick', undefined, 2)).toBe(PENDING);
    await new Promise((r) => setTimeout(r, 30));
    expect(facts.readSlot('slow.quick', undefined, 2)).toBe(3);
    release(7);
    await facts.settle();
    expect(facts.readSlot('slow.value', undefined, 0)).toBe(7);
    expect(await facts.get('slow.value')).toBe(7);
    // The error is kept: every read throws it, by slot or by name, and the provider ran once.
    expect(() => facts.readSlot('slow.fails', undefined, 1)).toThrow(/slow\.fails.*no luck/);
    expect(() => facts.readSlot('slow.fails', undefined)).toThrow(/no luck/);
    expect([slowCalls, failCalls]).toEqual([1, 1]);
    const traced = facts.traceFacts(0);
    const byName = new Map(traced.map((f) => [f.name, f]));
    expect([...byName].map(([name, f]) => [name, f.value, f.error?.message]).sort()).toEqual([
      ['slow.fails', undefined, expect.stringMatching(/no luck/)],
      ['slow.quick', 3, undefined],
      ['slow.value', 7, undefined],
    ]);
    // Each fact that answered with a promise keeps its own time: the one released 30 ms later, and the quick one.
    expect(byName.get('slow.value')?.ms).toBeGreaterThanOrEqual(25);
    expect(byName.get('slow.quick')?.ms).toBeLessThan(25);
    expect(byName.get('slow.fails')?.ms).toBe(0);
  });

  it('hand providers a context whose `fact` reads the same memo, also called detached', async () => {
    const { facts } = setUp();
    const ctx = facts.context;
    expect(facts.context).toBe(ctx);
    const { fact } = ctx;
    expect(ctx.fact).toBe(fact);
    expect(await fact('test.double', { n: 2 })).toBe(4);
    expect(facts.readSlot('test.double', { n: 2 }, 0)).toBe(4);
    expect(calls).toEqual({ double: 1 });
    expect([ctx.event.id, ctx.guildId, ctx.settings('plan')]).toEqual(['e1', 'g1', {}]);
  });
});
