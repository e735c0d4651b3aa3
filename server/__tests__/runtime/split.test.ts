import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import knexFactory, { type Knex } from 'knex';
import { BullMQScheduler, RedisTraceStore } from '@rulecord/engine';
import { ApiTokenStore } from '../../src/auth/tokens.js';
import { startProcess, type RunningProcess } from '../../src/process/index.js';
import {
  freePort,
  randomName,
  requireDatabaseUrl,
  startRedisServer,
  tempDir,
  type OwnRedis,
} from '../../src/testing/index.js';
import { doc, message, rule, until } from './helpers.js';

const pgUrl = await requireDatabaseUrl();

// A split deployment: `rulecord api` and `rulecord worker` (+ bot) as two processes on one PostgreSQL database (a
// fresh one, dropped after) and a private Redis; they share rule-set changes and traces through Redis only.
describe.runIf(pgUrl !== undefined)('rulecord api + rulecord worker on PostgreSQL and Redis', () => {
  const dir = tempDir();
  const database = randomName('rt');
  let admin: Knex;
  let redis: OwnRedis;
  let databaseUrl: string;
  beforeAll(async () => {
    redis = await startRedisServer();
    admin = knexFactory({ client: 'pg', connection: pgUrl as string, pool: { min: 0, max: 1 } });
    await admin.raw('create database ??', [database]);
    const url = new URL(pgUrl as string);
    url.pathname = `/${database}`;
    databaseUrl = url.toString();
  }, 30_000);
  afterAll(async () => {
    await admin.raw('drop database if exists ?? with (force)', [database]);
    await admin.destroy();
    await redis.stop();
    dir.remove();
  });

  it('a PUT on the api process reloads the worker process, whose traces the api lists', async () => {
    const env = { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, LOG_LEVEL: 'silent' };
    const common = { cwd: dir.path, envFile: false, announce: null, migrate: { modules: [] } } as const;
    let worker: RunningProcess | undefined;
    let api: RunningProcess | undefined;
    try {
      worker = await startProcess(['worker', 'bot'], { ...common, env });
      api = await startProcess(['api'], { ...common, env: { ...env, PORT: String(await freePort()) } });
      expect(api.context.services?.traces()).toBeInstanceOf(RedisTraceStore);
      const services = worker.context.services!;
      const host = await services.acquireEngine();
      try {
        expect(host.scheduler).toBeInstanceOf(BullMQScheduler);
        const guild = services.sandboxGuildId;
        const knex = api.context.db.knex;
        await knex('guilds').insert({ id: guild }).onConflict('id').ignore();
        const { token } = await new ApiTokenStore(knex).create({
          guildId: guild,
          name: 't',
          scope: 'write',
          createdBy: 't',
        });
        const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
        const put = await fetch(`${api.url}/api/guilds/${guild}/ruleset`, {
          method: 'PUT',
          headers,
          body: JSON.stringify({ document: doc(guild, [rule('split')]) }),
        });
        expect(put.status, await put.clone().text()).toBe(200);
        await until(() => (host.engine.loaded(guild)?.rules[0] === 'split' ? true : undefined));
        const runs = await host.engine.dispatch(message(guild));
        expect(runs.map((r) => [r.ruleId, r.outcome])).toEqual([['split', 'fired']]);
        const listed = await until(async () => {
          const res = await fetch(`${api!.url}/api/guilds/${guild}/traces`, { headers });
          const body = (await res.json()) as { traces: { rule: { id: string } }[] };
          return body.traces.length > 0 ? body.traces : undefined;
        }, 5000);
        expect(listed.map((t) => t.rule.id)).toEqual(['split']);
      } finally {
        await services.releaseEngine();
      }
    } finally {
      await api?.stop();
      await worker?.stop();
    }
  }, 60_000);
});
