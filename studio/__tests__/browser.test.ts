// The built studio in a real browser: Debian's Chromium driven by playwright-core (never a downloaded browser),
// against the page as `rulecord start` serves it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpServer } from '../../server/src/http/index.js';
import { createLogger } from '../../server/src/logging/logger.js';

const CHROMIUM = process.env.RULECORD_CHROMIUM ?? '/usr/bin/chromium';
const output = fileURLToPath(new URL('../.output/public', import.meta.url));
const ready = existsSync(CHROMIUM) && existsSync(join(output, 'index.html'));
if (!ready && process.env.CI === 'true') {
  throw new Error(`browser test needs ${CHROMIUM} (apt-get install chromium) and a built studio`);
}

describe.skipIf(!ready)('the studio in Chromium', () => {
  let browser: Browser;
  let url: string;
  let database = true;
  const logger = createLogger({ LOG_LEVEL: 'silent' }, new Writable({ write: (_c, _e, done) => done() }));
  let app: Awaited<ReturnType<typeof buildHttpServer>>;

  beforeAll(async () => {
    app = await buildHttpServer({
      logger,
      api: false,
      studioDir: output,
      readiness: [
        {
          name: 'database',
          check: async () => {
            if (!database) throw new Error('connection refused');
          },
        },
      ],
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Playwright gives every launch a fresh, empty profile of its own (it refuses --user-data-dir here).
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows the server up and each dependency ready, and follows a dependency going down', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    await expect.poll(() => page.title()).toBe('Rulecord studio');
    await expect.poll(() => page.getByTestId('health').textContent()).toContain('up');
    await expect.poll(() => page.getByTestId('readiness').textContent()).toContain('database: ready');

    database = false;
    await page.getByRole('button', { name: 'Check again' }).click();
    await expect.poll(() => page.getByTestId('readiness').textContent()).toContain('unavailable (connection refused)');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('hands unknown paths to the client-side router (the app boots and answers for itself)', async () => {
    const page = await browser.newPage();
    const response = await page.goto(new URL('guilds/1/rules', url).toString());
    expect(response?.status()).toBe(200);
    // The placeholder app has no such page yet: Nuxt's own router says so, which proves the SPA fallback booted it.
    await expect.poll(() => page.locator('body').textContent()).toContain('Page not found: /guilds/1/rules');
    await page.close();
  });
});
