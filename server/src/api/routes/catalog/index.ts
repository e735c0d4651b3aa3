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

/** A module's facts/actions/events/templates as plain data: what the studio builds its palette and forms from. */
export function describeCatalog(registry: Registry) {
  const moduleOf = new Map<string, string>();
  for (const m of registry.modules) {
    for (const f of m.facts ?? []) moduleOf.set(`fact:${f.name}`, m.id);
    for (const a of m.actions ?? []) moduleOf.set(`action:${a.name}`, m.id);
    for (const e of m.events ?? []) moduleOf.set(`event:${e.name}`, m.id);
  }
  return {
    modules: registry.modules.map(describeModule),
    events: registry.events().map((e: EventDefinition) => ({
      name: e.name,
      module: moduleOf.get(`event:${e.name}`) ?? null,
      description: e.description,
      payload: e.payload,
      examples: e.examples ?? [],
    })),
    facts: registry.facts().map((f: FactDefinition) => ({
      name: f.name,
      module: moduleOf.get(`fact:${f.name}`) ?? null,
      description: f.description,
      schema: f.schema,
      params: f.params ?? null,
      events: f.events ?? null,
      premium: f.premium === true,
      cost: f.cost ?? 'cheap',
      examples: f.examples ?? [],
    })),
    actions: registry.actions().map((a: ActionDefinition) => ({
      name: a.name,
      module: moduleOf.get(`action:${a.name}`) ?? null,
      description: a.description,
      params: a.params,
      result: a.result ?? null,
      events: a.events ?? null,
      premium: a.premium === true,
      examples: a.examples ?? [],
    })),
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
