import { defineAction } from '@rulecord/engine';
import { target } from '../../lib/context.js';
import { reasonSchema, userIdSchema } from '../../lib/schemas.js';
import type { SchemaType } from '../../lib/schemas.js';

const params = {
  type: 'object',
  additionalProperties: false,
  required: ['nickname'],
  properties: {
    user: { ...userIdSchema, description: "Whose nickname; default: the event's user." },
    nickname: {
      type: ['string', 'null'],
      maxLength: 32,
      description: 'The new server nickname (at most 32 characters); `null` or `""` resets it to their own name.',
    },
    reason: reasonSchema,
  },
} as const;

export const nickname = defineAction<SchemaType<typeof params>>({
  name: 'member.nickname',
  description: "Sets or resets a member's server nickname, e.g. to de-hoist names that start with `!`.",
  params,
  examples: [{ nickname: 'Moderated nickname' }, { nickname: null }],
  async run(p, ctx) {
    const user = target(ctx, 'user', p.user, 'member.nickname');
    await ctx.discord.setNickname(user, p.nickname === '' ? null : p.nickname, p.reason);
  },
});
