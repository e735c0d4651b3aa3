import { defineAction } from '@rulecord/engine';
import { catalogError } from '../../errors.js';
import { INTERACTION_EVENTS } from '../../lib/events.js';
import { contentOrEmbeds, messageContent } from '../../lib/message.js';
import { allowedMentionsSchema, contentSchema, embedsSchema } from '../../lib/schemas.js';
import type { SchemaType } from '../../lib/schemas.js';

const params = {
  type: 'object',
  additionalProperties: false,
  properties: {
    content: contentSchema,
    embeds: embedsSchema,
    ephemeral: {
      type: 'boolean',
      default: false,
      description: 'Only the user who used the command or button sees the reply.',
    },
    allowedMentions: allowedMentionsSchema,
  },
  ...contentOrEmbeds,
} as const;

export const interactionReply = defineAction<SchemaType<typeof params>>({
  name: 'interaction.reply',
  description:
    'Answers the slash command, button or select menu that triggered the rule. Discord needs an answer within 3 seconds, so put it before slow steps; `ephemeral: true` shows it to that user only.',
  params,
  events: [...INTERACTION_EVENTS],
  examples: [
    { content: 'Done! You now have the role.', ephemeral: true },
    { embeds: [{ title: 'Server rules', description: '1. Be kind.' }] },
  ],
  async run(p, ctx) {
    const { interactionId, token } = ctx.event.payload;
    if (typeof interactionId !== 'string' || typeof token !== 'string') {
      throw catalogError(
        'RC_CATALOG_NO_TARGET',
        `interaction.reply needs an interaction, and the \`${ctx.event.type}\` event has none`,
        {
          fix: 'Use interaction.reply on command.run, interaction.button or interaction.select; elsewhere use message.send.',
        },
      );
    }
    await ctx.discord.replyInteraction(
      interactionId,
      token,
      messageContent({
        content: p.content,
        embeds: p.embeds,
        allowedMentions: p.allowedMentions,
        ephemeral: p.ephemeral ?? false,
      }),
    );
  },
});
