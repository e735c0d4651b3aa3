import { Cron } from 'croner';
import type { JsonObject, ModuleProblem, NewTimer, RuleEvent, TimerRecord } from '@rulecord/engine';
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

/** Whether the runtime knows an IANA time zone (`Europe/Berlin`, `UTC`); croner reads zones through the same `Intl`. */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** With 6 fields the first is the second of the minute: one number, so a schedule fires at most once a minute. */
const ONE_SECOND = /^[0-5]?\d$/;

/**
 * Problems of the schedules that JSON Schema cannot see: an id used twice, a cron expression that does not parse, fires
 * more than once a minute or never fires (`0 0 31 2 *`), a time zone that does not exist. Every problem points at the
 * value that is wrong (`<pointer>/schedules/<n>/cron`) and says how to fix it. This is the module's `check`, so
 * `validateRuleSet` (and `rulecord validate`, the API, `Engine.load`) reports these before the rule set goes live.
 */
export function checkSchedules(settings: ScheduleSettings | undefined, pointer = '/modules/schedule'): ModuleProblem[] {
  const problems: ModuleProblem[] = [];
  const firstIndex = new Map<string, number>();
  (settings?.schedules ?? []).forEach((entry, i) => {
    const at = `${pointer}/schedules/${i}`;
    const report = (code: CatalogErrorCode, field: string, message: string, fix: string): void => {
      problems.push({ code, message, pointer: `${at}/${field}`, fix, severity: 'error' });
    };
    const first = firstIndex.get(entry.id);
    if (first === undefined) firstIndex.set(entry.id, i);
    else {
      report(
        'RC_CATALOG_SCHEDULE_DUPLICATE',
        'id',
        `Schedule id \`${entry.id}\` is already used by schedule ${first}.`,
        'Give every schedule its own id: rules tell them apart by `event.scheduleId`.',
      );
    }

    const timezone = entry.timezone ?? 'UTC';
    const knownZone = isTimeZone(timezone);
    if (!knownZone) {
      report(
        'RC_CATALOG_SCHEDULE_INVALID',
        'timezone',
        `Schedule \`${entry.id}\`: \`${timezone}\` is not an IANA time zone.`,
        'Use a name such as `UTC`, `Europe/Berlin` or `America/New_York` (offsets such as `UTC+2` are not zones).',
      );
    }

    try {
      new Cron(entry.cron, { timezone: 'UTC', paused: true });
    } catch (error) {
      const why = error instanceof Error ? error.message.replace(/^CronPattern: /, '') : String(error);
      report(
        'RC_CATALOG_SCHEDULE_INVALID',
        'cron',
        `Schedule \`${entry.id}\`: \`${entry.cron}\` is not a cron expression (${why}).`,
        'Write 5 fields `minute hour day month weekday`, e.g. `0 9 * * 1` for Mondays at 09:00.',
      );
      return;
    }
    const seconds = entry.cron.trim().split(/\s+/);
    if (seconds.length === 6 && !ONE_SECOND.test(seconds[0] ?? '')) {
      report(
        'RC_CATALOG_SCHEDULE_INVALID',
        'cron',
        `Schedule \`${entry.id}\`: \`${entry.cron}\` fires more than once a minute (its first field, the seconds, is \`${seconds[0]}\`).`,
        'A schedule fires at most once a minute: write 5 fields (`*/5 * * * *` = every 5 minutes), or one second such as `0` as the first of 6.',
      );
      return;
    }
    if (knownZone && nextOccurrence({ cron: entry.cron, timezone }, 0) === null) {
      report(
        'RC_CATALOG_SCHEDULE_INVALID',
        'cron',
        `Schedule \`${entry.id}\`: \`${entry.cron}\` never fires (no date matches its day and month).`,
        'Check the day of the month against the month (`31 2` is February 31st); `L` is the last day of any month, e.g. `0 9 L * *`.',
      );
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
