import type { SchemaType } from '../../lib/schemas.js';

export const scheduleSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    schedules: {
      type: 'array',
      default: [],
      maxItems: 50,
      description: 'Recurring schedules; each fires `schedule.tick` with its `scheduleId` at every occurrence.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'cron'],
        properties: {
          id: {
            type: 'string',
            pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$',
            maxLength: 64,
            description: 'Kebab-case name, unique in the guild; rules match it with `event.scheduleId`.',
          },
          cron: {
            type: 'string',
            minLength: 9,
            maxLength: 120,
            // 5 or 6 fields; the module's `check` (`checkSchedules`, croner) reads it at validation.
            pattern: '^\\s*\\S+(?:\\s+\\S+){4,5}\\s*$',
            description:
              'When, as a cron expression: 5 fields (`minute hour day month weekday`, e.g. `0 9 * * 1` = Mondays 09:00) or 6 with seconds first. At most once a minute.',
            examples: ['0 9 * * 1', '*/30 * * * *', '0 20 * * FRI'],
          },
          timezone: {
            type: 'string',
            default: 'UTC',
            pattern: '^[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*$',
            description: 'IANA time zone the cron expression is read in, e.g. `Europe/Berlin`.',
          },
        },
      },
    },
  },
} as const;

export type ScheduleSettings = SchemaType<typeof scheduleSettingsSchema>;
export type ScheduleEntry = NonNullable<ScheduleSettings['schedules']>[number];
