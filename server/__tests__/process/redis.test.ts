import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, evictionPolicy, startProcess } from '../../src/process/index.js';
import { freePort, rulecordBin, spawnNode, startRedisServer, tempDir } from '../../src/testing/index.js';
import type { OwnRedis } from '../../src/testing/index.js';

const quiet = new Writable({ write: (_c, _e, done) => done() });

describe('Redis eviction policy', () => {
  let lru: OwnRedis;
  let safe: OwnRedis;
  beforeAll(async () => {
    [lru, safe] = await Promise.all([
      startRedisServer(['--maxmemory-policy', 'allkeys-lru']),
      startRedisServer(['--maxmemory-policy', 'noeviction']),
    ]);
  });
  afterAll(async () => {
    await Promise.all([lru?.stop(), safe?.stop()]);
  });

  it('refuses a Redis that may evict keys, naming the policy and the fix', async () => {
    const error = await connectRedis(lru.url).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'RC_REDIS_EVICTION_POLICY' });
    expect((error as Error).message).toContain('maxmemory-policy "allkeys-lru"');
    expect((error as { fix: string }).fix).toContain('noeviction');
  });

  it('accepts a noeviction Redis', async () => {
    const redis = await connectRedis(safe.url);
    expect(await evictionPolicy(redis)).toBe('noeviction');
    await redis.quit();
  });

  it('reports an unreachable Redis as such', async () => {
    const port = await freePort();
    await expect(connectRedis(`redis://127.0.0.1:${port}`, { connectTimeoutMs: 1_000 })).rejects.toMatchObject({
      code: 'RC_REDIS_UNREACHABLE',
    });
  });

  it(
    '`rulecord start` refuses to start on it: exit 1, one clear error, no stack trace',
    { timeout: 90_000 },
    async () => {
      const dir = tempDir();
      try {
        const p = spawnNode([rulecordBin, 'start'], {
          cwd: dir.path,
          env: { PORT: String(await freePort()), REDIS_URL: lru.url, LOG_LEVEL: 'silent' },
        });
        const exit = await p.exited;
        expect(exit.code).toBe(1);
        expect(p.stderr()).toContain(`rulecord start: Redis at ${lru.url} has maxmemory-policy "allkeys-lru"`);
        expect(p.stderr()).toContain('[RC_REDIS_EVICTION_POLICY]');
        expect(p.stderr()).not.toMatch(/^\s+at /m);
        expect(p.stdout()).not.toContain('Rulecord is running');
      } finally {
        dir.remove();
      }
    },
  );

  it('/readyz names Redis when it goes away', { timeout: 90_000 }, async () => {
    const own = await startRedisServer();
    const dir = tempDir();
    const running = await startProcess(['api'], {
      env: { PORT: String(await freePort()), REDIS_URL: own.url, LOG_LEVEL: 'silent' },
      cwd: dir.path,
      envFile: false,
      announce: null,
      logDestination: quiet,
    });
    try {
      const ready = await fetch(`${running.url}/readyz`);
      expect(ready.status).toBe(200);
      expect((await ready.json()) as object).toMatchObject({ checks: { database: { ok: true }, redis: { ok: true } } });
      await own.stop();
      const down = await fetch(`${running.url}/readyz`);
      expect(down.status).toBe(503);
      expect((await down.json()) as object).toMatchObject({ failing: ['redis'], checks: { database: { ok: true } } });
    } finally {
      await running.stop();
      await own.stop();
      dir.remove();
    }
  });
});
