/** The whole path of a schedule: settings → timers → the in-process scheduler → the engine → a rule's action. */
import { describe, expect, it } from 'vitest';
import {
  Engine,
  InMemoryStateStore,
  InMemoryTimerStore,
  InProcessScheduler,
  RecordingDiscord,
  VirtualClock,
} from '@rulecord/engine';
import { createCatalogRegistry } from '../../index.js';
import { catalogTimerEvents, scheduleTimers } from './timers.js';

const START = Date.parse('2024-11-25T00:00:00Z'); // a Monday
const DAY = 86_400_000;

describe('schedule.tick wiring', () => {
  it('fires a daily schedule once per day, and the rule posts each time', async () => {
    const clock = new VirtualClock(START);
    const scheduler = new InProcessScheduler({ store: new InMemoryTimerStore(), clock, virtual: true });
    const discord = new RecordingDiscord({}, clock);
    const engine = new Engine({
      registry: createCatalogRegistry(),
      state: new InMemoryStateStore({ clock }),
      scheduler,
      discord,
      clock,
      timerEvents: catalogTimerEvents,
    });
    const settings = { schedules: [{ id: 'daily-tip', cron: '0 9 * * *', timezone: 'Europe/Berlin' }] };
    const loaded = engine.load(
      {
        apiVersion: 'rulecord/v1',
        kind: 'RuleSet',
        guild: 'g1',
        modules: { schedule: settings },
        rules: [
          {
            id: 'daily-tip',
            on: 'schedule.tick',
            if: { all: [{ fact: 'event.scheduleId', operator: 'equal', value: 'daily-tip' }] },
            then: [{ 'message.send': { channel: 'general', content: 'Tip of the day' } }],
          },
        ],
      },
      { tier: 'free' },
    );
    expect(loaded.problems.filter((p) => p.severity === 'error')).toEqual([]);
    await scheduler.start((timer) => engine.handleTimer(timer));
    for (const timer of scheduleTimers('g1', settings, clock.now())) await scheduler.schedule(timer);
    // Applying again replaces the pending occurrence instead of adding a second timer.
    for (const timer of scheduleTimers('g1', settings, clock.now())) await scheduler.schedule(timer);

    await scheduler.advance(3 * DAY);
    const posts = discord.actions('g1').filter((c) => c.method === 'sendMessage');
    expect(posts).toHaveLength(3);
    // 09:00 in Berlin is 08:00 UTC in November.
    expect(posts.map((c) => new Date(c.at).toISOString())).toEqual([
      '2024-11-25T08:00:00.000Z',
      '2024-11-26T08:00:00.000Z',
      '2024-11-27T08:00:00.000Z',
    ]);
    await scheduler.stop();
  });
});
