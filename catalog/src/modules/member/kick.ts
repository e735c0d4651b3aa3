import { defineAction } from '@rulecord/engine';
import { target } from '../../lib/context.js';
import { reasonSchema, userIdSchema } from '../../lib/schemas.js';
import type { SchemaType } from '../../lib/schemas.js';

const params = {
  type: 'object',
  additionalProperties: false,
  properties: {
    user: { ...userIdSchema, description: "Who to kick; default: the event's user." },
    reason: reasonSchema,
  },
} as const;

export const kick = defineAction<SchemaType<typeof params>>({
  name: 'member.kick',
  description:
    'Removes a member from the server; they can come back with an invite. Send a `member.dm` first if they should know why.',
  params,
  examples: [{ reason: 'Account too new' }, { user: '334455667788990011', reason: 'Raid' }],
  async run(p, ctx) {
    await ctx.discord.kick(target(ctx, 'user', p.user, 'member.kick'), p.reason);
  },
});
