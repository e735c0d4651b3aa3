import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStateStore } from '@rulecord/engine';
import {
  connectTestRedis,
  deleteKeysWithPrefix,
  randomId,
  stateStoreContract,
  testRedisUrl,
} from '@rulecord/engine/testing';

const prefix = randomId('rctest');
const connections: Redis[] = [];

async function connect(): Promise<Redis | null> {
  const redis = await connectTestRedis();
  if (redis) connections.push(redis);
  return redis;
}

const redis = await connect();

describe.skipIf(redis === null)('RedisStateStore', () => {
  stateStoreContract('RedisStateStore', async () => {
    const peers = [new RedisStateStore(redis!, { prefix })];
    for (let i = 0; i < 2; i++) peers.push(new RedisStateStore((await connect())!, { prefix }));
    return { store: peers[0]!, peers, cleanup: async () => {} };
  });

  it('keeps every key under its prefix and guild', async () => {
    const g = new RedisStateStore(redis!, { prefix }).forGuild('layout');
    await g.set('f', 'k', 'v', 10_000);
    expect(await redis!.get(`${prefix}:layout:f:k`)).toBe('v');
    await g.hit('w', 'k', 10_000, Date.now());
    expect(await redis!.type(`${prefix}:layout:w:k`)).toBe('zset');
    expect(await redis!.pttl(`${prefix}:layout:w:k`)).toBeGreaterThan(9_000);
  });

  it('take, hit and incr cost one round trip each', async () => {
    const conn = (await connect())!;
    const sent: string[] = [];
    const original = conn.sendCommand.bind(conn);
    // Observes what the client sends (not a mock: every command still goes to the real Redis).
    conn.sendCommand = ((command: { name: string }) => {
      sent.push(command.name);
      return original(command as never);
    }) as typeof conn.sendCommand;
    const g = new RedisStateStore(conn, { prefix }).forGuild('rtt');
    await g.take('rate', 'k', 3, 1000, Date.now()); // first use may load the script (EVALSHA → NOSCRIPT → EVAL)
    sent.length = 0;
    await g.take('rate', 'k', 3, 1000, Date.now());
    await g.hit('w', 'k', 1000, Date.now());
    await g.incr('c', 'k', 1, 1000);
    expect(sent).toEqual(['evalsha', 'evalsha', 'evalsha']);
  });

  it('setIfAbsentThen writes the marker and its operation in one round trip', async () => {
    const conn = (await connect())!;
    const sent: string[] = [];
    const original = conn.sendCommand.bind(conn);
    conn.sendCommand = ((command: { name: string }) => {
      sent.push(command.name);
      return original(command as never);
    }) as typeof conn.sendCommand;
    const g = new RedisStateStore(conn, { prefix }).forGuild('rtt-mark');
    const hit = { op: 'hit', feature: 'w', key: 'k', windowMs: 1000, now: Date.now() } as const;
    await g.setIfAbsentThen!('seen', 'warm', '1', 10_000, hit); // may load the script
    sent.length = 0;
    expect(await g.setIfAbsentThen!('seen', 'e1', '1', 10_000, hit)).toEqual({ set: true, result: 2 });
    expect(await g.setIfAbsentThen!('seen', 'e1', '1', 10_000, hit)).toEqual({ set: false });
    expect(sent).toEqual(['evalsha', 'evalsha']);
  });

  it('commands sent in one turn of the event loop leave in one socket write', async () => {
    const conn = (await connect())!;
    const g = new RedisStateStore(conn, { prefix }).forGuild('batch');
    const t = Date.now();
    await g.hit('w', 'k', 10_000, t); // may load the script
    // Counts what reaches the socket (every command still goes to the real Redis).
    const socket = conn.stream as unknown as {
      _write: (...args: unknown[]) => void;
      _writev: (...args: unknown[]) => void;
    };
    let flushes = 0;
    const write = socket._write.bind(socket);
    const writev = socket._writev.bind(socket);
    socket._write = (...args) => {
      flushes++;
      write(...args);
    };
    socket._writev = (...args) => {
      flushes++;
      writev(...args);
    };
    const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => g.hit('w', 'k', 10_000, t + 1 + i)));
    expect(counts).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    expect(flushes).toBe(1);
    expect(await g.setIfAbsent('f', 'alone', '1', 10_000)).toBe(true);
    expect(flushes).toBe(2);
  });

  it('sends its commands straight to a connection that autopipelines, and reloads scripts after SCRIPT FLUSH', async () => {
    const conn = (await connect())!;
    const piped = new Redis(testRedisUrl(), { enableAutoPipelining: true, lazyConnect: true });
    connections.push(piped);
    await piped.connect();
    const g = new RedisStateStore(piped, { prefix }).forGuild('piped');
    const t = Date.now();
    const [a, b] = await Promise.all([g.hit('w', 'k', 10_000, t), g.hit('w', 'k', 10_000, t + 1)]);
    expect([a, b]).toEqual([1, 2]);
    expect(piped.autoPipelineQueueSize).toBe(0);
    await conn.script('FLUSH');
    expect(await g.hit('w', 'k', 10_000, t + 2)).toBe(3); // NOSCRIPT → EVAL, once
    expect(await g.take('r', 'k', 1, 10_000, t)).toEqual({ allowed: true, count: 1, retryAfterMs: 0 });
    expect(await g.setIfAbsentThen!('seen', 'e', '1', 10_000, { op: 'incr', feature: 'c', key: 'n' })).toEqual({
      set: true,
      result: 1,
    });
  });
});

afterAll(async () => {
  if (redis) expect(await deleteKeysWithPrefix(redis, `${prefix}:`)).toBeGreaterThanOrEqual(0);
  if (redis) expect(await redis.keys(`${prefix}:*`)).toEqual([]);
  for (const c of connections) c.disconnect();
});
