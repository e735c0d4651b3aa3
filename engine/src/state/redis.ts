import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RulecordError } from '../errors/error.js';
import type { GuildState, StateStore, TakeResult } from './port.js';
import { checkGuildId, checkPositive, DEFAULT_STATE_PREFIX, GuildKeys, stateKey, windowKeyTtl } from './key.js';

// Sliding windows are sorted sets: score = hit time, member = unique per hit. A hit/take is one script, so it is
// atomic and costs one round trip. Numbers travel as strings built by the client: Lua's tostring would print large
// epoch values in exponent notation.
// Time never runs backwards inside one window key: a hit stamped earlier than the newest hit already recorded (a
// concurrent caller whose clock read came first) counts at the newest time, so out-of-order callers can never let more
// than `max` hits into any window.
const PRELUDE = `
local now = tonumber(ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] and tonumber(last[2]) > now then now = tonumber(last[2]) end
local w = tonumber(ARGV[2])
local nowS = string.format('%.17g', now)
local floorS = string.format('%.17g', now - w)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', floorS)
`;

const HIT = `${PRELUDE}
redis.call('ZADD', KEYS[1], nowS, ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('ZCOUNT', KEYS[1], '(' .. floorS, nowS)
`;

const TAKE = `${PRELUDE}
local c = redis.call('ZCOUNT', KEYS[1], '(' .. floorS, nowS)
local max = tonumber(ARGV[5])
if c < max then
  redis.call('ZADD', KEYS[1], nowS, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {1, c + 1, false, nowS}
end
if max <= 0 then return {0, c, false, nowS} end
local r = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. floorS, nowS, 'WITHSCORES', 'LIMIT', c - max, 1)
return {0, c, r[2] or false, nowS}
`;

const INCR = `
local existed = redis.call('EXISTS', KEYS[1])
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if existed == 0 and ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return v
`;

interface ScriptedRedis {
  rcStateHit(key: string, now: string, windowMs: string, windowTtlMs: string, member: string): Promise<number>;
  rcStateTake(
    key: string,
    now: string,
    windowMs: string,
    windowTtlMs: string,
    member: string,
    max: string,
  ): Promise<[number, number, string | null, string]>;
  rcStateIncr(key: string, by: string, ttlMs: string): Promise<number>;
}

let hitSeq = 0;
const processTag = randomBytes(6).toString('hex');
function member(now: number): string {
  hitSeq = (hitSeq + 1) % Number.MAX_SAFE_INTEGER;
  return `${now}:${processTag}:${hitSeq}`;
}

/** Escapes a literal for a Redis glob pattern (SCAN MATCH). */
function globEscape(s: string): string {
  return s.replace(/[*?[\]\\^-]/g, (c) => `\\${c}`);
}

function ms(n: number): string {
  return String(Math.max(1, Math.ceil(n)));
}

/**
 * `StateStore` on Redis (ioredis). Counters are INCRBY, sliding windows are sorted sets updated by Lua scripts, so
 * every call is atomic and one round trip. The store is handed its connection and never closes it.
 *
 * @example
 * const state = new RedisStateStore(new Redis(url)).forGuild('1122');
 * const { allowed } = await state.take('rate', 'rule-a:user-9', 5, 10_000, Date.now());
 */
export class RedisStateStore implements StateStore {
  readonly prefix: string;
  readonly #redis: Redis;

  constructor(redis: Redis, options: { prefix?: string } = {}) {
    if (redis.options.keyPrefix) {
      throw new RulecordError(
        'RC_STATE_KEY_PREFIX',
        `The Redis connection has keyPrefix ${JSON.stringify(redis.options.keyPrefix)}; state keys would not match what keys() scans`,
        {
          kind: 'bug',
          fix: 'Pass a connection without keyPrefix and use the `prefix` option of RedisStateStore instead.',
        },
      );
    }
    this.#redis = redis;
    this.prefix = options.prefix ?? DEFAULT_STATE_PREFIX;
    stateKey(this.prefix, 'g', 'f', 'k'); // validates the prefix
    const r = redis as Redis & Partial<ScriptedRedis>;
    if (typeof r.rcStateHit !== 'function') redis.defineCommand('rcStateHit', { numberOfKeys: 1, lua: HIT });
    if (typeof r.rcStateTake !== 'function') redis.defineCommand('rcStateTake', { numberOfKeys: 1, lua: TAKE });
    if (typeof r.rcStateIncr !== 'function') redis.defineCommand('rcStateIncr', { numberOfKeys: 1, lua: INCR });
  }

