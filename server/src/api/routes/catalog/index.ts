import type { FastifyPluginAsync } from 'fastify';
import type {
  ActionDefinition,
  EventDefinition,
  FactDefinition,
  ModuleDefinition,
  Registry,
  TemplateDefinition,
} from '@rulecord/engine';
import { authenticate } from '../../context.js';
import { limit, type RouteOptions } from '../shared.js';

/**
 * A module's facts/actions/events/templates as plain data: what the studio builds its palette and forms from. Every
 * item carries the id of the module that declares it; optional fields are filled in (`[]`, `null`, `false`), so a
 * client never has to tell "absent" from "empty".
 */
export function describeCatalog(registry: Registry) {
  const each = <T, R>(list: (m: ModuleDefinition) => T[] | undefined, describe: (item: T, module: string) => R) =>
    registry.modules.flatMap((m) => (list(m) ?? []).map((item) => describe(item, m.id)));
  return {
    modules: registry.modules.map(describeModule),
    events: each(
      (m) => m.events,
      (e: EventDefinition, module) => ({
        name: e.name,
        module,
        description: e.description,
        payload: e.payload,
        examples: e.examples ?? [],
      }),
    ),
    facts: each(
      (m) => m.facts,
      (f: FactDefinition, module) => ({
        name: f.name,
        module,
        description: f.description,
        schema: f.schema,
        params: f.params ?? null,
        events: f.events ?? null,
        premium: f.premium === true,
        cost: f.cost ?? 'cheap',
        examples: f.examples ?? [],
      }),
    ),
    actions: each(
      (m) => m.actions,
      (a: ActionDefinition, module) => ({
        name: a.name,
        module,
        description: a.description,
        params: a.params,
        result: a.result ?? null,
        events: a.events ?? null,
        premium: a.premium === true,
        examples: a.examples ?? [],
      }),
    ),
    templates: registry.templates().map(describeTemplate),
  };
}

function describeModule(m: ModuleDefinition) {
  return {
    id: m.id,
    version: m.version,
    name: m.name,
    description: m.description,
    premium: m.premium === true,
    settings: m.settings ?? null,
    facts: (m.facts ?? []).map((f) => f.name),
    actions: (m.actions ?? []).map((a) => a.name),
    events: (m.events ?? []).map((e) => e.name),
  };
}

export function describeTemplate(t: TemplateDefinition) {
  return {
    id: t.id,
    version: t.version,
    ref: `${t.id}@${t.version}`,
    name: t.name,
    description: t.description,
    inputs: t.inputs,
    premium: t.premium === true,
    rules: t.rules,
    modules: t.modules ?? {},
  };
}

export const catalogRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  app.get(
    '/catalog',
    {
      config: limit(ctx, 'read'),
      preHandler: authenticate(ctx, app),
      schema: {
        summary:
          'Every module, event, fact, action and template with its JSON Schema, description, premium flag and examples',
        tags: ['catalog'],
      },
    },
    async (_request, reply) => {
      void reply.header('cache-control', 'private, max-age=60');
      return describeCatalog(ctx.registry());
    },
  );
};
