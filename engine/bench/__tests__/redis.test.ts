/**
 * The Redis-backed run stays runnable and honest: a short open-loop run on the real Redis, measured in its own process,
 * reports every offered event and leaves no keys behind.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { connectTestRedis, testRedisUrl } from '@rulecord/engine/testing';
import { redisRun } from '../redis.js';

const redis = await connectTestRedis();

describe.skipIf(redis === null)('bench: Redis run (short)', () => {
  afterAll(() => redis?.disconnect());

  it(
    'offers every event open loop, reports latency, GC and CPU, and deletes its keys',
    { timeout: 120_000 },
    async () => {
      const env = process.env;
      const saved = { ...env };
      Object.assign(env, {
        BENCH_REDIS_URL: testRedisUrl(),
        BENCH_REDIS_SECONDS: '0.5',
        BENCH_REDIS_WARM_SECONDS: '0.2',
        BENCH_REDIS_WARM_EVENTS: '1000',
        BENCH_GUILDS: '5',
      });
      try {
        const result = await redisRun(1000);
        if ('skipped' in result) throw new Error(`skipped: ${result.skipped}`);
        expect(result.offered).toBe(1000);
        expect(result.completed).toBe(500);
        expect(result.warmupEvents).toBe(1_200);
        expect(result.clock).toBe('poll');
        expect(result.autoPipelining).toBe(false);
        expect(result.p50Us).toBeGreaterThan(0);
        expect(result.p99Us).toBeGreaterThanOrEqual(result.p50Us);
        expect(result.maxUs).toBeGreaterThanOrEqual(result.p99Us);
        expect(result.serviceP99Us).toBeLessThanOrEqual(result.maxUs);
        expect(result.cpuUsPerEvent).toBeGreaterThan(0);
        expect(result.gcCount).toBeGreaterThanOrEqual(0);
        // Every key the run wrote (under its random prefix) is gone.
        expect(result.keyPrefix).toMatch(/^bench[0-9a-f]{8}$/);
        expect(await redis!.keys(`${result.keyPrefix}:*`)).toEqual([]);
      } finally {
        for (const k of Object.keys(env)) if (!(k in saved)) delete env[k];
        Object.assign(env, saved);
      }
    },
  );

  it('is skipped when BENCH_REDIS=0 or the Redis is not on loopback', async () => {
    const env = process.env;
    const saved = { ...env };
    try {
      env.BENCH_REDIS = '0';
      expect(await redisRun(1000)).toEqual({ skipped: 'BENCH_REDIS=0' });
      delete env.BENCH_REDIS;
      env.BENCH_REDIS_URL = 'redis://10.1.2.3:6379';
      expect(await redisRun(1000)).toEqual({ skipped: 'not a loopback Redis: 10.1.2.3' });
    } finally {
      for (const k of Object.keys(env)) if (!(k in saved)) delete env[k];
      Object.assign(env, saved);
    }
  });
});
