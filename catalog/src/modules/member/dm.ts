import { defineAction } from '@rulecord/engine';
import { target } from '../../lib/context.js';
import { contentOrEmbeds, messageContent } from '../../lib/message.js';
import { contentSchema, embedsSchema, userIdSchema } from '../../lib/schemas.js';
import type { SchemaType } from '../../lib/schemas.js';

const params = {
  type: 'object',
  additionalProperties: false,
  properties: {
    user: { ...userIdSchema, description: "Who to write to; default: the event's user." },
    content: contentSchema,
    embeds: embedsSchema,
  },
  ...contentOrEmbeds,
} as const;

export const dm = defineAction<SchemaType<typeof params>>({
  name: 'member.dm',
  description:
    'Sends a direct message to a user. Many users block DMs from servers: that is not an error, the result says `delivered: false` and the run goes on.',
  params,
  result: {
    type: 'object',
    required: ['delivered'],
    properties: { delivered: { type: 'boolean' }, messageId: { type: 'string' } },
  },
  examples: [{ content: 'You were timed out in {{ guild.name }} for spamming.' }],
  async run(p, ctx) {
    const user = target(ctx, 'user', p.user, 'member.dm');
    const sent = await ctx.discord.sendDirect(user, messageContent({ content: p.content, embeds: p.embeds }));
    return sent === null ? { delivered: false } : { delivered: true, messageId: sent.messageId };
  },
});
