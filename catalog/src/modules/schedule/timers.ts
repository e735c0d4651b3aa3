import { Cron } from 'croner';
import type { JsonObject, NewTimer, Problem, RuleEvent, TimerRecord } from '@rulecord/engine';
import type { CatalogErrorCode } from '../../errors.js';
import type { ScheduleEntry, ScheduleSettings } from './settings.js';

/**
 * How `schedule.tick` fires. The module only declares schedules; the process that loads a guild's rule set (the
 * worker, or the all-in-one `rulecord start`) turns them into timers:
 *
 * 1. After a rule set is applied, call `scheduleTimers(guildId, settings, now)` and `Scheduler.schedule()` each
 *    returned timer. Ids are deterministic (`schedule:<id>`), so applying again replaces the pending occurrence instead
 *    of adding one; cancel the ids of schedules that disappeared (`removedScheduleIds`).
 * 2. Each timer is a cron timer: the TimerStore keeps one row per schedule and moves it to the next occurrence after
 *    every firing, so a tick is claimed once even when its job is delivered twice, and a lost Redis only delays it.
 * 3. When the timer fires, `scheduleTickEvent(timer)` builds the event the engine dispatches: pass
 *    `timerEvents: catalogTimerEvents` to the `Engine`. The event id is `schedule:<id>:<occurrence>`, so a redelivered
 *    tick acts once.
 */
export const SCHEDULE_TIMER_KIND = 'schedule.tick';
export const scheduleTimerId = (scheduleId: string): string => `schedule:${scheduleId}`;

/** The next occurrence strictly after `now` (epoch ms), or null when the expression never fires again. */
export function nextOccurrence(entry: Pick<ScheduleEntry, 'cron' | 'timezone'>, now: number): number | null {
  const cron = new Cron(entry.cron, { timezone: entry.timezone ?? 'UTC', paused: true });
  return cron.nextRun(new Date(now))?.getTime() ?? null;
}

/** Problems of the schedules that JSON Schema cannot see: a cron expression or time zone that does not parse. */
export function checkSchedules(settings: ScheduleSettings | undefined, pointer = '/modules/schedule'): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  (settings?.schedules ?? []).forEach((entry, i) => {
    const at = `${pointer}/schedules/${i}`;
    if (seen.has(entry.id)) {
      problems.push({
        code: 'RC_CATALOG_SCHEDULE_DUPLICATE' satisfies CatalogErrorCode,
        message: `schedule id "${entry.id}" is used twice`,
        pointer: `${at}/id`,
        fix: 'Give every schedule its own id.',
        severity: 'error',
      });
    }
    seen.add(entry.id);
    try {
      nextOccurrence(entry, 0);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const zone = /timezone/i.test(message);
      problems.push({
        code: 'RC_CATALOG_SCHEDULE_INVALID' satisfies CatalogErrorCode,
        message: zone
          ? `schedule "${entry.id}": "${String(entry.timezone)}" is not an IANA time zone`
          : `schedule "${entry.id}": "${entry.cron}" is not a cron expression (${message})`,
        pointer: zone ? `${at}/timezone` : `${at}/cron`,
        fix: zone
          ? 'Use a name such as `UTC`, `Europe/Berlin` or `America/New_York`.'
          : 'Write 5 fields `minute hour day month weekday`, e.g. `0 9 * * 1` for Mondays at 09:00.',
        severity: 'error',
      });
    }
  });
  return problems;
}

/** The timers a guild's schedules need (skipping ones that never fire again). */
export function scheduleTimers(guildId: string, settings: ScheduleSettings | undefined, now: number): NewTimer[] {
  const timers: NewTimer[] = [];
  for (const entry of settings?.schedules ?? []) {
    const timezone = entry.timezone ?? 'UTC';
    const dueAt = nextOccurrence({ cron: entry.cron, timezone }, now);
    if (dueAt === null) continue;
    const payload: JsonObject = { scheduleId: entry.id, cron: entry.cron, timezone };
    timers.push({
      id: scheduleTimerId(entry.id),
      guildId,
      kind: SCHEDULE_TIMER_KIND,
      dueAt,
      payload,
      cron: entry.cron,
      timezone,
    });
  }
  return timers;
}

/** Ids of timers to cancel when a guild's schedules change from `before` to `after`. */
export function removedScheduleIds(
  before: ScheduleSettings | undefined,
  after: ScheduleSettings | undefined,
): string[] {
  const keep = new Set((after?.schedules ?? []).map((s) => s.id));
  return (before?.schedules ?? []).filter((s) => !keep.has(s.id)).map((s) => scheduleTimerId(s.id));
}

/**
 * Timer kinds of the catalog that become events, for `new Engine({ …, timerEvents: catalogTimerEvents })`.
 */
export const catalogTimerEvents: Record<string, (timer: TimerRecord) => RuleEvent | null> = {
  [SCHEDULE_TIMER_KIND]: (timer) => scheduleTickEvent(timer),
};

/** The `schedule.tick` event for one firing of a schedule timer. */
export function scheduleTickEvent(timer: { guildId: string; dueAt: number; payload: unknown }): {
  id: string;
  guildId: string;
  type: 'schedule.tick';
  at: number;
  payload: JsonObject;
} {
  const p = (timer.payload ?? {}) as { scheduleId?: string; cron?: string; timezone?: string };
  return {
    id: `schedule:${String(p.scheduleId)}:${timer.dueAt}`,
    guildId: timer.guildId,
    type: 'schedule.tick',
    at: timer.dueAt,
    payload: {
      scheduleId: String(p.scheduleId),
      cron: String(p.cron),
      timezone: p.timezone ?? 'UTC',
      scheduledAt: timer.dueAt,
    },
  };
}
