import type { FastifyPluginAsync } from 'fastify';
import type { JsonObject } from '@rulecord/engine';
import { actorOf, type Principal } from '../../../auth/guild-access.js';
import { guildAccess } from '../../context.js';
import { validationError, type ApiProblem } from '../../errors.js';
import { commitMessage, expectedVersion, guildParams } from '../../schemas.js';
import { expectedVersionOf, limit, type RouteOptions } from '../shared.js';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7396 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v) as JsonObject[string];
  }
  return out;
}

/**
 * Module toggles and settings. They live in the rule document's `modules` section (a module is on when it has an
 * entry), so a settings change is a rule set version like any other: validated by the module schemas, audited,
 * restorable.
 */
export const settingsRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.get<{ Params: { guildId: string } }>(
    '/guilds/:guildId/settings',
    {
      config: limit(ctx, 'read'),
      preHandler: guildAccess(ctx, app, 'read'),
      schema: {
        summary: 'Every module: on/off, its settings and settings schema',
        tags: ['settings'],
        params: guildParams,
      },
    },
    async (request) => {
      const { guildId } = request.params;
      const [live, tier] = await Promise.all([ctx.rulesets.store.latest(guildId), ctx.rulesets.store.tier(guildId)]);
      const configured = (isObject(live?.document['modules']) ? live.document['modules'] : {}) as Record<
        string,
        JsonObject
      >;
      return {
        version: live?.version ?? 0,
        tier,
        modules: ctx.registry().modules.map((m) => ({
          id: m.id,
          name: m.name,
          description: m.description,
          premium: m.premium === true,
          enabled: Object.hasOwn(configured, m.id),
          settings: configured[m.id] ?? null,
          schema: m.settings ?? null,
        })),
      };
    },
  );

  app.patch<{
    Params: { guildId: string };
    Body: { modules: Record<string, JsonObject | null>; message?: string; expectedVersion?: number };
  }>(
    '/guilds/:guildId/settings',
    {
      config: limit(ctx, 'write'),
      preHandler: guildAccess(ctx, app, 'write'),
      schema: {
        summary: 'Turn modules on/off and change their settings (JSON merge patch per module; null turns a module off)',
        tags: ['settings'],
        params: guildParams,
        body: {
          type: 'object',
          required: ['modules'],
          additionalProperties: false,
          properties: {
            modules: {
              type: 'object',
              additionalProperties: { type: ['object', 'null'] },
              description: '`{ <moduleId>: {…settings patch} | null }`',
            },
            message: commitMessage,
            expectedVersion,
          },
        },
      },
    },
    async (request) => {
      const { guildId } = request.params;
      const registry = ctx.registry();
      const unknown: ApiProblem[] = Object.keys(request.body.modules)
        .filter((id) => !registry.module(id))
        .map((id) => ({
          in: 'body',
          pointer: `/modules/${id.replace(/~/g, '~0').replace(/\//g, '~1')}`,
          code: 'RC_API_UNKNOWN_MODULE',
          message: `There is no module "${id}".`,
          fix: 'GET /api/catalog lists the modules.',
        }));
      if (unknown.length) throw validationError(unknown);
      const exp = expectedVersionOf(request, request.body.expectedVersion);
      const live = await ctx.rulesets.store.latest(guildId);
      const doc: JsonObject = live
        ? structuredClone(live.document)
        : { apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: guildId, rules: [] };
      const modules = (isObject(doc['modules']) ? doc['modules'] : {}) as JsonObject;
      for (const [id, patch] of Object.entries(request.body.modules)) {
        if (patch === null) delete modules[id];
        else modules[id] = mergePatch(modules[id] ?? {}, patch) as JsonObject;
      }
      doc['modules'] = modules;
      const result = await ctx.rulesets.put({
        guildId,
        document: doc,
        author: actorOf(request.principal as Principal),
        message: request.body.message ?? `Settings: ${Object.keys(request.body.modules).join(', ')}`,
        action: 'settings.update',
        // Problems point into the document; `/modules/<id>/…` is also where they are in the request body.
        at: { in: 'body', base: '' },
        ...(exp === undefined ? {} : { expectedVersion: exp }),
      });
      return { version: result.version.version, previous: result.previous, warnings: result.warnings };
    },
  );
};
