import { describe, expect, it } from 'vitest';
import { defineAction, defineModule, type ActionContext, type JsonObject } from '../../src/index.js';
import { runOf } from '../../src/runtime/run-handle.js';
import { GUILD, harness, load, message } from './fixtures.js';

// An action that keeps its context and uses what it offers detached from it (`const { emit } = ctx`), as module code
// may: the context makes those functions on first use, and each must work unbound.
const seen: ActionContext[] = [];
const probeModule = defineModule({
  id: 'ctxprobe',
  version: '1.0.0',
  name: 'Context probe',
  description: 'Uses every part of the action context.',
  areas: ['probe'],
  actions: [
    defineAction({
      name: 'probe.all',
      description: 'Emits, schedules, cancels and notes through detached functions.',
      params: { type: 'object', properties: { id: { type: 'string' } }, additionalProperties: false },
      run: async (params: JsonObject, ctx: ActionContext) => {
        seen.push(ctx);
        const { emit, schedule, cancelTimer, log, rule, fact } = ctx;
        emit('custom.ping', { from: rule.id });
        const id = String(params.id);
        await schedule({ id, at: ctx.clock.now() + 60_000, event: { type: 'custom.reminder', payload: { id } } });
        await schedule({
          id: `${id}-2`,
          at: ctx.clock.now() + 60_000,
          event: { type: 'custom.reminder', payload: {} },
        });
        const cancelled = await cancelTimer(`${id}-2`);
        log.info({ cancelled }, 'probe');
        runOf(ctx)?.note('from the probe', { depth: runOf(ctx)?.depth ?? -1 });
        return { cancelled, length: (await fact('message.length')) as number };
      },
    }),
  ],
});

describe('the action context', () => {
  it('offers emit, schedule, cancelTimer, log and the run handle as functions that work detached', async () => {
    seen.length = 0;
    const h = await harness({ modules: [probeModule] });
    load(h, [
      { id: 'probe', on: 'message.create', then: [{ 'probe.all': { id: 'r1' } }, { 'probe.all': { id: 'r2' } }] },
      { id: 'pinged', on: 'custom.ping', then: [{ 'log.trace': { message: 'ping from {{ event.from }}' } }] },
    ]);
    const runs = await h.engine.dispatch(message('hello'));
    expect(runs.map((r) => [r.ruleId, r.outcome])).toEqual([
      ['probe', 'fired'],
      ['pinged', 'fired'],
      ['pinged', 'fired'],
    ]);
    const [trace] = await h.engine.traces.forGuild(GUILD).list({ rule: 'probe' });
    expect(trace?.actions.map((a) => a.result)).toEqual([
      { cancelled: true, length: 5 },
      { cancelled: true, length: 5 },
    ]);
    expect(trace?.notes.filter((n) => n.message === 'from the probe').map((n) => n.data)).toEqual([
      { depth: 0 },
      { depth: 0 },
    ]);
    expect(
      h.scheduler
        .pending()
        .map((t) => [t.guildId, t.id])
        .sort(),
    ).toEqual([
      [GUILD, 'evt.r1'],
      [GUILD, 'evt.r2'],
    ]);
    // One context per run, shared by its actions; `ctx.rule` is one frozen object per rule.
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]?.rule).toEqual({ id: 'probe', mode: 'enforce' });
    expect(Object.isFrozen(seen[0]?.rule)).toBe(true);
  });

  it('refuses an emit past the depth limit with the rule named', async () => {
    const h = await harness({ modules: [probeModule], limits: { emitDepth: 0 } });
    load(h, [{ id: 'probe', on: 'message.create', then: [{ 'probe.all': { id: 'r1' } }] }]);
    const [run] = await h.engine.dispatch(message('hello'));
    expect(run?.outcome).toBe('error');
    expect(run?.error?.code).toBe('RC_EMIT_DEPTH');
    expect(run?.error?.message).toMatch(/Rule "probe" emitted "custom.ping" at depth 1/);
  });
});
