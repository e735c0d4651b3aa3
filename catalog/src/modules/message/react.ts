import { defineAction } from '@rulecord/engine';
import { target } from '../../lib/context.js';
import { MESSAGE_EVENTS } from '../../lib/events.js';
import { channelIdSchema, emojiSchema, messageIdSchema } from '../../lib/schemas.js';
import type { SchemaType } from '../../lib/schemas.js';

const params = {
  type: 'object',
  additionalProperties: false,
  required: ['emoji'],
  properties: {
    emoji: emojiSchema,
    channel: { ...channelIdSchema, description: "Channel of the message; default: the event's channel." },
    message: { ...messageIdSchema, description: "Message to react to; default: the event's message." },
  },
} as const;

export const react = defineAction<SchemaType<typeof params>>({
  name: 'message.react',
  description: 'Adds a reaction to the message that triggered the rule (or the one given), e.g. a ✅ on a suggestion.',
  params,
  events: [...MESSAGE_EVENTS],
  examples: [{ emoji: '👍' }, { emoji: 'upvote:1180000000000000009' }],
  async run(p, ctx) {
    const channelId = target(ctx, 'channel', p.channel, 'message.react');
    const messageId = target(ctx, 'message', p.message, 'message.react');
    await ctx.discord.addReaction(channelId, messageId, p.emoji);
  },
});
