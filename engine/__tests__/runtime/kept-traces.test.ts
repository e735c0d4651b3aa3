import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonObject, Rule, Trace } from '../../src/index.js';
import { GUILD, harness, load, message } from './fixtures.js';

/** One step of a generated rule: an action that answers with nothing (static or rendered parameters) or with a result. */
type StepKind = 'static' | 'rendered' | 'result';
const stepOf = (kind: StepKind, i: number): Record<string, JsonObject> =>
  kind === 'static'
    ? { 'message.delete': { reason: `static ${i}` } }
    : kind === 'rendered'
      ? { 'message.delete': { reason: `{{ event.content }} ${i}` } }
      : { 'custom.sync': { n: i } };

/** The trace each run must read back as, written out from the rule and the event (not from the engine's records). */
function expectedActions(kinds: readonly StepKind[], content: string, at: number): unknown[] {
  return kinds.map((kind, i) => ({
    step: i,
    pointer: `/rules/0/then/${i}`,
    action: kind === 'result' ? 'custom.sync' : 'message.delete',
    params:
      kind === 'static' ? { reason: `static ${i}` } : kind === 'rendered' ? { reason: `${content} ${i}` } : { n: i },
    status: 'ok',
    attempts: 1,
    startedAt: at,
    ms: expect.any(Number),
    ...(kind === 'result' ? { result: { n: i } } : {}),
  }));
}

describe('Engine: kept traces of fired runs', () => {
  it('property: a fired run kept as its parts reads back as the whole trace it ran, by list and by id', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<StepKind>('static', 'rendered', 'result'), { minLength: 1, maxLength: 4 }),
        fc.array(fc.constantFrom<StepKind>('static', 'rendered', 'result'), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 5_000 }),
        async (first, second, advance) => {
          const h = await harness();
          const rules: Rule[] = [first, second].map((kinds, r) => ({
            id: `r${r}`,
            on: 'message.create',
            if: { fact: 'message.length', operator: 'greaterThan', value: r },
            then: kinds.map(stepOf),
          }));
          load(h, rules);
          h.clock.advance(advance);
          const at = h.clock.now();
          const event = message('spam spam');
          const summaries = await h.engine.dispatch(event);
          expect(summaries.map((s) => s.outcome)).toEqual(['fired', 'fired']);
          const traces = h.engine.traces.forGuild(GUILD);
          const listed = await traces.list({ outcome: 'fired' });
          for (const [r, kinds] of [first, second].entries()) {
            const summary = summaries[r]!;
            const trace = await traces.get(summary.traceId!);
            expect(trace).toEqual({
              id: summary.traceId,
              runId: `${event.id}|r${r}`,
              segment: 0,
              guildId: GUILD,
              rule: { id: `r${r}`, pointer: `/rules/${r}` },
              ruleSetVersion: expect.any(String),
              trigger: { id: event.id, type: 'message.create', at: event.at, depth: 0, payload: event.payload },
              mode: 'enforce',
              outcome: 'fired',
              where: { result: true, checks: [{ filter: 'bots', expected: false, actual: false, result: true }] },
              condition: {
                result: true,
                leaves: [expect.objectContaining({ fact: 'message.length', actual: 9, expected: r, result: true })],
              },
              facts: expect.arrayContaining([expect.objectContaining({ name: 'message.length', value: 9 })]),
              limits: [],
              actions: expectedActions(kinds, 'spam spam', at).map((a, i) =>
                // The rule's pointer: rule r's steps.
                ({ ...(a as object), pointer: `/rules/${r}/then/${i}` }),
              ),
              notes: [],
              errors: 0,
              startedAt: at,
              finishedAt: at,
              durationMs: expect.any(Number),
            } satisfies Record<Exclude<keyof Trace, 'error' | 'parked'>, unknown>);
            // The list hands out the same trace (built once).
            expect(listed.find((t) => t.id === summary.traceId)).toBe(trace);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a run that did more than its steps (a failed action under onError: continue) keeps its trace as it was', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'r',
        on: 'message.create',
        then: [{ 'custom.sync': { fail: 'bug' }, onError: 'continue' }, { 'message.delete': { reason: 'after' } }],
      },
    ]);
    const [summary] = await h.engine.dispatch(message('hello'));
    const trace = await h.engine.traces.forGuild(GUILD).get(summary!.traceId!);
    expect(trace?.errors).toBe(1);
    expect(trace?.actions.map((a) => [a.action, a.status, a.error?.message])).toEqual([
      ['custom.sync', 'error', expect.stringContaining('sync bug')],
      ['message.delete', 'ok', undefined],
    ]);
  });

  it('an action that started after the run did (the clock moved) keeps its own start time', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'r',
        on: 'message.create',
        then: [{ 'message.delete': { reason: 'first' } }, { 'message.delete': { reason: 'second' } }],
      },
    ]);
    const t0 = h.clock.now();
    // The first action moves the clock as it runs (the test module's actions report to the probe first): the second
    // starts 250 ms after the run.
    const actions = h.probe.actions;
    const push = actions.push.bind(actions);
    actions.push = (...items) => {
      if (actions.length === 0) h.clock.advance(250);
      return push(...items);
    };
    const [summary] = await h.engine.dispatch(message('hello'));
    const trace = await h.engine.traces.forGuild(GUILD).get(summary!.traceId!);
    expect(trace?.actions.map((a) => a.startedAt)).toEqual([t0, t0 + 250]);
    expect(trace?.startedAt).toBe(t0);
    expect(trace?.finishedAt).toBe(t0 + 250);
  });
});
