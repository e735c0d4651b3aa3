// One error format everywhere, one closed list of codes kept in sync with docs/api.md, and no internals in 5xx.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERRORS } from '../../src/api/errors.js';
import { createHarness, doc, owner, snowflake, type Client, type Harness } from './harness.js';

const docsApi = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');

function expectEnvelope(json: unknown, code: string): void {
  const e = (json as { error: Record<string, unknown> }).error;
  expect(Object.keys(e).sort()).toEqual(['code', 'details', 'message', 'requestId', 'timestamp']);
  expect(e['code']).toBe(code);
  expect(typeof e['message']).toBe('string');
  expect(typeof e['requestId']).toBe('string');
  expect(new Date(String(e['timestamp'])).toISOString()).toBe(e['timestamp']);
}

describe('error codes', () => {
  it('docs/api.md lists exactly the codes of API_ERRORS, with the same statuses', () => {
    const rows = [...docsApi.matchAll(/^\| `(RC_API_[A-Z_]+)`\s*\| (\d{3})\s*\|/gm)].map((m) => [m[1], Number(m[2])]);
    expect(rows).toEqual(Object.entries(API_ERRORS).map(([code, e]) => [code, e.status]));
  });

  it('every code has a status that matches its class', () => {
    for (const [code, e] of Object.entries(API_ERRORS)) {
      expect(code).toMatch(/^RC_API_[A-Z_]+$/);
      expect(e.summary.length).toBeGreaterThan(20);
    }
  });
});

describe('error responses', () => {
  let h: Harness;
  let c: Client;
  let g: string;
  beforeAll(async () => {
    h = await createHarness();
    g = snowflake();
    c = await h.login(owner(h, [g]));
  });
  afterAll(async () => {
    await h?.close();
  });

  it('404 for an unknown API route', async () => {
    const res = await h.inject({ method: 'GET', url: '/api/nope' });
    expect(res.statusCode).toBe(404);
    expectEnvelope(res.json(), 'RC_API_NOT_FOUND');
  });

  it('404 for a missing version', async () => {
    const res = await h.inject({ method: 'GET', url: `/api/guilds/${g}/ruleset/versions/42`, headers: c.read });
    expect(res.statusCode).toBe(404);
    expectEnvelope(res.json(), 'RC_API_NOT_FOUND');
  });

  it('400 for malformed JSON, 415 for a non-JSON body, 413 above the body limit', async () => {
    const bad = await h.inject({
      method: 'PUT',
      url: `/api/guilds/${g}/ruleset`,
      headers: { ...c.write, 'content-type': 'application/json' },
      payload: '{"document":',
    });
    expect(bad.statusCode).toBe(400);
    expectEnvelope(bad.json(), 'RC_API_BAD_REQUEST');
    const text = await h.inject({
      method: 'PUT',
      url: `/api/guilds/${g}/ruleset`,
      headers: { ...c.write, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(text.statusCode).toBe(415);
    expectEnvelope(text.json(), 'RC_API_UNSUPPORTED_MEDIA_TYPE');
    const huge = doc(g, [], { modules: { moderation: { logChannel: 'x'.repeat(1024 * 1024 + 10) } } });
    const big = await h.inject({
      method: 'PUT',
      url: `/api/guilds/${g}/ruleset`,
      headers: c.write,
      payload: { document: huge },
    });
    expect(big.statusCode).toBe(413);
    expectEnvelope(big.json(), 'RC_API_PAYLOAD_TOO_LARGE');
    const small = await h.inject({
      method: 'POST',
      url: `/api/guilds/${g}/tokens`,
      headers: c.write,
      payload: { name: 'x'.repeat(70 * 1024), scope: 'read' },
    });
    expect(small.statusCode).toBe(413);
  });

  it('400 lists every problem with its pointer', async () => {
    const res = await h.inject({
      method: 'PUT',
      url: `/api/guilds/${g}/ruleset`,
      headers: c.write,
      payload: {
        document: doc('999', [{ id: 'A B', on: 'message.nope', then: [{ 'message.explode': {} }] }]),
        bogus: 1,
      },
    });
    expect(res.statusCode).toBe(400);
    expectEnvelope(res.json(), 'RC_API_VALIDATION');
    const pointers = (res.json().error.details.problems as { pointer: string }[]).map((p) => p.pointer);
    expect(pointers).toContain('/bogus');
  });

  it('400 from the engine lists several problems of the document', async () => {
    const res = await h.inject({
      method: 'PUT',
      url: `/api/guilds/${g}/ruleset`,
      headers: c.write,
      payload: { document: doc('999', [{ id: 'x', on: 'message.nope', then: [{ 'message.explode': {} }] }]) },
    });
    expect(res.statusCode).toBe(400);
    const problems = res.json().error.details.problems as { pointer: string; code: string; in: string }[];
    expect(problems.length).toBeGreaterThanOrEqual(2);
    expect(problems.every((p) => p.in === 'body' && p.pointer.startsWith('/document'))).toBe(true);
    expect(problems.map((p) => p.code)).toContain('RC_API_GUILD_MISMATCH');
  });
});

describe('5xx never shows internals', () => {
  it('500 carries only the code, a generic message and the requestId', async () => {
    const h = await createHarness({
      deps: {
        registry: () => {
          throw new Error('connection string postgres://admin:hunter2@db/internal at /srv/secret.ts:42');
        },
      },
    });
    try {
      const c = await h.login(owner(h, [snowflake()]));
      const res = await h.inject({ method: 'GET', url: '/api/catalog', headers: c.read });
      expect(res.statusCode).toBe(500);
      expectEnvelope(res.json(), 'RC_API_INTERNAL');
      expect(res.body).not.toMatch(/hunter2|secret\.ts|postgres:|stack|at /);
      expect(h.logs.join('\n')).toContain('hunter2'); // the cause is in the server log, next to the requestId
    } finally {
      await h.close();
    }
  });

  it('503 when the database is unreachable', async () => {
    const h = await createHarness();
    const c = await h.login(owner(h, [snowflake()]));
    await h.db.knex.destroy();
    const res = await h.inject({ method: 'GET', url: '/api/me', headers: c.read });
    expect(res.statusCode).toBe(503);
    expectEnvelope(res.json(), 'RC_API_DEPENDENCY_DOWN');
    expect(res.body).not.toMatch(/knex|pool|stack|acquire/i);
    await h.app.close();
    await h.discord.close();
    await h.db.destroy().catch(() => undefined);
  });
});
