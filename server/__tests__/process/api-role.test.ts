import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogRegistry } from '@rulecord/catalog';
import { RecordingDiscord, RulecordError } from '@rulecord/engine';
import { loadConfig } from '../../src/config/load.js';
import apiRole from '../../src/process/roles/api.js';
import botRole from '../../src/process/roles/bot.js';
import workerRole from '../../src/process/roles/worker.js';
import { createProcessServices } from '../../src/runtime/services.js';
import type { ProcessContext } from '../../src/process/role.js';
import { freePort, openTestDatabase, type TestDatabase } from '../../src/testing/index.js';
import { captureLogger } from '../runtime/helpers.js';

describe('the api role, started on its own (no shared process services)', () => {
  let db: TestDatabase;
  const registry = createCatalogRegistry();
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
  }, 60_000);
  afterAll(async () => {
    await db.destroy();
  });

  function context(env: Record<string, string>) {
    const { logger, lines } = captureLogger();
    const config = loadConfig({ env, envFile: false, cwd: '/srv' });
    const ctx: ProcessContext = {
      config,
      logger,
      db,
      redis: undefined,
      registry,
      roles: ['api'],
      shutdownGraceMs: 500,
    };
    return { ctx, lines };
  }

  it('names an address that is not this machine, and how to fix it', async () => {
    const port = await freePort();
    const { ctx } = context({ PORT: String(port), HOST: '203.0.113.7' });
    const error = await apiRole.start(ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RulecordError);
    expect(error).toMatchObject({
      code: 'RC_HTTP_LISTEN',
      message: `cannot listen on 203.0.113.7:${port} (EADDRNOTAVAIL)`,
      fix: 'set HOST to an address of this machine (127.0.0.1 or 0.0.0.0) and PORT to 1024 or above',
    });
  });

  it('listens on another local address under its own name, with Discord sign-in configured', async () => {
    const port = await freePort();
    const { ctx, lines } = context({
      PORT: String(port),
      HOST: '127.0.0.2',
      DISCORD_CLIENT_ID: '123456789012345678',
      DISCORD_CLIENT_SECRET: 'abcdefghijklmnopqrstuvwxyz',
    });
    const running = await apiRole.start(ctx);
    try {
      expect(running.url).toBe(`http://127.0.0.2:${port}`);
      const health = await fetch(`${running.url!}/healthz`);
      expect(health.status).toBe(200);
      const auth = await fetch(`${running.url!}/api/auth/config`);
      expect(await auth.json()).toMatchObject({ oauth: true, sandbox: false });
    } finally {
      await running.stop();
    }
    // Embedded database (one process): a random session secret is expected, said at info level.
    expect(lines().find((l) => l.msg.startsWith('SESSION_SECRET is unset'))).toMatchObject({ level: 30 });
    await expect(fetch(`http://127.0.0.2:${port}/healthz`)).rejects.toThrow();
  });

  it('bot and worker share the process services they are given, act through its port, and leave them open', async () => {
    const { ctx, lines } = context({ DISCORD_TOKEN: 'x'.repeat(60) });
    const port = new RecordingDiscord({ guild: { id: '1', name: 'Real' } });
    const services = createProcessServices({
      db: db.knex,
      redis: undefined,
      registry,
      logger: ctx.logger,
      runTimers: true,
      discord: port,
    });
    const shared: ProcessContext = { ...ctx, roles: ['worker', 'bot'], services };
    const worker = await workerRole.start(shared);
    const bot = await botRole.start(shared);
    const host = await services.acquireEngine();
    expect(lines().find((l) => l['role'] === 'bot' && l.level === 30)).toMatchObject({
      msg: 'bot role started',
      discord: 'port',
      tokenSet: true,
    });
    expect(lines().find((l) => l['role'] === 'worker' && l.level === 30)).toMatchObject({
      msg: 'worker role started (engine loaded, timers running)',
      queue: 'in-process',
      discord: 'port',
    });
    await bot.stop();
    await worker.stop();
    // The roles released their use; the third user (this test) still holds the engine, the services stay open.
    expect(services.discord()).toBe(port);
    expect(host.engine).toBeDefined();
    await services.releaseEngine();
    await services.close();
    expect(
      lines()
        .filter((l) => /role stopped$/.test(l.msg))
        .map((l) => l.msg),
    ).toEqual(['bot role stopped', 'worker role stopped']);
  });
});
