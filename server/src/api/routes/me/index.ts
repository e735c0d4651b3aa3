import type { FastifyPluginAsync } from 'fastify';
import type { Principal } from '../../../auth/guild-access.js';
import { authenticate } from '../../context.js';
import { limit, type RouteOptions } from '../shared.js';

type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/** The signed-in user and the guilds they can manage. */
export const meRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  const userOnly = authenticate(ctx, app, { userOnly: true });

  app.get(
    '/me',
    {
      config: limit(ctx, 'read'),
      preHandler: userOnly,
      schema: { summary: 'The signed-in user, with the CSRF token to send on changes', tags: ['me'] },
    },
    async (request) => {
      const p = request.principal as UserPrincipal;
      return { user: { id: p.userId, name: p.userName, sandbox: p.sandbox }, csrfToken: ctx.csrfToken(p.sessionId) };
    },
  );

  app.get(
    '/me/guilds',
    {
      config: limit(ctx, 'read'),
      preHandler: userOnly,
      schema: { summary: 'Guilds the user can manage (bot present), with premium badge', tags: ['me'] },
    },
    async (request) => {
      const guilds = await ctx.access.manageable(request.principal as UserPrincipal);
      const ids = guilds.map((g) => g.id);
      const tiers = ids.length
        ? ((await ctx.db('guilds').whereIn('id', ids).select('id', 'tier')) as { id: string; tier: string }[])
        : [];
      const tierOf = new Map(tiers.map((t) => [t.id, t.tier]));
      return {
        guilds: guilds.map((g) => ({
          id: g.id,
          name: g.name,
          icon: g.icon ?? null,
          owner: g.owner === true,
          tier: tierOf.get(g.id) === 'premium' ? 'premium' : 'free',
          premium: tierOf.get(g.id) === 'premium',
        })),
      };
    },
  );
};
