import type { FastifyPluginAsync } from 'fastify';
import { actorOf, type Principal } from '../../../auth/guild-access.js';
import { writeAudit } from '../../../rulesets/store.js';
import { ensureGuild } from '../../../rulesets/store.js';
import type { TokenScope } from '../../../auth/tokens.js';
import { guildAccess, routeOf } from '../../context.js';
import { ApiError } from '../../errors.js';
import { guildParams, snowflake } from '../../schemas.js';
import { limit, type RouteOptions } from '../shared.js';

/** Per-guild API tokens, managed by signed-in users only (a token cannot mint or revoke tokens). */
export const tokenRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  const userRead = guildAccess(ctx, app, 'read', { userOnly: true });
  const userWrite = guildAccess(ctx, app, 'write', { userOnly: true });

  app.get<{ Params: { guildId: string } }>(
    '/guilds/:guildId/tokens',
    {
      config: limit(ctx, 'read'),
      preHandler: userRead,
      schema: { summary: 'API tokens of the guild (never their secret)', tags: ['tokens'], params: guildParams },
    },
    async (request) => ({ tokens: await ctx.tokens.list(request.params.guildId) }),
  );

  app.post<{ Params: { guildId: string }; Body: { name: string; scope: TokenScope } }>(
    '/guilds/:guildId/tokens',
    {
      config: limit(ctx, 'write'),
      preHandler: userWrite,
      schema: {
        summary: 'Create a token; the response is the only time its text is shown',
        tags: ['tokens'],
        params: guildParams,
        body: {
          type: 'object',
          required: ['name', 'scope'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, scope: { enum: ['read', 'write'] } },
        },
      },
    },
    async (request) => {
      const { guildId } = request.params;
      const actor = actorOf(request.principal as Principal);
      await ensureGuild(ctx.db, guildId);
      const { token, record } = await ctx.tokens.create({
        guildId,
        name: request.body.name,
        scope: request.body.scope,
        createdBy: actor,
      });
      await writeAudit(ctx.db, {
        guildId,
        actor,
        action: 'token.create',
        target: `token:${record.id}`,
        after: { scope: record.scope, name: record.name },
      });
      await ctx.securityLog.record({
        kind: 'token.created',
        guildId,
        actor,
        ip: request.ip,
        route: routeOf(request),
        details: { tokenId: record.id, scope: record.scope },
      });
      return { token, ...record };
    },
  );

  app.delete<{ Params: { guildId: string; tokenId: string } }>(
    '/guilds/:guildId/tokens/:tokenId',
    {
      config: limit(ctx, 'write'),
      preHandler: userWrite,
      schema: {
        summary: 'Revoke a token (effective immediately)',
        tags: ['tokens'],
        params: {
          type: 'object',
          required: ['guildId', 'tokenId'],
          properties: { guildId: snowflake, tokenId: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,32}$' } },
        },
      },
    },
    async (request) => {
      const { guildId, tokenId } = request.params;
      const actor = actorOf(request.principal as Principal);
      if (!(await ctx.tokens.revoke(guildId, tokenId)))
        throw new ApiError('RC_API_NOT_FOUND', `Guild ${guildId} has no live token ${tokenId}.`);
      await writeAudit(ctx.db, { guildId, actor, action: 'token.revoke', target: `token:${tokenId}` });
      await ctx.securityLog.record({
        kind: 'token.revoked',
        guildId,
        actor,
        ip: request.ip,
        route: routeOf(request),
        details: { tokenId },
      });
      return { revoked: true, id: tokenId };
    },
  );
};
