import { defineAction } from '@rulecord/engine';
import { target } from '../../lib/context.js';
import { reasonSchema, roleIdSchema, userIdSchema } from '../../lib/schemas.js';
import type { SchemaType } from '../../lib/schemas.js';

const params = {
  type: 'object',
  additionalProperties: false,
  required: ['role'],
  properties: {
    user: { ...userIdSchema, description: "Whose roles; default: the event's user." },
    role: roleIdSchema,
    reason: reasonSchema,
  },
} as const;
type Params = SchemaType<typeof params>;

export const addRole = defineAction<Params>({
  name: 'role.add',
  description:
    'Gives a member a role (auto-role on join, a reaction role, a quarantine role). Giving a role they have is a no-op.',
  params,
  examples: [{ role: '445566778899001122' }, { role: '445566778899001122', reason: 'Verified' }],
  async run(p, ctx) {
    await ctx.discord.addRole(target(ctx, 'user', p.user, 'role.add'), p.role, p.reason);
  },
});

export const removeRole = defineAction<Params>({
  name: 'role.remove',
  description: 'Takes a role away from a member. Removing a role they do not have is a no-op.',
  params,
  examples: [{ role: '445566778899001122' }],
  async run(p, ctx) {
    await ctx.discord.removeRole(target(ctx, 'user', p.user, 'role.remove'), p.role, p.reason);
  },
});

export const toggleRole = defineAction<Params>({
  name: 'role.toggle',
  description:
    'Gives the role if the member lacks it, takes it away if they have it (self-assign buttons). The result says which: `{{ steps.<as>.added }}`.',
  params,
  result: { type: 'object', required: ['added'], properties: { added: { type: 'boolean' } } },
  examples: [{ role: '445566778899001122' }],
  async run(p, ctx) {
    const user = target(ctx, 'user', p.user, 'role.toggle');
    const member = await ctx.discord.member(user);
    const has = member?.roles.includes(p.role) === true;
    if (has) await ctx.discord.removeRole(user, p.role, p.reason);
    else await ctx.discord.addRole(user, p.role, p.reason);
    return { added: !has };
  },
});
