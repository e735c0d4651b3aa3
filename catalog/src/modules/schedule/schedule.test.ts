import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { getAtPointer, validateRuleSet } from '@rulecord/engine';
import { createCatalogRegistry } from '../../index.js';
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

  it('reports schedules that never fire or fire more than once a minute, each with a fix', () => {
    const problems = checkSchedules(
      {
        schedules: [
          { id: 'feb-31', cron: '0 0 31 2 *' },
          { id: 'april-31', cron: '0 9 31 4 *', timezone: 'Europe/Berlin' },
          { id: 'every-5s', cron: '*/5 * * * * *' },
          { id: 'two-seconds', cron: '0,30 0 9 * * *' },
          { id: 'bad-zone-and-cron', cron: '61 * * * *', timezone: 'UTC+2' },
        ],
      },
      '/modules/schedule',
    );
    expect(problems.map((p) => `${p.code} @ ${p.pointer}: ${p.message}`)).toEqual([
      'RC_CATALOG_SCHEDULE_INVALID @ /modules/schedule/schedules/0/cron: Schedule `feb-31`: `0 0 31 2 *` never fires (no date matches its day and month).',
      'RC_CATALOG_SCHEDULE_INVALID @ /modules/schedule/schedules/1/cron: Schedule `april-31`: `0 9 31 4 *` never fires (no date matches its day and month).',
      'RC_CATALOG_SCHEDULE_INVALID @ /modules/schedule/schedules/2/cron: Schedule `every-5s`: `*/5 * * * * *` fires more than once a minute (its first field, the seconds, is `*/5`).',
      'RC_CATALOG_SCHEDULE_INVALID @ /modules/schedule/schedules/3/cron: Schedule `two-seconds`: `0,30 0 9 * * *` fires more than once a minute (its first field, the seconds, is `0,30`).',
      'RC_CATALOG_SCHEDULE_INVALID @ /modules/schedule/schedules/4/timezone: Schedule `bad-zone-and-cron`: `UTC+2` is not an IANA time zone.',
      'RC_CATALOG_SCHEDULE_INVALID @ /modules/schedule/schedules/4/cron: Schedule `bad-zone-and-cron`: `61 * * * *` is not a cron expression (Invalid value for minute: 61).',
    ]);
    for (const p of problems) {
      expect(p.severity).toBe('error');
      expect(p.fix.length).toBeGreaterThan(20);
    }
    // What does fire, at most once a minute, passes: the last day of February, a leap day, one second of a minute.
    expect(
      checkSchedules({
        schedules: [
          { id: 'last-of-feb', cron: '0 0 L 2 *' },
          { id: 'leap-day', cron: '0 12 29 2 *', timezone: 'Asia/Tokyo' },
          { id: 'at-second-30', cron: '30 */5 * * * *' },
          { id: 'every-minute', cron: '* * * * *' },
        ],
      }),
    ).toEqual([]);
  });

  it('property: a schedule that passes the check has a next occurrence, and scheduleTimers makes its timer', () => {
    const field = (values: string[]) => fc.constantFrom('*', ...values);
    const cron = fc
      .tuple(
        field(['0', '30', '*/15', '5,35']),
        field(['0', '9', '23', '*/6']),
        field(['1', '15', '28', '29', '30', '31', 'L']),
        field(['1', '2', '4', '12', '2,4']),
        field(['0', '1', '5', 'MON', '1-5']),
      )
      .map((f) => f.join(' '));
    const zone = fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham');
    fc.assert(
      fc.property(cron, zone, fc.integer({ min: 0, max: 4_000_000_000_000 }), (expression, timezone, now) => {
        const settings = { schedules: [{ id: 's', cron: expression, timezone }] };
        const problems = checkSchedules(settings);
        const next = nextOccurrence({ cron: expression, timezone }, now);
        if (problems.length === 0) {
          expect(next).not.toBeNull();
          expect(scheduleTimers('g1', settings, now)).toHaveLength(1);
        } else {
          expect(problems.map((p) => p.message)).toEqual([expect.stringContaining('never fires')]);
          expect(next).toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('schedule problems through a whole document (validateRuleSet, as `rulecord validate` runs it)', () => {
  const registry = createCatalogRegistry();
  // Parsed as the CLI reads the file: the pointers below are what it turns into file:line:col.
  const text = `apiVersion: rulecord/v1
kind: RuleSet
guild: "112233445566778899"
modules:
  schedule:
    schedules:
      - { id: weekly, cron: "0 9 * * 1", timezone: Europe/Berlin }
      - { id: feb-31, cron: "0 0 31 2 *" }
      - { id: mars, cron: "0 9 * * 1", timezone: Mars/Olympus }
      - { id: bad, cron: "61 * * * *" }
      - { id: fast, cron: "*/5 * * * * *" }
      - { id: weekly, cron: "0 10 * * 1" }
rules:
  - id: weekly-tip
    on: schedule.tick
    if: { fact: event.scheduleId, operator: equal, value: weekly }
    then:
      - message.send: { channel: "223344556677889900", content: Weekly tip }
`;

  it('reports every bad schedule at its value, with a fix, and refuses the rule set', () => {
    const document = parse(text) as unknown;
    const result = validateRuleSet(document, registry, { tier: 'free' });
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => [p.code, p.pointer, getAtPointer(document, p.pointer)])).toEqual([
      ['RC_CATALOG_SCHEDULE_INVALID', '/modules/schedule/schedules/1/cron', '0 0 31 2 *'],
      ['RC_CATALOG_SCHEDULE_INVALID', '/modules/schedule/schedules/2/timezone', 'Mars/Olympus'],
      ['RC_CATALOG_SCHEDULE_INVALID', '/modules/schedule/schedules/3/cron', '61 * * * *'],
      ['RC_CATALOG_SCHEDULE_INVALID', '/modules/schedule/schedules/4/cron', '*/5 * * * * *'],
      ['RC_CATALOG_SCHEDULE_DUPLICATE', '/modules/schedule/schedules/5/id', 'weekly'],
    ]);
    for (const p of result.problems) expect(p.fix).toBeTruthy();
  });

  it('a rule set with good schedules validates, and so does one with none', () => {
    const good = parse(text) as { modules: { schedule: { schedules: unknown[] } } };
    good.modules.schedule.schedules = good.modules.schedule.schedules.slice(0, 1);
    expect(validateRuleSet(good, registry, { tier: 'free' })).toMatchObject({ ok: true, problems: [] });
    const none = { ...good, modules: {} };
    expect(validateRuleSet(none, registry, { tier: 'free' })).toMatchObject({ ok: true, problems: [] });
  });

  it('a schedule the settings schema refuses is reported by the schema alone, not twice', () => {
    const document = parse(text) as { modules: { schedule: { schedules: unknown[] } } };
    document.modules.schedule.schedules = [{ id: 'Bad Id', cron: 'never' }];
    const result = validateRuleSet(document, registry, { tier: 'free' });
    expect(result.ok).toBe(false);
    expect(new Set(result.problems.map((p) => p.code))).toEqual(new Set(['RC_BAD_SETTINGS']));
  });
});
