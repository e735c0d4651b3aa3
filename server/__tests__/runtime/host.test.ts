import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryTraceStore, RecordingDiscord, type DiscordPort } from '@rulecord/engine';
import { EngineHost } from '../../src/runtime/index.js';
import { inProcessInvalidation } from '../../src/rulesets/invalidation.js';
import { RuleSetStore } from '../../src/rulesets/store.js';
import { openTestDatabase, testDatabaseKinds, type TestDatabase } from '../../src/testing/index.js';
import { apiFor, captureLogger, doc, message, registry, rule, until } from './helpers.js';

describe.each(await testDatabaseKinds())('EngineHost without Redis (%s)', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase(kind);
  }, 60_000);
  afterAll(async () => {
    await db.destroy();
  });

  it('loads stored rule sets, traces runs through the API, reloads on a PUT, follows cron schedules, stops cleanly', async () => {
    const guild = '200000000000000001';
    const broken = '200000000000000002';
    const store = new RuleSetStore(db.knex);
    await store.append({ guildId: guild, document: doc(guild, [rule('first')]), author: 'test', message: 'v1' });
    // Stored without validation (an older catalog, a hand edit): the host must skip it, not crash.
    await store.append({
      guildId: broken,
      document: doc(broken, [{ id: 'bad', on: 'no.such.event', then: [] }]),
      author: 'test',
      message: 'broken',
    });

    const { logger, lines } = captureLogger();
    const traces = new InMemoryTraceStore();
    const invalidation = inProcessInvalidation();
    const discord = new RecordingDiscord();
    const host = new EngineHost({ db: db.knex, registry: registry(), logger, discord, traces, invalidation });
    await host.start();
    expect(host.guilds()).toEqual([guild]);
    expect(host.engine.loaded(broken)).toBeUndefined();
    const skipped = lines().find((l) => l['guildId'] === broken && l.level === 40);
    expect(skipped?.msg).toContain('does not validate');
    expect(JSON.stringify(skipped?.['problems'])).toContain('/rules/0');

    // An event through the host's engine: the action reaches the DiscordPort and the trace the API's route.
    const runs = await host.engine.dispatch(message(guild));
    expect(runs.map((r) => [r.ruleId, r.outcome])).toEqual([['first', 'fired']]);
    expect(discord.actions(guild).map((c) => c.method)).toEqual(['deleteMessage']);
    const api = await apiFor(db.knex, guild, { traces, invalidation });
    try {
      const listed = await api.app.inject({ method: 'GET', url: `/api/guilds/${guild}/traces`, headers: api.headers });
      expect(listed.statusCode).toBe(200);
      const body = listed.json() as { traces: { rule: { id: string }; outcome: string; guildId: string }[] };
      expect(body.traces.map((t) => [t.rule.id, t.outcome, t.guildId])).toEqual([['first', 'fired', guild]]);

      // PUT a new version with a second rule and a cron schedule: the engine reloads, the schedule becomes a timer row.
      const put = await api.app.inject({
        method: 'PUT',
        url: `/api/guilds/${guild}/ruleset`,
        headers: api.headers,
        payload: {
          document: doc(guild, [rule('first'), rule('second')], {
            modules: { schedule: { schedules: [{ id: 'weekly', cron: '0 9 * * 1' }] } },
          }),
          message: 'v2',
        },
      });
      expect(put.statusCode, put.body).toBe(200);
      await until(() => (host.engine.loaded(guild)?.rules.length === 2 ? true : undefined));
      const timer = await until(async () => (await host.timerStore.get(guild, 'schedule:weekly')) ?? undefined);
      expect(timer).toMatchObject({ kind: 'schedule.tick', status: 'pending', cron: '0 9 * * 1', timezone: 'UTC' });
      expect(timer.dueAt).toBeGreaterThan(Date.now());
      expect(new Date(timer.dueAt).getUTCDay()).toBe(1);
      const again = await host.engine.dispatch(message(guild));
      expect(again.map((r) => r.ruleId)).toEqual(['first', 'second']);

      // Reloading the same schedule keeps its pending occurrence; removing it cancels the row.
      await host.reload(guild);
      expect((await host.timerStore.get(guild, 'schedule:weekly'))?.dueAt).toBe(timer.dueAt);
      const put3 = await api.app.inject({
        method: 'PUT',
        url: `/api/guilds/${guild}/ruleset`,
        headers: api.headers,
        payload: { document: doc(guild, [rule('third')]), message: 'v3' },
      });
      expect(put3.statusCode, put3.body).toBe(200);
      await until(() => (host.engine.loaded(guild)?.rules[0] === 'third' ? true : undefined));
      await until(async () =>
        (await host.timerStore.get(guild, 'schedule:weekly'))?.status === 'cancelled' ? true : undefined,
      );
    } finally {
      await api.app.close();
    }

    // A bad version stored later (bypassing the API) is skipped on reload: the last good one stays live.
    await store.append({
      guildId: guild,
      document: doc(guild, [{ id: 'x', on: 'nope', then: [] }]),
      author: 't',
      message: 'bad',
    });
    expect((await host.reload(guild)).status).toBe('invalid');
    expect(host.engine.loaded(guild)?.rules).toEqual(['third']);

    const started = Date.now();
    await host.stop();
    await host.stop(); // idempotent
    expect(Date.now() - started).toBeLessThan(2000);
    // After stop the host no longer follows changes.
    await store.append({ guildId: guild, document: doc(guild, [rule('late')]), author: 't', message: 'late' });
    await invalidation.publish({ guildId: guild, version: 5, at: Date.now() });
    await new Promise((r) => setTimeout(r, 50));
    expect(host.engine.loaded(guild)?.rules).toEqual(['third']);
  }, 30_000);

  it('fires timers through the engine: a parked `wait` resumes from its timer row', async () => {
    const guild = '200000000000000003';
    await new RuleSetStore(db.knex).append({
      guildId: guild,
      document: doc(guild, [
        { id: 'later', on: 'message.create', then: [{ wait: 300 }, { 'message.delete': { reason: 'later' } }] },
      ]),
      author: 'test',
      message: 'v1',
    });
    const discord = new RecordingDiscord();
    const host = new EngineHost({
      db: db.knex,
      registry: registry(),
      logger: captureLogger().logger,
      discord,
      traces: new InMemoryTraceStore(),
      invalidation: inProcessInvalidation(),
    });
    await host.start();
    const [run] = await host.engine.dispatch(message(guild));
    expect(run?.outcome).toBe('fired');
    expect(discord.actions(guild)).toEqual([]);
    const [parked] = await host.timerStore.listPending(guild);
    expect(parked?.kind).toBe('rule.resume');
    await until(() => (discord.actions(guild).length > 0 ? true : undefined));
    expect(discord.actions(guild).map((c) => c.method)).toEqual(['deleteMessage']);
    expect((await host.timerStore.get(guild, parked!.id))?.status).toBe('fired');
    await host.stop();
  }, 15_000);

  it('property: after any sequence of applied versions, the pending schedule timers are exactly the live schedules', async () => {
    const host = new EngineHost({
      db: db.knex,
      registry: registry(),
      logger: captureLogger().logger,
      discord: new RecordingDiscord(),
      traces: new InMemoryTraceStore(),
      invalidation: inProcessInvalidation(),
    });
    await host.start();
    const store = new RuleSetStore(db.knex);
    let n = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              ids: fc.subarray(['alpha', 'beta', 'gamma']),
              cron: fc.constantFrom('0 9 * * 1', '*/5 * * * *', '0 0 1 * *'),
            }),
            { minLength: 1, maxLength: 4 },
          ),
          async (versions) => {
            const guild = `4000000000000${String(++n).padStart(5, '0')}`;
            for (const v of versions) {
              const schedules = v.ids.map((id) => ({ id, cron: v.cron }));
              await store.append({
                guildId: guild,
                document: doc(guild, [rule('r')], { modules: { schedule: { schedules } } }),
                author: 't',
                message: '',
              });
              expect((await host.reload(guild)).status).toBe('loaded');
            }
            const last = versions[versions.length - 1]!;
            const pending = (await host.timerStore.listPending(guild)).filter((t) => t.kind === 'schedule.tick');
            expect(pending.map((t) => t.id).sort()).toEqual(last.ids.map((id) => `schedule:${id}`).sort());
            for (const t of pending) expect(t.cron).toBe(last.cron);
          },
        ),
        { numRuns: 12 },
      );
    } finally {
      await host.stop();
    }
  }, 30_000);

  it('stop gives in-flight timers the grace period, then returns without them', async () => {
    const guild = '200000000000000004';
    await new RuleSetStore(db.knex).append({
      guildId: guild,
      document: doc(guild, [
        { id: 'hang', on: 'message.create', then: [{ wait: 50 }, { 'message.delete': { reason: 'x' } }] },
      ]),
      author: 'test',
      message: 'v1',
    });
    const recording = new RecordingDiscord();
    let reached = false;
    // A Discord call that never answers (the action timeout is 30 s): the resumed run is still in flight at stop.
    const discord: DiscordPort = {
      forGuild(id) {
        const inner = recording.forGuild(id);
        return new Proxy(inner, {
          get(target, key) {
            if (key === 'deleteMessage')
              return () => {
                reached = true;
                return new Promise(() => {});
              };
            const value = Reflect.get(target, key, target) as unknown;
            return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          },
        });
      },
    };
    const { logger, lines } = captureLogger();
    const host = new EngineHost({
      db: db.knex,
      registry: registry(),
      logger,
      discord,
      traces: new InMemoryTraceStore(),
      invalidation: inProcessInvalidation(),
      stopGraceMs: 300,
    });
    await host.start();
    await host.engine.dispatch(message(guild));
    await until(() => (reached ? true : undefined));
    const started = Date.now();
    await host.stop();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(1500);
    expect(lines().some((l) => l.msg.startsWith('timers still running at the end of the shutdown grace period'))).toBe(
      true,
    );
  }, 15_000);
});
