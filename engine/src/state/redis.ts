import { createHash, randomBytes } from 'node:crypto';
import { Command, type Redis } from 'ioredis';
import { RulecordError } from '../errors/error.js';
import type { GuildState, SetIfAbsentThenResult, StateOp, StateOpResults, StateStore, TakeResult } from './port.js';
import { checkGuildId, checkPositive, DEFAULT_STATE_PREFIX, GuildKeys, stateKey, windowKeyTtl } from './key.js';

// Sliding windows are sorted sets: score = hit time, member = unique per hit. A hit/take is one script, so it is
// atomic and costs one round trip. Numbers travel as strings built by the client: Lua's tostring would print large
// epoch values in exponent notation.
// Time never runs backwards inside one window key: a hit stamped earlier than the newest hit already recorded (a
// concurrent caller whose clock read came first) counts at the newest time, so out-of-order callers can never let more
// than `max` hits into any window.
// Each operation is a Lua function of (key, ARGV, offset of its arguments), so the same code serves the plain script
// and the one that writes a marker first (setIfAbsentThen).
const OPS = `
local function trim(K, nowArg, wArg)
  local now = tonumber(nowArg)
  local last = redis.call('ZRANGE', K, -1, -1, 'WITHSCORES')
  if last[2] and tonumber(last[2]) > now then now = tonumber(last[2]) end
  local nowS = string.format('%.17g', now)
  local floorS = string.format('%.17g', now - tonumber(wArg))
  redis.call('ZREMRANGEBYSCORE', K, '-inf', floorS)
  return nowS, floorS
end
-- now, windowMs, key TTL, member, max
local function take(K, A, i)
  local nowS, floorS = trim(K, A[i], A[i + 1])
  local c = redis.call('ZCOUNT', K, '(' .. floorS, nowS)
  local max = tonumber(A[i + 4])
  if c < max then
    redis.call('ZADD', K, nowS, A[i + 3])
    redis.call('PEXPIRE', K, A[i + 2])
    return {1, c + 1, false, nowS}
  end
  if max <= 0 then return {0, c, false, nowS} end
  local r = redis.call('ZRANGEBYSCORE', K, '(' .. floorS, nowS, 'WITHSCORES', 'LIMIT', c - max, 1)
  return {0, c, r[2] or false, nowS}
end
-- by, TTL ('' for none)
local function incr(K, A, i)
  local existed = redis.call('EXISTS', K)
  local v = redis.call('INCRBY', K, A[i])
  if existed == 0 and A[i + 1] ~= '' then redis.call('PEXPIRE', K, A[i + 1]) end
  return v
end
`;

/**
 * A hit, written out in the script instead of as a function of `OPS` (the hot path of a rate fact: no closures or
 * table made per call). ARGV from `i`: now, windowMs, key TTL, member, and now - windowMs as the client wrote it, so the
 * usual case formats no number; only a hit stamped before the newest one (counted at the newest time) does. Once the
 * trim leaves only hits in (floor, now], the count is the set's size. `guard` is what runs when the first command on
 * the key fails (it then returns the error): a marker written before it is deleted.
 */
function hitLua(key: string, i: number, guard: string | null, wrap: (count: string) => string): string {
  return `
local K = ${key}
local last = redis.${guard === null ? 'call' : 'pcall'}('ZRANGE', K, -1, -1, 'WITHSCORES')
${guard === null ? '' : `if last.err then ${guard} return last end`}
local nowS, floorS = ARGV[${i}], ARGV[${i + 4}]
if last[2] and tonumber(last[2]) > tonumber(nowS) then
  local now = tonumber(last[2])
  nowS = string.format('%.17g', now)
  floorS = string.format('%.17g', now - tonumber(ARGV[${i + 1}]))
end
redis.call('ZREMRANGEBYSCORE', K, '-inf', floorS)
redis.call('ZADD', K, nowS, ARGV[${i + 3}])
redis.call('PEXPIRE', K, ARGV[${i + 2}])
return ${wrap("redis.call('ZCARD', K)")}`;
}
const HIT = hitLua('KEYS[1]', 1, null, (count) => count);
/** setIfAbsentThen of a hit (the engine's redelivery marker riding with a rate fact): as MARK_THEN, with `hitLua`. */
const MARK_HIT = `
if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return {0} end
${hitLua('KEYS[2]', 4, "redis.call('DEL', KEYS[1])", (count) => `{1, ${count}}`)}`;
const TAKE = `${OPS}
return take(KEYS[1], ARGV, 1)`;
const INCR = `${OPS}
return incr(KEYS[1], ARGV, 1)`;
/**
 * setIfAbsentThen: KEYS = marker, operation key; ARGV = marker value, marker TTL, operation, its arguments. A failing
 * operation (e.g. WRONGTYPE) deletes the marker again before the error is returned, so nothing is left half done.
 */
