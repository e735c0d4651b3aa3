import type { FastifyPluginAsync } from 'fastify';
import { TRACE_OUTCOMES } from '@rulecord/engine';
import { guildAccess, routeOf } from '../../context.js';
import { guildParams } from '../../schemas.js';
import type { TraceFilter } from '../../traces.js';
import { limit, type RouteOptions } from '../shared.js';

/** At most this many live trace streams per guild per API process. */
export const MAX_STREAMS_PER_GUILD = 20;

/** Recent traces of one guild (filters) and a websocket of new ones; a guild's stream carries only that guild. */
export const traceRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  const read = guildAccess(ctx, app, 'read');
  const open = new Map<string, Set<unknown>>();

  app.get<{ Params: { guildId: string }; Querystring: TraceFilter }>(
    '/guilds/:guildId/traces',
    {
      config: limit(ctx, 'read'),
      preHandler: read,
      schema: {
        summary: 'Recent traces, newest first',
        tags: ['traces'],
        params: guildParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            rule: { type: 'string', maxLength: 200 },
            outcome: { enum: [...TRACE_OUTCOMES] },
            user: { type: 'string', maxLength: 40 },
            since: { type: 'integer', minimum: 0, description: 'epoch ms, inclusive' },
            until: { type: 'integer', minimum: 0, description: 'epoch ms, exclusive' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
        },
      },
    },
    async (request) => ({
      traces: await ctx.traces.list(request.params.guildId, request.query),
    }),
  );

  // No rate-limit hook on the upgrade (STACK.md: a limited upgrade turned into a 500); streams are capped per guild.
  app.get(
    '/guilds/:guildId/traces/stream',
    {
      websocket: true,
      preValidation: async (request, reply) => {
        const origin = request.headers.origin;
        if (origin !== undefined && !ctx.allowedOrigins.has(origin)) {
          await ctx.securityLog.record({
            kind: 'websocket.origin',
            ip: request.ip,
            route: routeOf(request),
            details: { origin },
          });
          return reply.code(403).send({
            error: {
              code: 'RC_API_CSRF',
              message: `WebSocket from origin ${origin} refused.`,
              details: {},
              requestId: request.id,
              timestamp: new Date().toISOString(),
            },
          });
        }
        const guildId = (request.params as { guildId: string }).guildId;
        if ((open.get(guildId)?.size ?? 0) >= MAX_STREAMS_PER_GUILD)
          return reply
            .code(429)
            .header('retry-after', '10')
            .send({
              error: {
                code: 'RC_API_RATE_LIMITED',
                message: 'Too many open trace streams for this guild.',
                details: {},
                requestId: request.id,
                timestamp: new Date().toISOString(),
              },
            });
        return undefined;
      },
      preHandler: read,
      schema: {
        summary: 'WebSocket: every new trace of this guild as a JSON message (Origin allowlist on the handshake)',
        tags: ['traces'],
        params: guildParams,
      },
    },
    (socket, request) => {
      const guildId = (request.params as { guildId: string }).guildId;
      const sockets = open.get(guildId) ?? new Set();
      open.set(guildId, sockets.add(socket));
      const unsubscribe = ctx.traces.subscribe(guildId, (trace) => {
        if (socket.readyState === 1) socket.send(JSON.stringify({ type: 'trace', guildId, trace }));
      });
      socket.send(JSON.stringify({ type: 'ready', guildId }));
      socket.on('close', () => {
        unsubscribe();
        sockets.delete(socket);
      });
    },
  );
};
