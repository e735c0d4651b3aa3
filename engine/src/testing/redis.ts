import { Redis } from 'ioredis';

/** The Redis URL tests use (`RULECORD_TEST_REDIS_URL`, default the machine's Redis). */
export const testRedisUrl = (): string => process.env.RULECORD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Connects to the test Redis. Returns null when it is unreachable (the caller skips), except under `CI=true`, where an
 * unreachable service is a failure, never a skip.
 */
export async function connectTestRedis(
  url = testRedisUrl(),
  options: { maxRetriesPerRequest?: number | null } = {},
): Promise<Redis | null> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 3 : options.maxRetriesPerRequest,
    connectTimeout: 2000,
  });
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    if (process.env.CI === 'true')
      throw new Error(`Redis at ${url} is unreachable (CI=true: tests must not skip)`, { cause: error });
    return null;
  }
}

/** Deletes every key starting with `prefix` (SCAN + UNLINK; never FLUSHALL on a shared Redis). */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  const pattern = `${prefix.replace(/[*?[\]\\^-]/g, (c) => `\\${c}`)}*`;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    if (keys.length > 0) deleted += await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}
