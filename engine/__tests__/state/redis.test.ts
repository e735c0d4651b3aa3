import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisStateStore } from '@rulecord/engine';
import { connectTestRedis, deleteKeysWithPrefix, randomId, stateStoreContract } from '@rulecord/engine/testing';

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
});

afterAll(async () => {
  if (redis) expect(await deleteKeysWithPrefix(redis, `${prefix}:`)).toBeGreaterThanOrEqual(0);
  if (redis) expect(await redis.keys(`${prefix}:*`)).toEqual([]);
  for (const c of connections) c.disconnect();
});