  forGuild(guildId: string): GuildState {
    checkGuildId(guildId);
    return new RedisGuildState(this.#redis as Redis & ScriptedRedis, this.prefix, guildId);
  }

  async close(): Promise<void> {
    // The connection belongs to whoever created it.
  }
}

class RedisGuildState implements GuildState {
  readonly #redis: Redis & ScriptedRedis;
  readonly #keys: GuildKeys;

  constructor(
    redis: Redis & ScriptedRedis,
    prefix: string,
    readonly guildId: string,
  ) {
    this.#redis = redis;
    this.#keys = new GuildKeys(prefix, guildId);
  }

  #key(feature: string, key: string): string {
    return this.#keys.key(feature, key);
  }

  async get(feature: string, key: string): Promise<string | null> {
    return this.#redis.get(this.#key(feature, key));
  }

  async set(feature: string, key: string, value: string, ttlMs?: number): Promise<void> {
    const k = this.#key(feature, key);
    if (ttlMs === undefined) {
      await this.#redis.set(k, String(value));
    } else {
      checkPositive('ttlMs', ttlMs);
      await this.#redis.set(k, String(value), 'PX', ms(ttlMs));
    }
  }

  async setIfAbsent(feature: string, key: string, value: string, ttlMs: number): Promise<boolean> {
    const k = this.#key(feature, key);
    checkPositive('ttlMs', ttlMs);
    return (await this.#redis.set(k, String(value), 'PX', ms(ttlMs), 'NX')) === 'OK';
  }

  async del(feature: string, key: string): Promise<void> {
    await this.#redis.del(this.#key(feature, key));
  }

  async incr(feature: string, key: string, by = 1, ttlMs?: number): Promise<number> {
    const k = this.#key(feature, key);
    if (!Number.isSafeInteger(by))
      throw new RulecordError('RC_STATE_BAD_ARGUMENT', `State incr step must be an integer, got ${by}`, {
        kind: 'bug',
        fix: 'Counters hold integers; round the step.',
      });
    if (ttlMs !== undefined) checkPositive('ttlMs', ttlMs);
    return Number(await this.#redis.rcStateIncr(k, String(by), ttlMs === undefined ? '' : ms(ttlMs)));
  }

  async hit(feature: string, key: string, windowMs: number, now: number): Promise<number> {
    const k = this.#key(feature, key);
    checkPositive('windowMs', windowMs);
    return Number(
      await this.#redis.rcStateHit(k, String(now), String(windowMs), ms(windowKeyTtl(windowMs)), member(now)),
    );
  }

  async count(feature: string, key: string, windowMs: number, now: number): Promise<number> {
    const k = this.#key(feature, key);
    checkPositive('windowMs', windowMs);
    return this.#redis.zcount(k, `(${now - windowMs}`, String(now));
  }

  async take(feature: string, key: string, max: number, windowMs: number, now: number): Promise<TakeResult> {
    const k = this.#key(feature, key);
    checkPositive('windowMs', windowMs);
    checkPositive('max', max, true);
    const [allowed, count, oldest, at] = await this.#redis.rcStateTake(
      k,
      String(now),
      String(windowMs),
      ms(windowKeyTtl(windowMs)),
      member(now),
      String(max),
    );
    if (allowed === 1) return { allowed: true, count: Number(count), retryAfterMs: 0 };
    const effectiveNow = Math.max(now, Number(at));
    const retryAfterMs =
      oldest === null || oldest === undefined ? windowMs : Math.max(1, Number(oldest) + windowMs - effectiveNow);
    return { allowed: false, count: Number(count), retryAfterMs };
  }

  async keys(feature: string): Promise<string[]> {
    const prefix = this.#keys.featurePrefix(feature);
    const pattern = `${globEscape(prefix)}*`;
    const found = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await this.#redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      for (const k of batch) if (k.startsWith(prefix)) found.add(k.slice(prefix.length));
      cursor = next;
    } while (cursor !== '0');
    return [...found].sort();
  }
}