const MARK_THEN = `${OPS}
local RUN = {
  get = function(K, A, i) return redis.call('GET', K) end,
  set = function(K, A, i)
    if A[i + 1] == '' then redis.call('SET', K, A[i]) else redis.call('SET', K, A[i], 'PX', A[i + 1]) end
    return false
  end,
  setIfAbsent = function(K, A, i) return redis.call('SET', K, A[i], 'PX', A[i + 1], 'NX') and 1 or 0 end,
  del = function(K, A, i) redis.call('DEL', K) return false end,
  incr = incr,
  count = function(K, A, i) return redis.call('ZCOUNT', K, A[i], A[i + 1]) end,
  take = take,
}
if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return {0} end
local ok, result = pcall(RUN[ARGV[3]], KEYS[2], ARGV, 4)
if not ok then
  redis.call('DEL', KEYS[1])
  if type(result) == 'table' then return result end
  return redis.error_reply(tostring(result))
end
return {1, result}`;

interface LuaScript {
  readonly lua: string;
  readonly sha: string;
}
const script = (lua: string): LuaScript => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });
const SCRIPTS = {
  hit: script(HIT),
  take: script(TAKE),
  incr: script(INCR),
  markThen: script(MARK_THEN),
  markHit: script(MARK_HIT),
};

/** Replies as strings (numbers stay numbers), as the ioredis methods return them. */
const UTF8 = { replyEncoding: 'utf8' as const };

type Reply = string | number | null | Reply[];

/**
 * One command, straight to the connection: a `Command` handed to `sendCommand`, without the generic command layer
 * (argument flattening, the script wrapper, and with `enableAutoPipelining` a pipeline object per tick), which cost
 * more CPU and garbage than the command itself. Commands still go through ioredis' queue (offline queue while
 * connecting, reply matching, reconnection).
 *
 * Commands sent in the same turn of the event loop leave in one socket write: the first one corks the socket and a
 * `process.nextTick` (after the pending promise callbacks) uncorks it. On loopback a write costs about as much CPU as
 * everything else a command does, so a burst (many events in flight, e.g. after a pause) costs about half as much;
 * a lone command leaves at the end of the same turn, as it would have.
 */
function send(redis: Redis, name: string, args: string[]): Promise<Reply> {
  const stream = redis.stream as Redis['stream'] | undefined;
  if (stream !== undefined && stream.writableCorked === 0 && redis.status === 'ready') {
    stream.cork();
    process.nextTick(uncork, stream);
  }
  return redis.sendCommand(new Command(name, args, UTF8)) as Promise<Reply>;
}

function uncork(stream: Redis['stream']): void {
  stream.uncork();
}

