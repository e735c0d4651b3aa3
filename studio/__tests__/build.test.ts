// The built studio (`npm run build -w studio`, run by `npm install` and by CI before the tests) as the server
// serves it: the page, and every asset it references.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildHttpServer } from '../../server/src/http/index.js';
import { createLogger } from '../../server/src/logging/logger.js';

const output = fileURLToPath(new URL('../.output/public', import.meta.url));
const built = existsSync(join(output, 'index.html'));
if (!built && process.env.CI === 'true')
  throw new Error('studio/.output/public is missing: run `npm run build -w studio` first');

describe.skipIf(!built)('the built studio', () => {
  it('is a single-page app titled "Rulecord studio" whose assets are all served', async () => {
    const logger = createLogger({ LOG_LEVEL: 'silent' }, new Writable({ write: (_c, _e, done) => done() }));
    const app = await buildHttpServer({ logger, api: false, studioDir: output });
    try {
      const page = await app.inject('/');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<title>Rulecord studio</title>');
      expect(page.body).toContain('id="__nuxt"');
      const assets = [...page.body.matchAll(/(?:href|src)="(\/_nuxt\/[^"]+)"/g)].map((m) => m[1]!);
      expect(assets.length).toBeGreaterThan(0);
      for (const asset of assets) {
        const res = await app.inject(asset);
        expect(res.statusCode, asset).toBe(200);
        expect(res.headers['cache-control'], asset).toContain('immutable');
      }
      expect((await app.inject('/guilds/1/rules')).body).toBe(page.body);
    } finally {
      await app.close();
    }
  });

  it('was built without server rendering, telemetry or devtools', () => {
    const config = readFileSync(fileURLToPath(new URL('../nuxt.config.ts', import.meta.url)), 'utf8');
    expect(config).toMatch(/ssr: false/);
    expect(config).toMatch(/telemetry: false/);
    expect(config).toMatch(/devtools: \{ enabled: false \}/);
    expect(config).toContain("transpile: ['@vue-flow/core']");
  });
});
