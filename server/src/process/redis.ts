import { Redis } from 'ioredis';
import { RulecordError } from '@rulecord/engine';
import { maskPassword } from '../config/load.js';

/**
 * Connects to `url` and checks it is fit for Rulecord: reachable, and `maxmemory-policy` is `noeviction` (BullMQ
 * loses jobs when Redis may evict keys). Resolves to the connected client; rejects with `RC_REDIS_UNREACHABLE` or
 * `RC_REDIS_EVICTION_POLICY`, having closed the client.
 */
export async function connectRedis(url: string, options: { connectTimeoutMs?: number } = {}): Promise<Redis> {
  const location = maskPassword(url);
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    maxRetriesPerRequest: 1,
    // Without this a refused first connection retries for ever and `connect()` never settles.
    retryStrategy: (times) => (times > 20 ? null : Math.min(times * 200, 2_000)),
    enableOfflineQueue: true,
  });
  redis.on('error', () => {
    // Reported through the failing commands; an unhandled 'error' event would crash the process.
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new RulecordError('RC_REDIS_UNREACHABLE', `cannot reach Redis at ${location}: ${messageOf(error)}`, {
      kind: 'transient',
      fix: 'check REDIS_URL and that Redis is running, or unset REDIS_URL to keep state in the process',
      cause: error,
    });
  }
  let policy: string | undefined;
  try {
    policy = await evictionPolicy(redis);
  } catch (error) {
    redis.disconnect();
    throw new RulecordError('RC_REDIS_UNREACHABLE', `cannot read Redis settings at ${location}: ${messageOf(error)}`, {
      kind: 'transient',
      fix: 'let the Redis user run INFO (ACL: +info): Rulecord reads maxmemory-policy from it before it starts',
      cause: error,
    });
  }
  if (policy !== 'noeviction') {
    redis.disconnect();
    throw new RulecordError(
      'RC_REDIS_EVICTION_POLICY',
      `Redis at ${location} has maxmemory-policy "${policy ?? 'unknown'}"; Rulecord needs "noeviction" (with eviction, BullMQ silently loses timer jobs)`,
      {
        kind: 'user',
        fix: 'set `maxmemory-policy noeviction` in redis.conf or run `redis-cli CONFIG SET maxmemory-policy noeviction`',
      },
    );
  }
  return redis;
}

/** `maxmemory-policy` read from `INFO memory` (works where `CONFIG` is disabled, as on managed Redis). */
export async function evictionPolicy(redis: Redis): Promise<string | undefined> {
  const info = await redis.info('memory');
  const match = /^maxmemory_policy:(\S+)/m.exec(info);
  return match?.[1];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}
