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
      (e: EventDefinition, module) => entry(e, module, { payload: e.payload }),
    ),
    facts: each(
      (m) => m.facts,
      (f: FactDefinition, module) =>
        entry(f, module, { schema: f.schema, params: f.params ?? null, ...effects(f), cost: f.cost ?? 'cheap' }),
    ),
    actions: each(
      (m) => m.actions,
      (a: ActionDefinition, module) => entry(a, module, { params: a.params, result: a.result ?? null, ...effects(a) }),
    ),
    templates: registry.templates().map(describeTemplate),
  };
}

/** An event, fact or action: its name, its module, its description, what is particular to its kind, its examples. */
function entry<E extends object>(
  item: { name: string; description: string; examples?: readonly unknown[] },
  module: string,
  particular: E,
) {
  return { name: item.name, module, description: item.description, ...particular, examples: item.examples ?? [] };
}

/** What a fact or an action adds beyond its schemas: the events it works on, and whether it needs premium. */
function effects(item: Pick<FactDefinition | ActionDefinition, 'events' | 'premium'>) {
  return { events: item.events ?? null, premium: item.premium === true };
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
