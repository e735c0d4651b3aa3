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
import { EventFacts, factPlan } from '../../src/runtime/facts.js';

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

function setUp() {
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
  const facts = new EventFacts(
    registry,
    {
      event,
      guildId: 'g1',
      clock,
      state: new InMemoryStateStore({ clock }).forGuild('g1'),
      discord: { guildId: 'g1' } as never,
      services: {},
      settings: {},
    },
    5,
  );
  facts.usePlan(factPlan(set, registry));
  return { set, facts };
}

describe('facts read by slot', () => {
  it('answer as reads by name, from one memo (each provider once per event)', async () => {
    const { set, facts } = setUp();
    const slots = set.slotFacts();
    const bySlot = slots.map((s, i) => facts.reader(s.name, s.params, i));
    expect(bySlot).toEqual([4, 'u1', 5_000, 'w']);
    expect(slots.map((s) => facts.reader(s.name, s.params))).toEqual(bySlot);
    expect(await facts.get('test.double', { n: 2 })).toBe(4);
    expect(calls).toEqual({ double: 1, word: 1 });
    // Every read is logged for the trace, by slot or by name.
    expect(facts.traceFacts(0).map((f) => f.name)).toEqual(['test.double', 'event.author.id', 'now', 'test.word']);
  });

  it('fall back to the name when the slot is not that fact (a reader handed another set’s slot)', () => {
    const { facts } = setUp();
    expect(facts.reader('test.word', undefined, 0)).toBe('w');
    expect(facts.reader('test.double', { n: 5 }, 0)).toBe(10);
    expect(facts.reader('event.author.id', undefined, 99)).toBe('u1');
    expect(calls).toEqual({ double: 1, word: 1 });
  });
});
