import { describe, expect, it } from 'vitest';
import { defineFact, defineModule, type Engine, type Rule, type RunSummary } from '../../src/index.js';
import { GUILD, harness, load, message, ruleSet } from './fixtures.js';

/**
 * Every evaluation reads through the engine's one pair of readers, pointed at the event being evaluated (no reader is
 * made per event). A provider that dispatches another event from inside an evaluation points them at that event: they
 * must point back before the outer event's next rule reads a fact or a `where` field.
 */
describe('Engine: condition readers', () => {
  it('point back at the outer event after a provider dispatched another one from inside its evaluation', async () => {
    const outerOf: { engine?: Engine } = {};
    let inner: Promise<readonly RunSummary[]> | undefined;
    const nest = defineModule({
      id: 'nest',
      version: '1.0.0',
      name: 'Nest',
      description: 'A fact whose provider dispatches an event of another guild.',
      areas: ['nest'],
      facts: [
        defineFact({
          name: 'nest.dispatch',
          description: 'dispatches the inner event (synchronously up to its first wait), then answers 1',
          schema: { type: 'integer' },
          resolve: () => {
            inner = outerOf.engine?.dispatch(
              message('x', { channelId: 'other', userId: 'u2', member: { roles: [] } }, 'g2'),
            );
            return 1;
          },
        }),
      ],
    });
    const h = await harness({ modules: [nest] });
    outerOf.engine = h.engine;
    const outer: Rule[] = [
      {
        id: 'nests',
        on: 'message.create',
        where: { channel: { in: ['general'] } },
        if: {
          all: [
            { fact: 'nest.dispatch', operator: 'equal', value: 1 },
            { fact: 'message.length', operator: 'greaterThan', value: 3 },
          ],
        },
        then: [{ 'custom.sync': { n: 1 } }],
      },
      {
        id: 'after',
        on: 'message.create',
        where: { channel: { in: ['general'] }, roles: { any: ['member'] } },
        if: { all: [{ fact: 'event.userId', operator: 'equal', value: 'u1' }] },
        then: [{ 'custom.sync': { n: 2 } }],
      },
    ];
    load(h, outer);
    const innerRules: Rule[] = [
      {
        id: 'inner',
        on: 'message.create',
        where: { channel: { in: ['other'] } },
        if: { all: [{ fact: 'message.length', operator: 'equal', value: 1 }] },
        then: [{ 'custom.sync': { n: 3 } }],
      },
    ];
    expect(h.engine.load(ruleSet(innerRules, 'g2'), { tier: 'premium' }).ok).toBe(true);

    const runs = await h.engine.dispatch(message('hello there'));
    expect(runs.map((r) => [r.guildId, r.ruleId, r.outcome])).toEqual([
      [GUILD, 'nests', 'fired'],
      [GUILD, 'after', 'fired'],
    ]);
    const innerRuns = await inner;
    expect(innerRuns?.map((r) => [r.guildId, r.ruleId, r.outcome])).toEqual([['g2', 'inner', 'fired']]);
    // The outer event's facts are its own: the inner event's length (1) was read by the inner rule only.
    const trace = await h.engine.traces.forGuild(GUILD).get(runs[0]!.traceId!);
    expect(trace?.facts.map((f) => [f.name, f.value])).toEqual([
      ['nest.dispatch', 1],
      ['message.length', 11],
    ]);
  });

  it('leave no event behind once an event is done (nothing kept alive through them)', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'r',
        on: 'message.create',
        if: { all: [{ fact: 'message.length', operator: 'greaterThan', value: 100 }] },
        then: [{ 'custom.sync': { n: 1 } }],
      },
    ]);
    await h.engine.dispatch(message('short'));
    const readers = (h.engine as unknown as { readers: { facts: unknown; subject: unknown } }).readers;
    expect([readers.facts, readers.subject]).toEqual([undefined, undefined]);
  });
});
