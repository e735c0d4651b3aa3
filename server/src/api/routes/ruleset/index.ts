import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { actorOf, type Principal } from '../../../auth/guild-access.js';
import { diffJson, diffRules } from '../../../rulesets/diff.js';
import { checkDocument } from '../../../rulesets/service.js';
import { conflict } from '../../../rulesets/store.js';
import { guildAccess } from '../../context.js';
import { ApiError, validationError } from '../../errors.js';
import {
  RULESET_DOCUMENT,
  commitMessage,
  expectedVersion,
  guildParams,
  snowflake,
  versionNumber,
} from '../../schemas.js';
import { DOCUMENT_BODY_LIMIT, expectedVersionOf, limit, type RouteOptions } from '../shared.js';

interface GuildRoute<B = unknown, Q = unknown, P = object> {
  Params: { guildId: string } & P;
  Body: B;
  Querystring: Q;
}

const versionParams = {
  type: 'object',
  required: ['guildId', 'v'],
  properties: { guildId: snowflake, v: versionNumber },
  additionalProperties: false,
};

const writeBody = {
  type: 'object',
  required: ['document'],
  additionalProperties: false,
  properties: { document: RULESET_DOCUMENT, message: commitMessage, expectedVersion },
};

function etag(reply: FastifyReply, version: number): void {
  void reply.header('etag', `"${version}"`);
}

