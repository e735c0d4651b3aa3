import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSchedules, nextOccurrence, removedScheduleIds, scheduleTickEvent, scheduleTimers } from './timers.js';

const MONDAY_0830_UTC = Date.parse('2024-11-25T08:30:00Z');

describe('schedule timers', () => {
  it("computes the next occurrence in the schedule's time zone", () => {
    // 09:00 in Berlin (UTC+1 in November) is 08:00 UTC: the next one after Monday 08:30 UTC is the next Monday.
    expect(nextOccurrence({ cron: '0 9 * * 1', timezone: 'Europe/Berlin' }, MONDAY_0830_UTC)).toBe(
      Date.parse('2024-12-02T08:00:00Z'),
    );
    expect(nextOccurrence({ cron: '0 9 * * 1', timezone: 'UTC' }, MONDAY_0830_UTC)).toBe(
      Date.parse('2024-11-25T09:00:00Z'),
    );
  });

  it('is always strictly after now', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        fc.constantFrom('*/5 * * * *', '0 0 * * *', '30 12 1 * *'),
        (now, cron) => {
          const next = nextOccurrence({ cron, timezone: 'UTC' }, now);
          expect(next).not.toBeNull();
          expect(next as number).toBeGreaterThan(now);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('turns settings into deterministic cron timers', () => {
    const settings = {
      schedules: [
        { id: 'weekly', cron: '0 9 * * 1' },
        { id: 'hourly', cron: '0 * * * *', timezone: 'Asia/Tokyo' },
      ],
    };
    const timers = scheduleTimers('g1', settings, MONDAY_0830_UTC);
    expect(timers).toEqual([
      {
        id: 'schedule:weekly',
        guildId: 'g1',
        kind: 'schedule.tick',
        dueAt: Date.parse('2024-11-25T09:00:00Z'),
        payload: { scheduleId: 'weekly', cron: '0 9 * * 1', timezone: 'UTC' },
        cron: '0 9 * * 1',
        timezone: 'UTC',
      },
      expect.objectContaining({
        id: 'schedule:hourly',
        dueAt: Date.parse('2024-11-25T09:00:00Z'),
        timezone: 'Asia/Tokyo',
      }),
    ]);
    expect(removedScheduleIds(settings, { schedules: [{ id: 'hourly', cron: '0 * * * *' }] })).toEqual([
      'schedule:weekly',
    ]);
  });

  it('builds the tick event with an id per occurrence', () => {
    const [timer] = scheduleTimers('g1', { schedules: [{ id: 'weekly', cron: '0 9 * * 1' }] }, MONDAY_0830_UTC);
    const event = scheduleTickEvent(timer!);
    expect(event).toEqual({
      id: `schedule:weekly:${timer!.dueAt}`,
      guildId: 'g1',
      type: 'schedule.tick',
      at: timer!.dueAt,
      payload: { scheduleId: 'weekly', cron: '0 9 * * 1', timezone: 'UTC', scheduledAt: timer!.dueAt },
    });
  });

  it('reports bad cron expressions, time zones and duplicate ids with a pointer', () => {
    const problems = checkSchedules({
      schedules: [
        { id: 'a', cron: 'every monday' },
        { id: 'b', cron: '0 9 * * 1', timezone: 'Mars/Olympus' },
        { id: 'b', cron: '0 9 * * 1' },
      ],
    });
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([
      ['RC_CATALOG_SCHEDULE_INVALID', '/modules/schedule/schedules/0/cron'],
      ['RC_CATALOG_SCHEDULE_INVALID', '/modules/schedule/schedules/1/timezone'],
      ['RC_CATALOG_SCHEDULE_DUPLICATE', '/modules/schedule/schedules/2/id'],
    ]);
    expect(checkSchedules({ schedules: [{ id: 'ok', cron: '0 9 * * 1', timezone: 'Europe/Berlin' }] })).toEqual([]);
  });
});
