import { defineTemplate } from '@rulecord/engine';
import { durationSchema, roleIdSchema } from '../../lib/schemas.js';
import { input } from '../../lib/template.js';

export const antiSpam = defineTemplate({
  id: 'anti-spam',
  version: 1,
  name: 'Anti-spam',
  description:
    "Stops message floods and copy-paste spam: deletes the message that crosses the limit and times the author out. One timeout per burst (the rule cools down for the timeout's length).",
  inputs: {
    type: 'object',
    examples: [{ maxMessages: 5, window: '10s', timeout: '30m' }],
    additionalProperties: false,
    properties: {
      maxMessages: {
        type: 'integer',
        minimum: 2,
        maximum: 50,
        default: 6,
        description: 'Messages within `window` from which the author is flooding.',
      },
      window: { ...durationSchema, default: '10s', description: 'The window for `maxMessages`.' },
      maxDuplicates: {
        type: 'integer',
        minimum: 2,
        maximum: 20,
        default: 3,
        description: 'Times the same text may be posted within a minute before it counts as spam.',
      },
      timeout: { ...durationSchema, default: '10m', description: 'How long spammers are timed out.' },
      exemptRoles: {
        type: 'array',
        items: roleIdSchema,
        default: [],
        description: 'Members with any of these roles are never limited.',
      },
    },
  },
  rules: [
    {
      id: 'stop-spam',
      description: 'Delete and time out when someone floods or repeats the same message',
      on: 'message.create',
      where: { roles: { none: input<string[]>('exemptRoles') } },
      if: {
        any: [
          {
            fact: 'spam.recentMessages',
            params: { window: input('window') },
            operator: 'greaterThanInclusive',
            value: input('maxMessages'),
          },
          {
            fact: 'spam.duplicateMessages',
            params: { window: '1m' },
            operator: 'greaterThanInclusive',
            value: input('maxDuplicates'),
          },
        ],
      },
      then: [
        { 'message.delete': { reason: 'Spam' } },
        { 'member.timeout': { duration: input('timeout'), reason: 'Spam' } },
      ],
      limits: { cooldown: { per: 'user', window: input('timeout') } },
    },
  ],
});
