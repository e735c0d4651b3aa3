import { defineEvent } from '@rulecord/engine';
import { epochMsSchema } from '../../lib/schemas.js';

export const tick = defineEvent({
  name: 'schedule.tick',
  description:
    'A schedule declared in the module settings (`modules.schedule.schedules`) came due. Match the schedule with `if: { fact: event.scheduleId, operator: equal, value: weekly-reminder }`. There is no user or message on this event, so actions need explicit targets (`message.send` with a `channel`).',
  payload: {
    type: 'object',
    required: ['scheduleId', 'cron', 'timezone', 'scheduledAt'],
    properties: {
      scheduleId: { type: 'string', description: 'The `id` of the schedule.' },
      cron: { type: 'string' },
      timezone: { type: 'string' },
      scheduledAt: {
        ...epochMsSchema,
        description: 'The occurrence this tick is for (it may be handled a little later).',
      },
    },
  },
  examples: [
    { scheduleId: 'weekly-reminder', cron: '0 9 * * 1', timezone: 'Europe/Berlin', scheduledAt: 1_732_518_000_000 },
  ],
});
