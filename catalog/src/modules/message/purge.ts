import { defineAction } from '@rulecord/engine';
import { target } from '../../lib/context.js';
import { channelIdSchema, userIdSchema } from '../../lib/schemas.js';
import type { SchemaType } from '../../lib/schemas.js';

const params = {
  type: 'object',
  additionalProperties: false,
  properties: {
    channel: { ...channelIdSchema, description: "Channel to clean; default: the event's channel." },
    limit: {
      type: 'integer',
      minimum: 1,
      maximum: 100,
      default: 50,
      description: 'How many recent messages to look at (Discord bulk-deletes at most 100, none older than 14 days).',
    },
    user: {
      ...userIdSchema,
      description: "Only delete this user's messages among them (e.g. `{{ user.id }}` after a spam hit).",
    },
  },
} as const;

export const purge = defineAction<SchemaType<typeof params>>({
  name: 'message.purge',
  description:
    "Bulk-deletes recent messages in a channel, optionally only one user's. Returns how many were deleted. Cleans up after a spam wave.",
  params,
  result: { type: 'object', required: ['deleted'], properties: { deleted: { type: 'integer', minimum: 0 } } },
  examples: [
    { limit: 20, user: '{{ user.id }}' },
    { channel: '223344556677889911', limit: 100 },
  ],
  async run(p, ctx) {
    const channelId = target(ctx, 'channel', p.channel, 'message.purge');
    const options: { limit: number; userId?: string } = { limit: p.limit ?? 50 };
    if (p.user !== undefined) options.userId = p.user;
    const deleted = await ctx.discord.purge(channelId, options);
    return { deleted };
  },
});
