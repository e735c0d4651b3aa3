// The OpenAPI document is generated from the route schemas; the rule document schema is the engine's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentSchema } from '@rulecord/engine';
import { API_ERRORS } from '../../src/api/errors.js';
import { RouteCollector, buildOpenApi, operationId } from '../../src/api/openapi.js';
import { RULESET_DOCUMENT } from '../../src/api/schemas.js';
import { createHarness, registry, type Harness } from './harness.js';
import { ROUTES } from './route-cases.js';

describe('GET /api/docs', () => {
  let h: Harness;
  let spec: {
    openapi: string;
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: Record<string, unknown>;
  };
  beforeAll(async () => {
    h = await createHarness();
    const res = await h.inject({ method: 'GET', url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    spec = res.json();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is OpenAPI 3.1 and lists every route the tests exercise, plus the auth, stream and docs routes', () => {
    expect(spec.openapi).toBe('3.1.0');
    const ops = new Set(
      Object.entries(spec.paths).flatMap(([p, o]) => Object.keys(o).map((m) => `${m.toUpperCase()} ${p}`)),
    );
    const toPath = (u: string) =>
      u
        .split('?')[0]!
        .replace(/\/guilds\/[^/]+/, '/guilds/{guildId}')
        .replace(/\/versions\/\d+/, '/versions/{v}')
        .replace(/\/templates\/[^/]+/, '/templates/{id}');
    for (const r of ROUTES) expect(ops, r.name).toContain(`${r.method} ${toPath(r.url('1'))}`);
    for (const extra of [
      'GET /api/auth/login',
      'GET /api/auth/callback',
      'POST /api/auth/logout',
      'POST /api/auth/sandbox',
      'GET /api/guilds/{guildId}/traces/stream',
      'DELETE /api/guilds/{guildId}/tokens/{tokenId}',
    ])
      expect(ops).toContain(extra);
  });

  it('references the engine schema for rule documents instead of copying it', () => {
    const put = spec.paths['/api/guilds/{guildId}/ruleset']!['put']!;
    const body = (
      put['requestBody'] as { content: Record<string, { schema: { properties: Record<string, unknown> } }> }
    ).content['application/json']!.schema;
    expect(body.properties['document']).toEqual({ $ref: '/api/schemas/ruleset.json' });
    expect(JSON.stringify(spec)).not.toContain('x-rulecord-schema');
  });

  it('serves the engine document schema as is', async () => {
    const res = await h.inject({ method: 'GET', url: '/api/schemas/ruleset.json' });
    expect(res.json()).toEqual(JSON.parse(JSON.stringify(documentSchema(registry()))));
  });

  it('documents the error envelope and every error status on each operation', () => {
    const statuses = [...new Set(Object.values(API_ERRORS).map((e) => String(e.status)))];
    const op = spec.paths['/api/guilds/{guildId}/ruleset']!['get']!;
    for (const s of statuses) expect(Object.keys(op['responses'] as object)).toContain(s);
    expect(spec.components['schemas']).toHaveProperty('Error');
  });

  it('has path parameters and query parameters from the route schemas', () => {
    const diff = spec.paths['/api/guilds/{guildId}/ruleset/diff']!['get']!;
    const params = diff['parameters'] as { name: string; in: string; required: boolean }[];
    expect(params).toContainEqual(expect.objectContaining({ name: 'guildId', in: 'path', required: true }));
    expect(params).toContainEqual(expect.objectContaining({ name: 'from', in: 'query', required: true }));
    expect(params).toContainEqual(expect.objectContaining({ name: 'to', in: 'query', required: false }));
  });

  it('has a small HTML viewer with no external assets', async () => {
    const res = await h.inject({ method: 'GET', url: '/api/docs/ui' });
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).not.toMatch(/https?:\/\/(?!localhost)/);
  });
});

describe('the OpenAPI builder', () => {
  it('collects one operation per method of a route, leaving out HEAD and OPTIONS', () => {
    const c = new RouteCollector();
    c.onRoute({ method: ['GET', 'HEAD', 'POST', 'OPTIONS'], url: '/api/things', handler: () => undefined });
    c.onRoute({ method: 'HEAD', url: '/api/things', handler: () => undefined });
    expect(c.routes.map((r) => [r.method, r.url, r.schema, r.websocket])).toEqual([
      ['GET', '/api/things', {}, false],
      ['POST', '/api/things', {}, false],
    ]);
  });

  it('fills in a route without summary or tags, and documents a typed 200 response and placeholders', () => {
    const doc = buildOpenApi(
      [
        { method: 'GET', url: '/api/bare', schema: {}, websocket: false },
        {
          method: 'PUT',
          url: '/api/typed/:id',
          schema: {
            summary: 'Typed',
            body: { type: 'object', properties: { document: RULESET_DOCUMENT } },
            response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } },
          },
          websocket: false,
        },
      ],
      { version: '1', serverUrl: 'https://x.test' },
    ) as { paths: Record<string, Record<string, Record<string, unknown>>> };
    expect(doc.paths['/api/bare']!['get']).toMatchObject({ operationId: 'getApiBare', summary: '', tags: [] });
    expect(doc.paths['/api/bare']!['get']!['requestBody']).toBeUndefined();
    const put = doc.paths['/api/typed/{id}']!['put']!;
    expect(put['operationId']).toBe('putApiTypedId');
    expect((put['responses'] as Record<string, unknown>)['200']).toEqual({
      description: 'Success',
      content: { 'application/json': { schema: { type: 'object', properties: { ok: { type: 'boolean' } } } } },
    });
    expect(JSON.stringify(put['requestBody'])).toContain('"$ref":"/api/schemas/ruleset.json"');
  });

  it('makes camelCase operation ids from method and path', () => {
    expect(operationId('GET', '/api/guilds/{guildId}/ruleset/versions/{v}')).toBe(
      'getApiGuildsGuildIdRulesetVersionsV',
    );
    expect(operationId('get', '/api/schemas/ruleset.json')).toBe('getApiSchemasRulesetJson');
    expect(operationId('DELETE', '/api/x/')).toBe('deleteApiX');
  });
});
