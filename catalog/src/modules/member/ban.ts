import { defineAction, parseDuration } from '@rulecord/engine';
import { catalogError } from '../../errors.js';
import { target } from '../../lib/context.js';
import { durationSchema, reasonSchema, userIdSchema } from '../../lib/schemas.js';
import type { SchemaType } from '../../lib/schemas.js';

const MAX_DELETE_MS = 7 * 86_400_000;

const banParams = {
  type: 'object',
  additionalProperties: false,
  properties: {
    user: { ...userIdSchema, description: "Who to ban; default: the event's user. Works for users who already left." },
    reason: reasonSchema,
    deleteMessages: {
      ...durationSchema,
      description: 'Also delete their messages from this long back (at most `7d`); default: none.',
    },
  },
} as const;

export const ban = defineAction<SchemaType<typeof banParams>>({
  name: 'member.ban',
  description: 'Bans a user from the server, optionally deleting their recent messages (up to 7 days back).',
  params: banParams,
  examples: [{ reason: 'Scam links', deleteMessages: '1d' }, { user: '334455667788990011' }],
  async run(p, ctx) {
    const user = target(ctx, 'user', p.user, 'member.ban');
    const options: { reason?: string; deleteMessageSeconds?: number } = {};
    if (p.reason !== undefined) options.reason = p.reason;
    if (p.deleteMessages !== undefined) {
      const ms = parseDuration(p.deleteMessages);
      if (ms > MAX_DELETE_MS) {
        throw catalogError(
          'RC_CATALOG_BAN_DELETE_TOO_LONG',
          `member.ban: deleteMessages ${String(p.deleteMessages)} reaches further back than Discord allows (7 days)`,
          {
            fix: 'Use a duration of at most `7d`.',
            details: { deleteMessages: p.deleteMessages },
          },
        );
      }
      options.deleteMessageSeconds = Math.floor(ms / 1000);
    }
    await ctx.discord.ban(user, options);
  },
});

const unbanParams = {
  type: 'object',
  additionalProperties: false,
  required: ['user'],
  properties: { user: { ...userIdSchema, description: 'Who to unban.' }, reason: reasonSchema },
} as const;

export const unban = defineAction<SchemaType<typeof unbanParams>>({
  name: 'member.unban',
  description: 'Lifts a ban (e.g. at the end of a temporary ban: `member.ban`, `wait: 7d`, `member.unban`).',
  params: unbanParams,
  examples: [{ user: '{{ user.id }}', reason: 'Temporary ban over' }],
  async run(p, ctx) {
    await ctx.discord.unban(p.user, p.reason);
  },
});
