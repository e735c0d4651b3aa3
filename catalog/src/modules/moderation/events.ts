import { defineEvent } from '@rulecord/engine';
import { userIdSchema } from '../../lib/schemas.js';

export const warned = defineEvent({
  name: 'moderation.warned',
  description:
    'A member was warned by `member.warn` (emitted after the warning is recorded and any escalation step has run). Rules on it can add their own consequences or notifications.',
  payload: {
    type: 'object',
    required: ['userId', 'count', 'reason'],
    properties: {
      userId: { ...userIdSchema, description: 'The warned member.' },
      count: { type: 'integer', minimum: 1, description: 'Their warnings within the decay window, this one included.' },
      reason: { type: 'string' },
      rule: { type: 'string', description: 'Id of the rule that warned.' },
      escalation: {
        type: ['object', 'null'],
        description: 'The escalation step that ran, if any.',
        properties: { action: { enum: ['timeout', 'kick', 'ban'] }, duration: { type: ['string', 'integer'] } },
      },
    },
  },
  examples: [
    {
      userId: '334455667788990011',
      count: 3,
      reason: 'Spam',
      rule: 'anti-spam.stop-spam',
      escalation: { action: 'timeout', duration: '1h' },
    },
  ],
});
