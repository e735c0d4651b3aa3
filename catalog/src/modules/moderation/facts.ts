import { defineFact } from '@rulecord/engine';
import { eventUserId } from '../../lib/context.js';
import { USER_EVENTS } from '../../lib/events.js';
import { decayMs, MODERATION_FEATURE, warningKey } from './warnings.js';

export const warnings = defineFact<number>({
  name: 'moderation.warnings',
  description:
    "How many warnings (`member.warn`) the event's user has within the `decay` window of the moderation settings. Lets a rule go harder on repeat offenders.",
  schema: { type: 'integer', minimum: 0 },
  events: [...USER_EVENTS],
  cost: 'io',
  examples: [0, 2],
  async resolve(ctx) {
    const user = eventUserId(ctx);
    if (user === undefined) return 0;
    const ms = decayMs(ctx);
    return ctx.state.count(MODERATION_FEATURE, warningKey(user), ms, ctx.event.at);
  },
});
