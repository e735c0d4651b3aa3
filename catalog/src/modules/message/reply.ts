import { defineAction } from '@rulecord/engine';
import { eventUserId, target } from '../../lib/context.js';
import { MESSAGE_CONTENT_EVENTS } from '../../lib/events.js';
import { contentOrEmbeds, messageContent } from '../../lib/message.js';
import { contentSchema, embedsSchema } from '../../lib/schemas.js';
import type { SchemaType } from '../../lib/schemas.js';

const params = {
  type: 'object',
  additionalProperties: false,
  properties: {
    content: contentSchema,
    embeds: embedsSchema,
    mention: { type: 'boolean', default: false, description: 'Ping the author of the message replied to.' },
  },
  ...contentOrEmbeds,
} as const;

export const reply = defineAction<SchemaType<typeof params>>({
  name: 'message.reply',
  description:
    'Replies to the message that triggered the rule, in its channel. The author is not pinged unless `mention: true`. Put it before `message.delete` (a reply needs its message), or use `message.send` after deleting.',
  params,
  result: {
    type: 'object',
    required: ['messageId'],
    properties: { messageId: { type: 'string' } },
  },
  events: [...MESSAGE_CONTENT_EVENTS],
  examples: [
    { content: 'Please keep it down, {{ user.name }}.' },
    { content: 'Thanks for the report!', mention: true },
  ],
  async run(p, ctx) {
    const channelId = target(ctx, 'channel', undefined, 'message.reply');
    const messageId = target(ctx, 'message', undefined, 'message.reply');
    const author = eventUserId(ctx);
    const { messageId: sent } = await ctx.discord.sendMessage(
      channelId,
      messageContent({
        content: p.content,
        embeds: p.embeds,
        replyTo: messageId,
        allowedMentions: p.mention === true && author !== undefined ? { users: [author] } : undefined,
      }),
    );
    return { messageId: sent };
  },
});
