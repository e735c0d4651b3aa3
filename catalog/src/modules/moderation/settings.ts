import { channelIdSchema, durationSchema } from '../../lib/schemas.js';
import type { SchemaType } from '../../lib/schemas.js';

const escalationStep = {
  type: 'object',
  additionalProperties: false,
  required: ['warnings', 'action'],
  properties: {
    warnings: {
      type: 'integer',
      minimum: 1,
      description: 'The warning count (within `decay`) at which this step runs.',
    },
    action: { enum: ['timeout', 'kick', 'ban'], description: 'What happens to the member.' },
    duration: { ...durationSchema, description: 'How long the timeout lasts (required for `timeout`, at most `28d`).' },
  },
  if: { properties: { action: { const: 'timeout' } } },
  then: { required: ['duration'] },
} as const;

export const moderationSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    logChannel: {
      ...channelIdSchema,
      description: 'Where warnings and the escalations they trigger are logged for moderators. No log when absent.',
    },
    decay: {
      ...durationSchema,
      default: '30d',
      description: 'How long a warning counts: warnings older than this no longer add up.',
    },
    dmOnWarn: {
      type: 'boolean',
      default: true,
      description: 'Tell the warned member by DM, with the reason and their current count.',
    },
    escalation: {
      type: 'array',
      items: escalationStep,
      default: [],
      description:
        'What happens when a member reaches a warning count, e.g. `[{ warnings: 3, action: timeout, duration: 1h }, { warnings: 5, action: ban }]`. A step runs once, when the count reaches exactly its `warnings`.',
    },
  },
} as const;

export type ModerationSettings = SchemaType<typeof moderationSettingsSchema>;
export type EscalationStep = SchemaType<typeof escalationStep>;
