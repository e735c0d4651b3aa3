import type { Redis } from 'ioredis';

/** A small TTL cache: Redis when the deployment has one (shared by every API process), a Map otherwise. */
export interface TtlCache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
}

export function redisCache(redis: Redis, prefix: string): TtlCache {
  return {
    get: (key) => redis.get(prefix + key),
    set: async (key, value, ttlMs) => {
      await redis.set(prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs)));
    },
  };
}

export function memoryCache(now: () => number = Date.now): TtlCache {
  const entries = new Map<string, { value: string; until: number }>();
  return {
    get: async (key) => {
      const e = entries.get(key);
      if (!e) return null;
      if (e.until <= now()) {
        entries.delete(key);
        return null;
      }
      return e.value;
    },
    set: async (key, value, ttlMs) => {
      if (entries.size > 10_000) for (const [k, e] of entries) if (e.until <= now()) entries.delete(k);
      entries.set(key, { value, until: now() + ttlMs });
    },
  };
}
