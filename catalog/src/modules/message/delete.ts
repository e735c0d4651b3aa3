import { defineAction } from '@rulecord/engine';
import { target } from '../../lib/context.js';
import { MESSAGE_EVENTS } from '../../lib/events.js';
import { channelIdSchema, messageIdSchema, reasonSchema } from '../../lib/schemas.js';
import type { SchemaType } from '../../lib/schemas.js';

const params = {
  type: 'object',
  additionalProperties: false,
  properties: {
    channel: { ...channelIdSchema, description: "Channel of the message; default: the event's channel." },
    message: { ...messageIdSchema, description: "Message to delete; default: the event's message." },
    reason: reasonSchema,
  },
} as const;

export const deleteMessage = defineAction<SchemaType<typeof params>>({
  name: 'message.delete',
  description:
    'Deletes the message that triggered the rule (or the one given by `channel` + `message`). The usual first step of an automod rule.',
  params,
  result: { type: 'object', properties: { messageId: { type: 'string' } }, required: ['messageId'] },
  events: [...MESSAGE_EVENTS],
  examples: [{}, { reason: 'Invite links are not allowed' }],
  async run(p, ctx) {
    const channelId = target(ctx, 'channel', p.channel, 'message.delete');
    const messageId = target(ctx, 'message', p.message, 'message.delete');
    await ctx.discord.deleteMessage(channelId, messageId, p.reason);
    return { messageId };
  },
});