/** EVALSHA; on NOSCRIPT (first use on this Redis, or after a restart or SCRIPT FLUSH) the script is sent once with EVAL. */
function evalScript(redis: Redis, s: LuaScript, keys: string[], args: string[]): Promise<Reply> {
  return send(redis, 'evalsha', [s.sha, String(keys.length), ...keys, ...args]).catch((err: unknown) => {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return send(redis, 'eval', [s.lua, String(keys.length), ...keys, ...args]);
  });
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

function checkStep(by: number): void {
  if (!Number.isSafeInteger(by))
    throw new RulecordError('RC_STATE_BAD_ARGUMENT', `State incr step must be an integer, got ${by}`, {
      kind: 'bug',
      fix: 'Counters hold integers; round the step.',
    });
}

function takeResult(reply: Reply, now: number, windowMs: number): TakeResult {
  const [allowed, count, oldest, at] = reply as [number, number, string | null, string];
  if (allowed === 1) return { allowed: true, count: Number(count), retryAfterMs: 0 };
  const effectiveNow = Math.max(now, Number(at));
  const retryAfterMs =
    oldest === null || oldest === undefined ? windowMs : Math.max(1, Number(oldest) + windowMs - effectiveNow);
  return { allowed: false, count: Number(count), retryAfterMs };
}

/**
 * `StateStore` on Redis (ioredis). Counters are INCRBY, sliding windows are sorted sets updated by Lua scripts
 * (EVALSHA), so every call is atomic and one round trip; `setIfAbsentThen` writes a marker and one more operation in
 * one script. The store is handed its connection and never closes it; it sends its commands straight to the
 * connection, whether or not the connection autopipelines.
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
  }

  forGuild(guildId: string): GuildState {
    checkGuildId(guildId);
    return new RedisGuildState(this.#redis, this.prefix, guildId);
  }

  async close(): Promise<void> {
    // The connection belongs to whoever created it.
  }
}

class RedisGuildState implements GuildState {
  readonly #redis: Redis;
  readonly #keys: GuildKeys;

  constructor(
    redis: Redis,
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
    return (await send(this.#redis, 'get', [this.#key(feature, key)])) as string | null;
  }

  async set(feature: string, key: string, value: string, ttlMs?: number): Promise<void> {
    const k = this.#key(feature, key);
    if (ttlMs === undefined) {
      await send(this.#redis, 'set', [k, String(value)]);
    } else {
      checkPositive('ttlMs', ttlMs);
      await send(this.#redis, 'set', [k, String(value), 'PX', ms(ttlMs)]);
    }
  }

  async setIfAbsent(feature: string, key: string, value: string, ttlMs: number): Promise<boolean> {
    const k = this.#key(feature, key);
    checkPositive('ttlMs', ttlMs);
    return (await send(this.#redis, 'set', [k, String(value), 'PX', ms(ttlMs), 'NX'])) === 'OK';
  }

  async del(feature: string, key: string): Promise<void> {
    await send(this.#redis, 'del', [this.#key(feature, key)]);
  }

  async incr(feature: string, key: string, by = 1, ttlMs?: number): Promise<number> {
    const k = this.#key(feature, key);
    checkStep(by);
    if (ttlMs !== undefined) checkPositive('ttlMs', ttlMs);
    return Number(await evalScript(this.#redis, SCRIPTS.incr, [k], [String(by), ttlMs === undefined ? '' : ms(ttlMs)]));
  }

  async hit(feature: string, key: string, windowMs: number, now: number): Promise<number> {
    const k = this.#key(feature, key);
    checkPositive('windowMs', windowMs);
    return Number(await evalScript(this.#redis, SCRIPTS.hit, [k], hitArgs(windowMs, now)));
  }

  async count(feature: string, key: string, windowMs: number, now: number): Promise<number> {
    const k = this.#key(feature, key);
    checkPositive('windowMs', windowMs);
    return Number(await send(this.#redis, 'zcount', [k, `(${now - windowMs}`, String(now)]));
  }

  async take(feature: string, key: string, max: number, windowMs: number, now: number): Promise<TakeResult> {
    const k = this.#key(feature, key);
    checkPositive('windowMs', windowMs);
    checkPositive('max', max, true);
    const reply = await evalScript(this.#redis, SCRIPTS.take, [k], [...windowArgs(windowMs, now), String(max)]);
    return takeResult(reply, now, windowMs);
  }

  async setIfAbsentThen<O extends StateOp>(
    feature: string,
    key: string,
    value: string,
    ttlMs: number,
    then: O,
  ): Promise<SetIfAbsentThenResult<O>> {
    const marker = this.#key(feature, key);
    checkPositive('ttlMs', ttlMs);
    const op = then as StateOp;
    const k = this.#key(op.feature, op.key);
    let args: string[];
    switch (op.op) {
      case 'get':
      case 'del':
        args = [];
        break;
      case 'set':
        if (op.ttlMs !== undefined) checkPositive('ttlMs', op.ttlMs);
        args = [String(op.value), op.ttlMs === undefined ? '' : ms(op.ttlMs)];
        break;
      case 'setIfAbsent':
        checkPositive('ttlMs', op.ttlMs);
        args = [String(op.value), ms(op.ttlMs)];
        break;
      case 'incr':
        checkStep(op.by ?? 1);
        if (op.ttlMs !== undefined) checkPositive('ttlMs', op.ttlMs);
        args = [String(op.by ?? 1), op.ttlMs === undefined ? '' : ms(op.ttlMs)];
        break;
      case 'hit':
        checkPositive('windowMs', op.windowMs);
        args = hitArgs(op.windowMs, op.now);
        break;
      case 'count':
        checkPositive('windowMs', op.windowMs);
        args = [`(${op.now - op.windowMs}`, String(op.now)];
        break;
      case 'take':
        checkPositive('windowMs', op.windowMs);
        checkPositive('max', op.max, true);
        args = [...windowArgs(op.windowMs, op.now), String(op.max)];
        break;
      default:
        throw new RulecordError('RC_STATE_BAD_ARGUMENT', `Unknown state operation ${JSON.stringify(op)}`, {
          kind: 'bug',
          fix: 'Pass one of get, set, setIfAbsent, del, incr, hit, count, take as `op`.',
        });
    }
    const reply = (await evalScript(
      this.#redis,
      op.op === 'hit' ? SCRIPTS.markHit : SCRIPTS.markThen,
      [marker, k],
      [String(value), ms(ttlMs), op.op, ...args],
    )) as [number, Reply?];
    if (reply[0] !== 1) return { set: false };
    const r = reply[1] ?? null;
    let result: StateOpResults[StateOp['op']];
    switch (op.op) {
      case 'get':
        result = r as string | null;
        break;
      case 'set':
      case 'del':
        result = undefined;
        break;
      case 'setIfAbsent':
        result = r === 1;
        break;
      case 'take':
        result = takeResult(r, op.now, op.windowMs);
        break;
      default:
        result = Number(r);
    }
    return { set: true, result } as SetIfAbsentThenResult<O>;
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

/** The window scripts' arguments: now, window, key TTL, a unique member. */
function windowArgs(windowMs: number, now: number): string[] {
  return [String(now), String(windowMs), ms(windowKeyTtl(windowMs)), member(now)];
}

/** A hit's arguments (`hitLua`): the window's, and the floor of the window at `now`. */
function hitArgs(windowMs: number, now: number): string[] {
  return [...windowArgs(windowMs, now), String(now - windowMs)];
}
