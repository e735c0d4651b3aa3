import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullMQScheduler, RecordingDiscord, RedisTraceStore } from '@rulecord/engine';
import { EngineHost, createTraceStore } from '../../src/runtime/index.js';
import { redisInvalidation } from '../../src/rulesets/invalidation.js';
import { RuleSetStore } from '../../src/rulesets/store.js';
import {
  openTestDatabase,
  randomName,
  requireDatabaseUrl,
  requireRedisUrl,
  type TestDatabase,
} from '../../src/testing/index.js';
import { apiFor, captureLogger, doc, message, registry, rule, until } from './helpers.js';

const redisUrl = await requireRedisUrl();
const pgUrl = await requireDatabaseUrl();

// A split deployment: the engine host (bot/worker) and the API share traces and rule-set changes only through Redis.
describe.runIf(redisUrl !== undefined && pgUrl !== undefined)('EngineHost on Redis and PostgreSQL', () => {
  let db: TestDatabase;
  let redis: Redis;
  const prefix = randomName('rt');
  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    redis = new Redis(redisUrl as string, { maxRetriesPerRequest: 2 });
  }, 60_000);
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await db.destroy();
  });

  it('traces reach the API through RedisTraceStore, a PUT reloads the host through Redis pub/sub, schedules queue jobs', async () => {
    const guild = '300000000000000001';
    await new RuleSetStore(db.knex).append({
      guildId: guild,
      document: doc(guild, [rule('first')]),
      author: 'test',
      message: 'v1',
    });
    const channel = `${prefix}:invalidate`;
    const { logger } = captureLogger();
    const host = new EngineHost({
      db: db.knex,
      registry: registry(),
      logger,
      discord: new RecordingDiscord(),
      redis,
      statePrefix: `${prefix}st`,
      bullmqPrefix: `${prefix}bull`,
      traceKeyPrefix: `${prefix}:traces`,
      invalidationChannel: channel,
    });
    expect(host.scheduler).toBeInstanceOf(BullMQScheduler);
    expect(host.traces).toBeInstanceOf(RedisTraceStore);
    await host.start();
    expect(host.guilds()).toEqual([guild]);

    // The API process: its own trace store and bus on the same Redis.
    const apiTraces = createTraceStore(redis, { prefix: `${prefix}:traces` });
    const apiBus = redisInvalidation(redis, channel);
    const api = await apiFor(db.knex, guild, { traces: apiTraces.store, invalidation: apiBus });
    try {
      const runs = await host.engine.dispatch(message(guild));
      expect(runs.map((r) => [r.ruleId, r.outcome])).toEqual([['first', 'fired']]);
      await (host.traces as RedisTraceStore).flush();
      const listed = await api.app.inject({ method: 'GET', url: `/api/guilds/${guild}/traces`, headers: api.headers });
      expect((listed.json() as { traces: { rule: { id: string } }[] }).traces.map((t) => t.rule.id)).toEqual(['first']);

      const put = await api.app.inject({
        method: 'PUT',
        url: `/api/guilds/${guild}/ruleset`,
        headers: api.headers,
        payload: {
          document: doc(guild, [rule('second')], {
            modules: { schedule: { schedules: [{ id: 'daily', cron: '0 6 * * *', timezone: 'Europe/Berlin' }] } },
          }),
        },
      });
      expect(put.statusCode, put.body).toBe(200);
      await until(() => (host.engine.loaded(guild)?.rules[0] === 'second' ? true : undefined));
      const runs2 = await host.engine.dispatch(message(guild));
      expect(runs2.map((r) => r.ruleId)).toEqual(['second']);
      const row = await until(async () => (await host.timerStore.get(guild, 'schedule:daily')) ?? undefined);
      expect(row).toMatchObject({ status: 'pending', cron: '0 6 * * *', timezone: 'Europe/Berlin' });
      const queue = (host.scheduler as BullMQScheduler).queue;
      const delayed = await until(async () => {
        const jobs = await queue.getDelayed();
        return jobs.some((j) => (j.data as { id?: string }).id === 'schedule:daily') ? jobs : undefined;
      });
      expect(delayed.length).toBe(1);
    } finally {
      await api.app.close();
      await apiTraces.close();
      await apiBus.close();
    }
    const started = Date.now();
    await host.stop();
    expect(Date.now() - started).toBeLessThan(3000);
  }, 30_000);
});
