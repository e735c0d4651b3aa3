import type { RouteOptions } from 'fastify';
import { API_ERRORS } from './errors.js';
import { COMPONENT_SCHEMAS, SCHEMA_URLS, errorEnvelope, mapPlaceholders } from './schemas.js';

export interface CollectedRoute {
  method: string;
  url: string;
  schema: Record<string, unknown>;
  websocket: boolean;
}

/** Collects the API's routes as they are registered (an `onRoute` hook), for the OpenAPI document. */
export class RouteCollector {
  readonly routes: CollectedRoute[] = [];
  onRoute = (route: RouteOptions & { websocket?: boolean }): void => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      this.routes.push({
        method,
        url: route.url,
        schema: (route.schema ?? {}) as Record<string, unknown>,
        websocket: route.websocket === true,
      });
    }
  };
}

/** `get /api/guilds/{guildId}/ruleset` → `getApiGuildsGuildIdRuleset`. */
export function operationId(method: string, path: string): string {
  const words = `${method} ${path}`.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1))).join('');
}

function toOpenApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parameters(schema: unknown, where: 'path' | 'query'): unknown[] {
  const s = schema as { properties?: Record<string, unknown>; required?: string[] } | undefined;
  if (!s?.properties) return [];
  return Object.entries(s.properties).map(([name, sch]) => ({
    name,
    in: where,
    required: where === 'path' || (s.required ?? []).includes(name),
    schema: sch,
    ...((sch as { description?: string }).description
      ? { description: (sch as { description: string }).description }
      : {}),
  }));
}

/** The OpenAPI 3.1 document of the API, built from the same route schemas the validator uses. */
export function buildOpenApi(
  routes: readonly CollectedRoute[],
  info: { version: string; serverUrl: string },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const ref = (name: string) =>
    name in COMPONENT_SCHEMAS
      ? { $ref: `#/components/schemas/${name}` }
      : { $ref: SCHEMA_URLS[name as keyof typeof SCHEMA_URLS] };
  const errorResponses = Object.fromEntries(
    [...new Set(Object.values(API_ERRORS).map((e) => e.status))].sort().map((status) => [
      String(status),
      {
        description: Object.entries(API_ERRORS)
          .filter(([, e]) => e.status === status)
          .map(([code]) => code)
          .join(', '),
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      },
    ]),
  );
  for (const r of routes) {
    const s = mapPlaceholders(r.schema, ref) as Record<string, unknown>;
    const path = toOpenApiPath(r.url);
    const op: Record<string, unknown> = {
      operationId: operationId(r.method, path),
      summary: s['summary'] ?? '',
      ...(s['description'] ? { description: s['description'] } : {}),
      tags: s['tags'] ?? [],
      parameters: [...parameters(s['params'], 'path'), ...parameters(s['querystring'], 'query')],
      responses: {
        [r.websocket ? '101' : '200']: {
          description: r.websocket ? 'Switching protocols: a WebSocket of JSON messages.' : 'Success',
          ...(s['response'] && (s['response'] as Record<string, unknown>)['200']
            ? { content: { 'application/json': { schema: (s['response'] as Record<string, unknown>)['200'] } } }
            : {}),
        },
        ...errorResponses,
      },
    };
    if (s['body']) op['requestBody'] = { required: true, content: { 'application/json': { schema: s['body'] } } };
    (paths[path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Rulecord API',
      version: info.version,
      description:
        'Rule sets, simulation, traces, settings, templates and auth. Errors always use the `Error` envelope; codes are listed in docs/api.md.',
    },
    servers: [{ url: info.serverUrl }],
    components: {
      schemas: { Error: errorEnvelope, ...COMPONENT_SCHEMAS },
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: '__Host-rulecord_session',
          description: 'Studio session (plain-http localhost: rulecord_session). Changes also need X-CSRF-Token.',
        },
        apiToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'Per-guild API token (`rct_…`), scope read or write.',
        },
      },
    },
    security: [{ session: [] }, { apiToken: [] }],
    paths,
  };
}
