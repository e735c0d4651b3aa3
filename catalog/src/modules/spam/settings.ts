import { durationSchema } from '../../lib/schemas.js';
import type { SchemaType } from '../../lib/schemas.js';

export const spamSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    window: {
      ...durationSchema,
      default: '10s',
      description: 'Default window of `spam.recentMessages`: how far back messages count.',
    },
    duplicateWindow: {
      ...durationSchema,
      default: '1m',
      description: 'Default window of `spam.duplicateMessages`: how far back the same text counts as a repeat.',
    },
    channelWindow: {
      ...durationSchema,
      default: '1m',
      description: 'Default window of `spam.channelsRecent`: how far back channels count.',
    },
  },
} as const;

export type SpamSettings = Required<SchemaType<typeof spamSettingsSchema>>;
