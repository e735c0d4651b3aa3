import type { FastifyPluginAsync } from 'fastify';
import { Ajv } from 'ajv';
import type { JsonObject, RuleEntry } from '@rulecord/engine';
import { actorOf, type Principal } from '../../../auth/guild-access.js';
import { authenticate, guildAccess } from '../../context.js';
import { ApiError, problemsFromAjv, validationError } from '../../errors.js';
import { commitMessage, expectedVersion, guildParams } from '../../schemas.js';
import { conflict } from '../../../rulesets/store.js';
import { describeTemplate } from '../catalog/index.js';
import { expectedVersionOf, limit, type RouteOptions } from '../shared.js';

const templateId = {
  type: 'string',
  pattern: '^[a-z0-9][a-z0-9-]*(@[0-9]+)?$',
  maxLength: 100,
  description: '`id` (latest) or `id@version`.',
};

/** Template gallery and "use this template in my guild". */
export const templateRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  const ajv = new Ajv({ allErrors: true, strict: false });

  const signedIn = authenticate(ctx, app);
  app.get(
    '/templates',
    {
      config: limit(ctx, 'read'),
      preHandler: signedIn,
      schema: { summary: 'Every template (blueprint) with its typed inputs', tags: ['templates'] },
    },
    async () => ({
      templates: ctx.registry().templates().map(describeTemplate),
    }),
  );

  app.get<{ Params: { id: string } }>(
    '/templates/:id',
    {
      config: limit(ctx, 'read'),
      preHandler: signedIn,
      schema: {
        summary: 'One template',
        tags: ['templates'],
        params: { type: 'object', required: ['id'], properties: { id: templateId } },
      },
    },
    async (request) => {
      const t = ctx.registry().template(request.params.id);
      if (!t)
        throw new ApiError('RC_API_NOT_FOUND', `No template ${request.params.id}; GET /api/templates lists them.`);
      return describeTemplate(t);
    },
  );

  app.post<{
    Params: { guildId: string; id: string };
    Body: { inputs?: JsonObject; as?: string; message?: string; expectedVersion?: number };
  }>(
    '/guilds/:guildId/templates/:id/use',
    {
      config: limit(ctx, 'write'),
      preHandler: guildAccess(ctx, app, 'write'),
      schema: {
        summary: "Add a template use to the guild's rule set (inputs validated), as a new version",
        tags: ['templates'],
        params: {
          type: 'object',
          required: ['guildId', 'id'],
          properties: { guildId: (guildParams['properties'] as Record<string, unknown>)['guildId'], id: templateId },
        },
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            inputs: { type: 'object', description: "Values for the template's inputs schema." },
            as: {
              type: 'string',
              pattern: '^[a-z0-9][a-z0-9-]*$',
              maxLength: 64,
              description: 'Id of the template use (prefix of its rules); default the template id.',
            },
            message: commitMessage,
            expectedVersion,
          },
        },
      },
    },
    async (request) => {
      const { guildId, id } = request.params;
      const t = ctx.registry().template(id);
      if (!t) throw new ApiError('RC_API_NOT_FOUND', `No template ${id}; GET /api/templates lists them.`);
      const inputs = request.body.inputs ?? {};
      const validate = ajv.compile(t.inputs);
      if (!validate(inputs))
        throw validationError(
          problemsFromAjv(validate.errors ?? [], 'body').map((p) => ({ ...p, pointer: `/inputs${p.pointer}` })),
        );
      const useId = request.body.as ?? t.id;
      const expected = expectedVersionOf(request, request.body.expectedVersion);
      const live = await ctx.rulesets.store.latest(guildId);
      const doc: JsonObject = live
        ? structuredClone(live.document)
        : { apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: guildId, rules: [] };
      // A stale version explains whatever else looks wrong (e.g. a duplicate id), so it is reported first.
      const current = live?.version ?? 0;
      if (expected !== undefined && expected !== current) throw conflict(expected, current);
      // A stored document passed validation, so it has its `rules` list.
      const rules = doc['rules'] as unknown as RuleEntry[];
      if (rules.some((r) => r.id === useId))
        throw validationError([
          {
            in: 'body',
            pointer: '/as',
            code: 'RC_API_DUPLICATE_ID',
            message: `The rule set already has an entry with id "${useId}".`,
            fix: 'Pass another id in `as`.',
          },
        ]);
      rules.push({ id: useId, use: { template: `${t.id}@${t.version}`, inputs } });
      doc['rules'] = rules as unknown as JsonObject[];
      const result = await ctx.rulesets.put({
        guildId,
        document: doc,
        author: actorOf(request.principal as Principal),
        message: request.body.message ?? `Use template ${t.id}@${t.version} as ${useId}`,
        action: 'template.use',
        ...(expected === undefined ? {} : { expectedVersion: expected }),
      });
      return { version: result.version.version, previous: result.previous, ruleId: useId, warnings: result.warnings };
    },
  );
};
