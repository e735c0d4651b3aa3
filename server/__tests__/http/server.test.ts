import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpServer, checkReadiness } from '../../src/http/index.js';
import { createLogger } from '../../src/logging/logger.js';
import { tempDir } from '../../src/testing/index.js';

const silent = createLogger(
  { LOG_LEVEL: 'silent' },
  new Writable({
    write(_c, _e, done) {
      done();
    },
  }),
);

const fakeApi: FastifyPluginAsync<{ greeting: string }> = async (app, options) => {
  app.get('/hello', async () => ({ hello: options.greeting }));
};

describe('buildHttpServer', () => {
  const studio = tempDir();
  let app: FastifyInstance;
  let databaseUp = true;

  beforeAll(async () => {
    writeFileSync(join(studio.path, 'index.html'), '<!doctype html><title>Rulecord studio</title>');
    mkdirSync(join(studio.path, '_nuxt'));
    writeFileSync(join(studio.path, '_nuxt', 'entry.abc123.js'), 'console.log(1)');
    app = await buildHttpServer({
      logger: silent,
      studioDir: studio.path,
      api: { plugin: fakeApi as FastifyPluginAsync<never>, options: { greeting: 'world' } },
      readiness: [
        {
          name: 'database',
          check: async () => {
            if (!databaseUp) throw new Error('connection refused');
          },
        },
        { name: 'redis', check: async () => 'PONG' },
      ],
    });
  });
  afterAll(async () => {
    await app.close();
    studio.remove();
  });

  it('answers /healthz while the process is up', async () => {
    const res = await app.inject('/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz 200 when every dependency answers, 503 naming the one that does not', async () => {
    const ok = await app.inject('/readyz');
    expect(ok.statusCode).toBe(200);
    expect(Object.keys(ok.json().checks).sort()).toEqual(['database', 'redis']);

    databaseUp = false;
    const down = await app.inject('/readyz');
    databaseUp = true;
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({
      status: 'unavailable',
      failing: ['database'],
      error: 'not ready: database unreachable',
      checks: { database: { ok: false, error: 'connection refused' }, redis: { ok: true } },
    });
  });

  it('mounts the API plugin under /api with its options', async () => {
    const res = await app.inject('/api/hello');
    expect(res.json()).toEqual({ hello: 'world' });
  });

  it('answers unknown /api paths with JSON 404, never the studio page', async () => {
    for (const path of ['/api/nope', '/api', '/api/guilds/1?x=1']) {
      const res = await app.inject(path);
      expect(res.statusCode, path).toBe(404);
      expect(res.json(), path).toMatchObject({ code: 'RC_HTTP_NOT_FOUND' });
    }
  });

  it('serves the studio at / and its page for client-side routes', async () => {
    for (const path of ['/', '/guilds/123/rules', '/templates?tab=all']) {
      const res = await app.inject(path);
      expect(res.statusCode, path).toBe(200);
      expect(res.body, path).toContain('Rulecord studio');
      expect(res.headers['cache-control'], path).toBe('no-cache');
    }
  });

  it('serves fingerprinted assets as immutable, and a missing asset as 404', async () => {
    const asset = await app.inject('/_nuxt/entry.abc123.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject('/_nuxt/missing.js')).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/guilds' })).statusCode).toBe(404);
  });
});

describe('buildHttpServer without a built studio', () => {
  it('explains at / how to build the studio', async () => {
    const app = await buildHttpServer({ logger: silent, studioDir: '/nonexistent/studio', api: false });
    const res = await app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('npm run build -w studio');
    expect((await app.inject('/elsewhere')).statusCode).toBe(404);
    await app.close();
  });
});

describe('checkReadiness', () => {
  it('fails a check that does not answer in time, and runs checks in parallel', async () => {
    const started = Date.now();
    const report = await checkReadiness(
      [
        { name: 'slow', check: () => new Promise(() => undefined) },
        { name: 'slow2', check: () => new Promise(() => undefined) },
        { name: 'fast', check: async () => 1 },
      ],
      200,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(report.ready).toBe(false);
    expect(report.failing).toEqual(['slow', 'slow2']);
    expect(report.checks.slow?.error).toBe('no answer within 200 ms');
  });

  it('reports whatever a failing check rejects with, as text', async () => {
    const report = await checkReadiness([
      { name: 'string', check: () => Promise.reject('plain refusal') },
      { name: 'empty', check: () => Promise.reject(new TypeError('')) },
    ]);
    expect(report.checks.string?.error).toBe('plain refusal');
    expect(report.checks.empty?.error).toBe('TypeError');
  });

  it('is ready with no checks', async () => {
    expect(await checkReadiness([])).toEqual({ ready: true, checks: {}, failing: [] });
  });
});
