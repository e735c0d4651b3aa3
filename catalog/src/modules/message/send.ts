import { defineAction } from '@rulecord/engine';
import { target } from '../../lib/context.js';
import { contentOrEmbeds, messageContent } from '../../lib/message.js';
import { allowedMentionsSchema, channelIdSchema, contentSchema, embedsSchema } from '../../lib/schemas.js';
import type { SchemaType } from '../../lib/schemas.js';

const params = {
  type: 'object',
  additionalProperties: false,
  properties: {
    channel: { ...channelIdSchema, description: "Where to post; default: the event's channel." },
    content: contentSchema,
    embeds: embedsSchema,
    allowedMentions: allowedMentionsSchema,
  },
  ...contentOrEmbeds,
} as const;

const result = {
  type: 'object',
  required: ['messageId', 'channelId'],
  properties: { messageId: { type: 'string' }, channelId: { type: 'string' } },
} as const;

export const send = defineAction<SchemaType<typeof params>>({
  name: 'message.send',
  description:
    "Posts a message (text and/or embeds) in a channel. Mentions in it render but ping nobody unless listed in `allowedMentions`. Returns the new message's id, usable later as `{{ steps.<as>.messageId }}`.",
  params,
  result,
  examples: [
    { channel: '223344556677889900', content: 'Welcome {{ user.mention }}! Read <#223344556677889911> first.' },
    {
      channel: '223344556677889900',
      embeds: [{ title: 'Rules updated', description: 'Please read them again.', color: 5793266 }],
    },
  ],
  async run(p, ctx) {
    const channelId = target(ctx, 'channel', p.channel, 'message.send');
    const { messageId } = await ctx.discord.sendMessage(
      channelId,
      messageContent({ content: p.content, embeds: p.embeds, allowedMentions: p.allowedMentions }),
    );
    return { messageId, channelId };
  },
});
