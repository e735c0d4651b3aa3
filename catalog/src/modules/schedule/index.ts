import { defineModule } from '@rulecord/engine';
import { tick } from './events.js';
import { scheduleSettingsSchema } from './settings.js';

/**
 * Recurring schedules (cron): declared in the guild's settings, fired as `schedule.tick` by the worker (see
 * `timers.ts` for how the process wires them).
 */
export const scheduleModule = defineModule({
  id: 'schedule',
  version: '1.0.0',
  name: 'Schedules',
  description:
    'Recurring schedules written as cron expressions in the module settings. Each occurrence fires `schedule.tick`, which rules use for reminders, weekly posts and periodic clean-ups.',
  settings: scheduleSettingsSchema,
  events: [tick],
});