/** The guild's rule set: read, write (new version), validate, history, diff, restore, plan/apply. */
export const rulesetRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  const read = guildAccess(ctx, app, 'read');
  const write = guildAccess(ctx, app, 'write');
  const tags = ['ruleset'];

  app.get<GuildRoute>(
    '/guilds/:guildId/ruleset',
    {
      config: limit(ctx, 'read'),
      preHandler: read,
      schema: { summary: 'The live rule set (ETag = version)', tags, params: guildParams },
    },
    async (request, reply) => {
      const live = await ctx.rulesets.store.latest(request.params.guildId);
      if (!live)
        throw new ApiError('RC_API_NOT_FOUND', `Guild ${request.params.guildId} has no rule set yet; PUT one.`);
      etag(reply, live.version);
      return live;
    },
  );

  app.put<GuildRoute<{ document: unknown; message?: string; expectedVersion?: number }>>(
    '/guilds/:guildId/ruleset',
    {
      config: limit(ctx, 'write'),
      bodyLimit: DOCUMENT_BODY_LIMIT,
      preHandler: write,
      schema: {
        summary: 'Store a new version: validate → new version with author and message → every process reloads',
        description:
          'Invalid → 400 with every problem and nothing changes. `If-Match: "<version>"` (or `expectedVersion`) that is not the live version → 409.',
        tags,
        params: guildParams,
        body: writeBody,
      },
    },
    async (request, reply) => {
      const exp = expectedVersionOf(request, request.body.expectedVersion);
      const result = await ctx.rulesets.put({
        guildId: request.params.guildId,
        document: request.body.document,
        author: actorOf(request.principal as Principal),
        message: request.body.message ?? '',
        at: { in: 'body', base: '/document' },
        ...(exp === undefined ? {} : { expectedVersion: exp }),
      });
      etag(reply, result.version.version);
      return {
        version: result.version.version,
        previous: result.previous,
        author: result.version.author,
        createdAt: result.version.createdAt,
        warnings: result.warnings,
      };
    },
  );

  app.post<GuildRoute<{ document: unknown }>>(
    '/guilds/:guildId/ruleset/validate',
    {
      config: limit(ctx, 'compute'),
      bodyLimit: DOCUMENT_BODY_LIMIT,
      preHandler: read,
      schema: {
        summary: 'Validate a document without storing it',
        tags,
        params: guildParams,
        body: {
          type: 'object',
          required: ['document'],
          additionalProperties: false,
          properties: { document: RULESET_DOCUMENT },
        },
      },
    },
    async (request) => {
      const tier = await ctx.rulesets.store.tier(request.params.guildId);
      const check = checkDocument(request.body.document, request.params.guildId, ctx.registry(), tier, {
        in: 'body',
        base: '/document',
      });
      return { valid: check.ok, problems: check.problems };
    },
  );

  app.get<GuildRoute<unknown, { limit: number; before?: number }>>(
    '/guilds/:guildId/ruleset/versions',
    {
      config: limit(ctx, 'read'),
      preHandler: read,
      schema: {
        summary: 'Version history, newest first',
        tags,
        params: guildParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, before: versionNumber },
        },
      },
    },
    async (request) => ({
      versions: await ctx.rulesets.store.list(request.params.guildId, {
        limit: request.query.limit, // the schema's default fills it in
        ...(request.query.before === undefined ? {} : { before: request.query.before }),
      }),
    }),
  );

  app.get<GuildRoute<unknown, unknown, { v: number }>>(
    '/guilds/:guildId/ruleset/versions/:v',
    {
      config: limit(ctx, 'read'),
      preHandler: read,
      schema: { summary: 'One version with its document', tags, params: versionParams },
    },
    async (request, reply) => {
      const v = await ctx.rulesets.store.get(request.params.guildId, request.params.v);
      if (!v)
        throw new ApiError(
          'RC_API_NOT_FOUND',
          `Guild ${request.params.guildId} has no rule set version ${request.params.v}.`,
        );
      etag(reply, v.version);
      return v;
    },
  );

  app.get<GuildRoute<unknown, { from: number; to?: number }>>(
    '/guilds/:guildId/ruleset/diff',
    {
      config: limit(ctx, 'read'),
      preHandler: read,
      schema: {
        summary: 'What changed between two versions (to defaults to the live one)',
        tags,
        params: guildParams,
        querystring: {
          type: 'object',
          required: ['from'],
          additionalProperties: false,
          properties: { from: { type: 'integer', minimum: 0 }, to: versionNumber },
        },
      },
    },
    async (request) => {
      const { guildId } = request.params;
      const store = ctx.rulesets.store;
      const to =
        request.query.to === undefined ? await store.latest(guildId) : await store.get(guildId, request.query.to);
      if (!to)
        throw new ApiError('RC_API_NOT_FOUND', `Guild ${guildId} has no version ${request.query.to ?? '(live)'}.`);
      const from = request.query.from === 0 ? null : await store.get(guildId, request.query.from);
      if (request.query.from !== 0 && !from)
        throw new ApiError('RC_API_NOT_FOUND', `Guild ${guildId} has no version ${request.query.from}.`);
      const rulesOf = (d: unknown) =>
        Array.isArray((d as { rules?: unknown } | null)?.rules) ? (d as { rules: { id?: unknown }[] }).rules : [];
      return {
        from: from?.version ?? 0,
        to: to.version,
        rules: diffRules(rulesOf(from?.document), rulesOf(to.document)),
        changes: diffJson(from?.document ?? null, to.document),
      };
    },
  );

  app.post<GuildRoute<{ message?: string; expectedVersion?: number }, unknown, { v: number }>>(
    '/guilds/:guildId/ruleset/versions/:v/restore',
    {
      config: limit(ctx, 'write'),
      // Every field is optional, so the body is too (`rulecord` and curl send none): no body reads as `{}`.
      preValidation: async (request) => {
        request.body ??= {};
      },
      preHandler: write,
      schema: {
        summary: 'Make an old version live again (stored as a new version)',
        tags,
        params: versionParams,
        body: { type: 'object', additionalProperties: false, properties: { message: commitMessage, expectedVersion } },
      },
    },
    async (request, reply) => {
      const exp = expectedVersionOf(request, request.body.expectedVersion);
      const result = await ctx.rulesets.restore({
        guildId: request.params.guildId,
        version: request.params.v,
        author: actorOf(request.principal as Principal),
        ...(request.body.message === undefined ? {} : { message: request.body.message }),
        ...(exp === undefined ? {} : { expectedVersion: exp }),
      });
      etag(reply, result.version.version);
      return {
        version: result.version.version,
        previous: result.previous,
        restoredFrom: request.params.v,
        warnings: result.warnings,
      };
    },
  );

  app.post<GuildRoute<{ document: unknown }>>(
    '/guilds/:guildId/ruleset/plan',
    {
      config: limit(ctx, 'compute'),
      bodyLimit: DOCUMENT_BODY_LIMIT,
      preHandler: read,
      schema: {
        summary: 'Dry run: validity and every change against the live version (what `rulecord plan` shows)',
        tags,
        params: guildParams,
        body: {
          type: 'object',
          required: ['document'],
          additionalProperties: false,
          properties: { document: RULESET_DOCUMENT },
        },
      },
    },
    async (request) =>
      ctx.rulesets.plan(request.params.guildId, request.body.document, { in: 'body', base: '/document' }),
  );

  app.post<GuildRoute<{ document: unknown; message?: string; expectedVersion?: number }>>(
    '/guilds/:guildId/ruleset/apply',
    {
      config: limit(ctx, 'write'),
      bodyLimit: DOCUMENT_BODY_LIMIT,
      preHandler: write,
      schema: {
        summary: "Apply a planned document (what `rulecord apply` calls); `expectedVersion` = the plan's fromVersion",
        tags,
        params: guildParams,
        body: writeBody,
      },
    },
    async (request, reply) => {
      const exp = expectedVersionOf(request, request.body.expectedVersion);
      const plan = await ctx.rulesets.plan(request.params.guildId, request.body.document, {
        in: 'body',
        base: '/document',
      });
      if (!plan.valid) throw validationError(plan.problems.filter((p) => p.severity !== 'warning'));
      if (exp !== undefined && exp !== plan.fromVersion) throw conflict(exp, plan.fromVersion);
      if (plan.noop) {
        etag(reply, plan.fromVersion);
        return { applied: false, version: plan.fromVersion, plan };
      }
      const result = await ctx.rulesets.put({
        guildId: request.params.guildId,
        document: request.body.document,
        author: actorOf(request.principal as Principal),
        message: request.body.message ?? '',
        action: 'ruleset.apply',
        at: { in: 'body', base: '/document' },
        expectedVersion: exp ?? plan.fromVersion,
      });
      etag(reply, result.version.version);
      return { applied: true, version: result.version.version, previous: result.previous, plan };
    },
  );
};
