// The OpenAPI document is generated from the route schemas; the rule document schema is the engine's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentSchema } from '@rulecord/engine';
import { API_ERRORS } from '../../src/api/errors.js';
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
    h = await createHarness({ kind: 'pglite' });
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
