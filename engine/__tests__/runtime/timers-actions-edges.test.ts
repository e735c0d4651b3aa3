import { describe, expect, it } from 'vitest';
import { TIMER_KINDS, defineAction, defineModule } from '../../src/index.js';
import type { Json, TimerRecord } from '../../src/index.js';
import { GUILD, harness, load, message } from './fixtures.js';

const timer = (kind: string, payload: Json, extra: Partial<TimerRecord> = {}): TimerRecord => ({
  id: `t-${kind}`,
  guildId: GUILD,
  kind,
  dueAt: 5_000,
  payload,
  status: 'pending',
  attempts: 0,
  createdAt: 0,
  ...extra,
});

const throwsText = defineModule({
  id: 'odd',
  version: '1.0.0',
  name: 'Odd',
  description: 'an action that throws a non-Error',
  areas: ['custom'],
  actions: [
    defineAction({
      name: 'odd.throw',
      description: 'throws a string',
      params: { type: 'object' },
      run: () => Promise.reject('boom' as unknown as Error),
    }),
  ],
});

describe('timers the engine turns into events', () => {
  it('a scheduled-event timer without an event type dispatches nothing', async () => {
    const h = await harness();
    load(h, [{ id: 'any', on: 'custom.ping', then: [{ 'log.trace': { message: 'ran' } }] }]);
    await h.engine.handleTimer(timer(TIMER_KINDS.event, { payload: {} }));
    await h.engine.handleTimer(timer(TIMER_KINDS.event, 'not an object'));
    expect(await h.engine.traces.forGuild(GUILD).list()).toEqual([]);
  });

  it('a scheduled event with a non-object payload is dispatched with an empty payload at its due time', async () => {
    const h = await harness();
    load(h, [{ id: 'any', on: 'custom.ping', then: [{ 'log.trace': { message: 'ran' } }] }]);
    await h.engine.handleTimer(timer(TIMER_KINDS.event, { type: 'custom.ping', payload: [1] }));
    const [t] = await h.engine.traces.forGuild(GUILD).list();
    expect(t?.outcome).toBe('fired');
    expect(t?.trigger).toMatchObject({ type: 'custom.ping', at: 5_000, payload: {} });
  });

  it('any other timer becomes timer.fired with its kind and data (null when it has none)', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'fired',
        on: 'timer.fired',
        then: [{ 'log.trace': { message: '{{ event.kind }} {{ event.data | json }} {{ event.dueAt }}' } }],
      },
    ]);
    await h.engine.handleTimer(timer('giveaway.end', null));
    const [t] = await h.engine.traces.forGuild(GUILD).list();
    expect(t?.notes.map((n) => n.message)).toEqual(['giveaway.end null 5000']);
  });

  it('a timerEvents mapping decides the event, and null dispatches nothing', async () => {
    const h = await harness({
      timerEvents: {
        'reminder.due': (t) =>
          t.payload === null ? null : { id: t.id, guildId: 'ignored', type: 'custom.ping', at: t.dueAt, payload: {} },
      },
    });
    load(h, [{ id: 'any', on: 'custom.ping', then: [{ 'log.trace': { message: 'ran' } }] }]);
    await h.engine.handleTimer(timer('reminder.due', null));
    expect(await h.engine.traces.forGuild(GUILD).list()).toEqual([]);
    await h.engine.handleTimer(timer('reminder.due', { x: 1 }));
    const [t] = await h.engine.traces.forGuild(GUILD).list();
    expect(t?.guildId).toBe(GUILD);
  });
});

describe('action results and failures', () => {
  it('`as` on an action with no result stores null, which renders empty', async () => {
    const h = await harness();
    load(h, [
      {
        id: 'r',
        on: 'message.create',
        then: [{ 'message.delete': {}, as: 'del' }, { 'log.trace': { message: 'deleted=[{{ steps.del }}]' } }],
      },
    ]);
    await h.engine.dispatch(message('x'));
    const [t] = await h.engine.traces.forGuild(GUILD).list();
    expect(t?.notes.map((n) => n.message)).toEqual(['deleted=[]']);
  });

  it('an action that throws something other than an Error fails the run with RC_ACTION_FAILED naming it', async () => {
    const h = await harness({ modules: [throwsText] });
    load(h, [{ id: 'r', on: 'message.create', then: [{ 'odd.throw': {} }] }]);
    const [run] = await h.engine.dispatch(message('x'));
    expect(run?.outcome).toBe('error');
    expect(run?.error).toMatchObject({ code: 'RC_ACTION_FAILED', message: 'The action "odd.throw" failed: boom' });
  });
});
