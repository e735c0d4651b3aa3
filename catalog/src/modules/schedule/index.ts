import { defineModule } from '@rulecord/engine';
import { tick } from './events.js';
import { scheduleSettingsSchema, type ScheduleSettings } from './settings.js';
import { checkSchedules } from './timers.js';

/**
 * Recurring schedules (cron): declared in the guild's settings, fired as `schedule.tick` by the worker (see
 * `timers.ts` for how the process wires them). Its `check` refuses, at validation, what the settings schema cannot
 * see: cron expressions that do not parse, fire more than once a minute or never, unknown time zones, duplicate ids.
 */
export const scheduleModule = defineModule({
  id: 'schedule',
  version: '1.0.0',
  name: 'Schedules',
  description:
    'Recurring schedules written as cron expressions in the module settings. Each occurrence fires `schedule.tick`, which rules use for reminders, weekly posts and periodic clean-ups.',
  settings: scheduleSettingsSchema,
  events: [tick],
  check: ({ settings, pointer }) => checkSchedules(settings as ScheduleSettings, pointer),
});
