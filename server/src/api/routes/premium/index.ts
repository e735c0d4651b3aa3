import type { FastifyPluginAsync } from 'fastify';
import { TIER_LIMITS } from '../../../rulesets/service.js';
import { guildAccess } from '../../context.js';
import { guildParams } from '../../schemas.js';
import { limit, type RouteOptions } from '../shared.js';

/** The guild's tier, its limits, and what is premium-only. */
export const premiumRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.get<{ Params: { guildId: string } }>(
    '/guilds/:guildId/premium',
    {
      config: limit(ctx, 'read'),
      preHandler: guildAccess(ctx, app, 'read'),
      schema: { summary: 'Tier, limits and what is gated', tags: ['premium'], params: guildParams },
    },
    async (request) => {
      const tier = await ctx.rulesets.store.tier(request.params.guildId);
      const registry = ctx.registry();
      return {
        tier,
        premium: tier === 'premium',
        limits: TIER_LIMITS[tier],
        tiers: TIER_LIMITS,
        gated: {
          modules: registry.modules.filter((m) => m.premium === true).map((m) => m.id),
          facts: registry
            .facts()
            .filter((f) => f.premium === true)
            .map((f) => f.name),
          actions: registry
            .actions()
            .filter((a) => a.premium === true)
            .map((a) => a.name),
          templates: registry
            .templates()
            .filter((t) => t.premium === true)
            .map((t) => `${t.id}@${t.version}`),
        },
      };
    },
  );
};
