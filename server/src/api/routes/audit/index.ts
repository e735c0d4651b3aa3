import type { FastifyPluginAsync } from 'fastify';
import { forGuild, listAudit } from '../../../db/index.js';
import { guildAccess } from '../../context.js';
import { guildParams } from '../../schemas.js';
import { limit, type RouteOptions } from '../shared.js';

/** Who changed what in this guild, newest first. */
export const auditRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.get<{ Params: { guildId: string }; Querystring: { limit: number } }>(
    '/guilds/:guildId/audit',
    {
      config: limit(ctx, 'read'),
      preHandler: guildAccess(ctx, app, 'read'),
      schema: {
        summary: 'Audit log: every change with its actor and before/after version',
        tags: ['audit'],
        params: guildParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
        },
      },
    },
    async (request) => {
      const rows = await listAudit(forGuild(ctx.db, request.params.guildId), request.query.limit);
      // before/after are jsonb: PostgreSQL and PGlite both hand them back parsed.
      return {
        entries: rows.map((r) => ({
          id: Number(r.id),
          actor: r.actor,
          action: r.action,
          target: r.target,
          before: r.before,
          after: r.after,
          at: new Date(r.created_at).toISOString(),
        })),
      };
    },
  );
};
