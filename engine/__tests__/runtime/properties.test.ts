import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Engine,
  InMemoryStateStore,
  InMemoryTimerStore,
  InProcessScheduler,
  RedisStateStore,
  RecordingDiscord,
  VirtualClock,
  coreModule,
} from '../../src/index.js';
import type { DiscordPort, Rule, RuleEvent, RunSummary, Scheduler, StateStore, Trace } from '../../src/index.js';
import { createRegistry } from '../../src/runtime/deps.js';
import { connectTestRedis, deleteKeysWithPrefix } from '../../src/testing/redis.js';
import { randomId } from '../../src/testing/util.js';
import { ruleSet, testModule, type Probe } from './fixtures.js';

type Redis = NonNullable<Awaited<ReturnType<typeof connectTestRedis>>>;

/** Wraps every method of an object so each call is counted. */
function counting<T extends object>(target: T, calls: string[], label: string): T {
  return new Proxy(target, {
    get(t, p, r) {
      const v = Reflect.get(t, p, r) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        calls.push(`${label}.${String(p)}`);
        return (v as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
}

function countingPorts(state: StateStore, discord: DiscordPort, scheduler: Scheduler, calls: string[]) {
  return {
    state: {
      forGuild: (g: string) => counting(state.forGuild(g), calls, 'state'),
      close: () => state.close(),
    } satisfies StateStore,
    discord: { forGuild: (g: string) => counting(discord.forGuild(g), calls, 'discord') } satisfies DiscordPort,
    scheduler: counting(scheduler, calls, 'scheduler'),
  };
}

interface Setup {
  engine: Engine;
  clock: VirtualClock;
  scheduler: InProcessScheduler;
  probe: Probe;
}

// One registry for every run (compiling a registry's document schema is the slow part of `load`); its probe is reset.
const probe: Probe = { factCalls: {}, actions: [], flakyFailures: 0 };
const registry = createRegistry([coreModule, testModule(probe)]);

async function setup(opts: { state?: StateStore; calls?: string[]; emitDepth?: number } = {}): Promise<Setup> {
  probe.factCalls = {};
  probe.actions.length = 0;
  probe.flakyFailures = 0;
  const clock = new VirtualClock(1_700_000_000_000);
  const state = opts.state ?? new InMemoryStateStore({ clock });
  const scheduler = new InProcessScheduler({ store: new InMemoryTimerStore(), clock, virtual: true });
  const discord = new RecordingDiscord({}, clock);
  const ports = opts.calls ? countingPorts(state, discord, scheduler, opts.calls) : { state, discord, scheduler };
  const engine = new Engine({
    registry,
    ...ports,
    clock,
    sleep: () => Promise.resolve(),
    ...(opts.emitDepth === undefined ? {} : { limits: { emitDepth: opts.emitDepth } }),
  });
  await scheduler.start((t) => engine.handleTimer(t));
  return { engine, clock, scheduler, probe };
}

function mustLoad(engine: Engine, rules: Rule[], guild = 'g1'): void {
  const r = engine.load(ruleSet(rules, guild), { tier: 'premium' });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
}

let seq = 0;
const event = (e: {
  user: string;
  channel: string;
  content?: string;
  id?: string | undefined;
  guild?: string;
  type?: string;
}): RuleEvent => ({
  id: e.id ?? `p${++seq}`,
  guildId: e.guild ?? 'g1',
  type: e.type ?? 'message.create',
  at: 0,
  payload: {
    messageId: `m${seq}`,
    userId: e.user,
    channelId: e.channel,
    content: e.content ?? 'x',
    author: { id: e.user, bot: false },
    member: { roles: [] },
  },
});

const userArb = fc.constantFrom('u1', 'u2', 'u3');
const channelArb = fc.constantFrom('c1', 'c2');
/** Batches of simultaneous events, each batch followed by a clock step. */
const batchesArb = fc.array(
  fc.record({
    events: fc.array(fc.record({ user: userArb, channel: channelArb }), { minLength: 1, maxLength: 8 }),
    stepMs: fc.integer({ min: 0, max: 40_000 }),
  }),
  { minLength: 1, maxLength: 8 },
);
const perArb = fc.constantFrom('user' as const, 'channel' as const, 'guild' as const);

const keyOf = (per: 'user' | 'channel' | 'guild', s: RunSummary, payloads: Map<string, RuleEvent>): string => {
  const p = payloads.get(s.eventId)?.payload;
  return per === 'guild' ? 'guild' : String(per === 'user' ? p?.userId : p?.channelId);
};

async function runBatches(s: Setup, batches: { events: { user: string; channel: string }[]; stepMs: number }[]) {
  const fired: { key: RunSummary; at: number }[] = [];
  const payloads = new Map<string, RuleEvent>();
  for (const batch of batches) {
    const events = batch.events.map((e) => event(e));
    for (const e of events) payloads.set(e.id, e);
    const at = s.clock.now();
    const results = await Promise.all(events.map((e) => s.engine.dispatch(e)));
    for (const r of results.flat()) if (r.outcome === 'fired') fired.push({ key: r, at });
    s.clock.advance(batch.stepMs);
  }
  return { fired, payloads };
}

describe('property: limits are never exceeded under concurrent events', () => {
  it('cooldown: two fires of one key are at least a window apart (in-process state, virtual clock)', async () => {
    await fc.assert(
      fc.asyncProperty(perArb, fc.integer({ min: 1, max: 60 }), batchesArb, async (per, windowS, batches) => {
        const s = await setup();
        mustLoad(s.engine, [
          {
            id: 'cd',
            on: 'message.create',
            limits: { cooldown: { per, window: `${windowS}s` } },
            then: [{ 'log.trace': { message: 'x' } }],
          },
        ]);
        const { fired, payloads } = await runBatches(s, batches);
        const last = new Map<string, number>();
        for (const f of fired) {
          const k = keyOf(per, f.key, payloads);
          const prev = last.get(k);
          if (prev !== undefined) expect(f.at - prev).toBeGreaterThanOrEqual(windowS * 1000);
          last.set(k, f.at);
        }
        expect(fired.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it('rate: never more than max fires of one key in any window (in-process state, virtual clock)', async () => {
    await fc.assert(
      fc.asyncProperty(
        perArb,
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 60 }),
        batchesArb,
        async (per, max, windowS, batches) => {
          const s = await setup();
          mustLoad(s.engine, [
            {
              id: 'rt',
              on: 'message.create',
              limits: { rate: { per, max, window: `${windowS}s` } },
              then: [{ 'log.trace': { message: 'x' } }],
            },
          ]);
          const { fired, payloads } = await runBatches(s, batches);
          const byKey = new Map<string, number[]>();
          for (const f of fired) {
            const k = keyOf(per, f.key, payloads);
            byKey.set(k, [...(byKey.get(k) ?? []), f.at]);
          }
          for (const times of byKey.values()) {
            for (const t of times)
              expect(times.filter((u) => u > t - windowS * 1000 && u <= t).length).toBeLessThanOrEqual(max);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  describe('on the real Redis', () => {
    let redis: Redis | null = null;
    const prefix = randomId('rcrt');
    beforeAll(async () => {
      redis = await connectTestRedis();
    });
    afterAll(async () => {
      if (redis) {
        await deleteKeysWithPrefix(redis, prefix);
        redis.disconnect();
      }
    });

    it('cooldown and rate hold when many events of one key arrive at once', async (ctx) => {
      if (!redis) return ctx.skip();
      const r = redis;
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 5 }),
          fc.array(fc.record({ user: userArb, channel: channelArb }), { minLength: 1, maxLength: 40 }),
          async (max, evs) => {
            const s = await setup({ state: new RedisStateStore(r, { prefix: `${prefix}:${++run}` }) });
            mustLoad(s.engine, [
              {
                id: 'cd',
                on: 'message.create',
                limits: { cooldown: { per: 'user', window: '1h' } },
                then: [{ 'log.trace': { message: 'cd' } }],
              },
              {
                id: 'rt',
                on: 'message.create',
                limits: { rate: { per: 'channel', max, window: '1h' } },
                then: [{ 'log.trace': { message: 'rt' } }],
              },
            ]);
            const events = evs.map((e) => event(e));
            const runs = (await Promise.all(events.map((e) => s.engine.dispatch(e)))).flat();
            const users = new Set(evs.map((e) => e.user));
            const channels = new Map<string, number>();
            for (const e of evs) channels.set(e.channel, (channels.get(e.channel) ?? 0) + 1);
            const cdFired = runs.filter((x) => x.ruleId === 'cd' && x.outcome === 'fired');
            expect(cdFired.length).toBe(users.size);
            const byChannel = new Map<string, number>();
            for (const x of runs.filter((y) => y.ruleId === 'rt' && y.outcome === 'fired')) {
              const ch = String(events.find((e) => e.id === x.eventId)?.payload.channelId);
              byChannel.set(ch, (byChannel.get(ch) ?? 0) + 1);
            }
            for (const [ch, n] of channels) expect(byChannel.get(ch) ?? 0).toBe(Math.min(n, max));
          },
        ),
        { numRuns: 50 },
      );
    });

    it('two engines (two processes) sharing Redis: a redelivered id acts once, a cooldown holds across them', async (ctx) => {
      if (!redis) return ctx.skip();
      const r = redis;
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.constantFrom('e1', 'e2', 'e3', 'e4'), fc.constantFrom(0, 1), userArb), {
            minLength: 1,
            maxLength: 24,
          }),
          async (deliveries) => {
            const shared = `${prefix}:pair:${++run}`;
            const engines = [
              await setup({ state: new RedisStateStore(r, { prefix: shared }) }),
              await setup({ state: new RedisStateStore(r, { prefix: shared }) }),
            ];
            const acted: string[] = [];
            for (const s of engines) {
              mustLoad(s.engine, [
                { id: 'act', on: 'message.create', then: [{ 'log.trace': { message: 'x' } }] },
                {
                  id: 'cd',
                  on: 'message.create',
                  limits: { cooldown: { per: 'user', window: '1h' } },
                  then: [{ 'log.trace': { message: 'x' } }],
                },
              ]);
              s.engine.onRun((x) => {
                if (x.outcome === 'fired') acted.push(`${x.ruleId}:${x.eventId}`);
              });
            }
            // The same id always carries the same user (it is the same event).
            const userOf = new Map<string, string>();
            for (const [id, , user] of deliveries) if (!userOf.has(id)) userOf.set(id, user);
            await Promise.all(
              deliveries.map(([id, which]) =>
                engines[which]!.engine.dispatch(event({ id, user: userOf.get(id)!, channel: 'c1' })),
              ),
            );
            const distinct = [...userOf.keys()];
            expect(acted.filter((a) => a.startsWith('act:')).sort()).toEqual(distinct.map((d) => `act:${d}`).sort());
            expect(acted.filter((a) => a.startsWith('cd:')).length).toBe(new Set(userOf.values()).size);
          },
        ),
        { numRuns: 40 },
      );
    });
  });
});

const stepArb = fc.constantFrom<Rule['then'][number]>(
  { 'message.delete': {} },
  { 'member.warn': { user: '{{ user.id }}', reason: '{{ guild.name }} {{ member.displayName }}' } },
  { wait: '1m' },
  { 'event.emit': { type: 'custom.ping', payload: { userId: '{{ user.id }}' } } },
  { 'state.set': { key: 'k', value: '{{ event.content }}' } },
  { 'state.incr': { key: 'n' } },
  { 'custom.schedule': { id: 'r', in: 1000 } },
  { 'log.trace': { message: 'n' } },
);
const shadowRuleArb = fc.record({
  on: fc.constantFrom('message.create', 'custom.ping'),
  cond: fc.option(
    fc.record({ fact: fc.constantFrom('message.length', 'event.content'), value: fc.constantFrom(0, 1, 'x') }),
    { nil: undefined },
  ),
  then: fc.array(stepArb, { minLength: 1, maxLength: 5 }),
  cooldown: fc.boolean(),
  rate: fc.boolean(),
  concurrency: fc.constantFrom('parallel', 'drop', 'queue', 'restart'),
});

describe('property: shadow mode performs zero port calls', () => {
  it('no state, Discord or scheduler call for any shadow rule set and events (and repeated event ids)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(shadowRuleArb, { minLength: 1, maxLength: 4 }),
        fc.array(
          fc.record({
            user: userArb,
            channel: channelArb,
            content: fc.constantFrom('x', 'HELLO', ''),
            id: fc.constantFrom('a', 'b', 'c', undefined),
          }),
          { minLength: 1, maxLength: 10 },
        ),
        async (rules, evs) => {
          const calls: string[] = [];
          const s = await setup({ calls });
          mustLoad(
            s.engine,
            rules.map((r, i) => ({
              id: `r${i}`,
              on: r.on,
              mode: 'shadow',
              ...(r.cond
                ? {
                    if: {
                      fact: r.cond.fact,
                      operator: typeof r.cond.value === 'number' ? 'greaterThan' : 'equal',
                      value: r.cond.value,
                    },
                  }
                : {}),
              ...(r.cooldown || r.rate
                ? {
                    limits: {
                      ...(r.cooldown ? { cooldown: { per: 'user' as const, window: '1m' } } : {}),
                      ...(r.rate ? { rate: { per: 'guild' as const, max: 1, window: '1m' } } : {}),
                    },
                  }
                : {}),
              concurrency: r.concurrency as 'parallel',
              then: r.then,
            })),
          );
          const runs = (
            await Promise.all(evs.map((e) => s.engine.dispatch(event({ ...e, ...(e.id ? { id: e.id } : {}) }))))
          ).flat();
          await s.scheduler.advance(3_600_000);
          expect(calls).toEqual([]);
          expect(s.probe.actions).toEqual([]);
          for (const r of runs) {
            expect(['shadow', 'condition-false', 'filtered']).toContain(r.outcome);
            if (r.outcome === 'shadow') expect(r.actions.every((a) => a.status === 'would-run')).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the counting proxies do count (the same rules in enforce mode make calls)', async () => {
    const calls: string[] = [];
    const s = await setup({ calls });
    mustLoad(s.engine, [
      {
        id: 'e',
        on: 'message.create',
        limits: { cooldown: { per: 'user', window: '1m' } },
        then: [{ 'message.delete': {} }, { wait: '1m' }],
      },
    ]);
    await s.engine.dispatch(event({ user: 'u1', channel: 'c1' }));
    expect(calls).toEqual(expect.arrayContaining(['state.setIfAbsent', 'discord.deleteMessage', 'scheduler.schedule']));
  });
});

describe('property: a redelivered event id acts once', () => {
  let redis: Redis | null = null;
  const prefix = randomId('rcredeliver');
  beforeAll(async () => {
    redis = await connectTestRedis();
  });
  afterAll(async () => {
    if (redis) {
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
    }
  });

  // In process, the marker is written before any rule; on Redis it travels with the event's first state operation (a
  // `state.number` fact read by a quiet rule, or a `state.incr` action), or alone before the first run acts.
  const stores: { name: string; numRuns: number; store: (run: number) => StateStore | null }[] = [
    { name: 'in-process state', numRuns: 200, store: () => new InMemoryStateStore() },
    {
      name: 'RedisStateStore',
      numRuns: 100,
      store: (run) => (redis ? new RedisStateStore(redis, { prefix: `${prefix}:${run}` }) : null),
    },
  ];
  for (const kind of stores) {
    it(`each distinct id acts exactly once, whatever the redeliveries and their concurrency (${kind.name})`, async (ctx) => {
      if (kind.name !== 'in-process state' && !redis) return ctx.skip();
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5'), { minLength: 1, maxLength: 6 }), {
            minLength: 1,
            maxLength: 5,
          }),
          fc.boolean(),
          async (batches, readsState) => {
            const store = kind.store(++run);
            if (!store) return;
            const s = await setup({ state: store });
            mustLoad(s.engine, [
              ...(readsState
                ? [
                    {
                      id: 'reads',
                      on: 'message.create',
                      if: { fact: 'state.number', params: { key: 'never' }, operator: 'greaterThan', value: 0 },
                      then: [{ 'member.warn': { user: 'never' } }],
                    } satisfies Rule,
                    { id: 'count', on: 'message.create', then: [{ 'state.incr': { key: 'n' } }] } satisfies Rule,
                  ]
                : []),
              { id: 'act', on: 'message.create', then: [{ 'member.warn': { user: '{{ event.tag }}' } }] },
              {
                id: 'emit',
                on: 'message.create',
                then: [{ 'event.emit': { type: 'custom.ping', payload: { tag: '{{ event.tag }}' } } }],
              },
              { id: 'child', on: 'custom.ping', then: [{ 'member.warn': { user: 'child-{{ event.tag }}' } }] },
            ]);
            const runs: RunSummary[] = [];
            s.engine.onRun((r) => runs.push(r));
            for (const batch of batches) {
              await Promise.all(
                batch.map((id) =>
                  s.engine.dispatch({
                    ...event({ user: 'u1', channel: 'c1', id }),
                    payload: { userId: 'u1', channelId: 'c1', tag: id },
                  }),
                ),
              );
            }
            const distinct = new Set(batches.flat());
            const warned = s.probe.actions.map((a) => a.params.user);
            expect(warned.filter((u) => !String(u).startsWith('child-')).sort()).toEqual([...distinct].sort());
            expect(warned.filter((u) => String(u).startsWith('child-')).sort()).toEqual(
              [...distinct].map((d) => `child-${d}`).sort(),
            );
            // No redelivered copy left an error run, and state counted each event once.
            expect(runs.filter((r) => r.outcome === 'error')).toEqual([]);
            if (readsState) {
              const n = await store.forGuild('g1').get('vars', 'n');
              expect(Number(n)).toBe(distinct.size);
            }
          },
        ),
        { numRuns: kind.numRuns },
      );
    });
  }
});

describe('property: traces are isolated per guild', () => {
  it("a guild's handle (list, get, stream) never reaches another guild's traces", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ guild: fc.constantFrom('g1', 'g2', 'g3'), user: userArb, content: fc.constantFrom('a', 'bb') }),
          { minLength: 1, maxLength: 30 },
        ),
        async (evs) => {
          const s = await setup();
          const guilds = ['g1', 'g2', 'g3'];
          const rules: Rule[] = [
            {
              id: 'long',
              on: 'message.create',
              if: { fact: 'message.length', operator: 'greaterThan', value: 1 },
              then: [{ 'log.trace': { message: 'long' } }],
            },
            { id: 'any', on: 'message.create', then: [{ 'log.trace': { message: 'any' } }] },
          ];
          for (const g of guilds) mustLoad(s.engine, rules, g);
          const streamed = new Map<string, Trace[]>(guilds.map((g) => [g, []]));
          for (const g of guilds) s.engine.traces.forGuild(g).subscribe((t) => streamed.get(g)?.push(t));
          // Every run, quiet ones included (condition-false runs leave traces too).
          const runs: RunSummary[] = [];
          const stop = s.engine.onRun((r) => runs.push(r));
          await Promise.all(evs.map((e) => s.engine.dispatch(event({ ...e, channel: 'c1' }))));
          stop();
          const allIds = new Map(runs.filter((r) => r.traceId).map((r) => [r.traceId as string, r.guildId]));
          for (const g of guilds) {
            const handle = s.engine.traces.forGuild(g);
            const listed = await handle.list({ limit: 10_000 });
            expect(listed.every((t) => t.guildId === g)).toBe(true);
            expect(listed.length).toBe(runs.filter((r) => r.guildId === g).length);
            expect(streamed.get(g)?.every((t) => t.guildId === g)).toBe(true);
            expect(streamed.get(g)?.length).toBe(listed.length);
            for (const [id, owner] of allIds) {
              const got = await handle.get(id);
              if (owner === g) expect(got?.id).toBe(id);
              else expect(got).toBeUndefined();
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('property: emitted-event loops stop at the depth limit', () => {
  it('a ping-pong between rules runs exactly limit+1 times and ends with RC_EMIT_DEPTH', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 12 }), fc.boolean(), async (limit, selfLoop) => {
        const s = await setup({ emitDepth: limit });
        mustLoad(
          s.engine,
          selfLoop
            ? [{ id: 'self', on: 'custom.ping', then: [{ 'event.emit': { type: 'custom.ping', payload: {} } }] }]
            : [
                { id: 'ping', on: 'custom.ping', then: [{ 'event.emit': { type: 'custom.reminder', payload: {} } }] },
                { id: 'pong', on: 'custom.reminder', then: [{ 'event.emit': { type: 'custom.ping', payload: {} } }] },
              ],
        );
        const runs = await s.engine.dispatch({
          id: `loop-${++seq}`,
          guildId: 'g1',
          type: 'custom.ping',
          at: 0,
          payload: {},
        });
        expect(runs.length).toBe(limit + 1);
        expect(Math.max(...runs.map((r) => r.depth))).toBe(limit);
        expect(runs.slice(0, -1).every((r) => r.outcome === 'fired')).toBe(true);
        expect(runs.at(-1)?.outcome).toBe('error');
        expect(runs.at(-1)?.error?.code).toBe('RC_EMIT_DEPTH');
      }),
      { numRuns: 100 },
    );
  });
});

describe('property: concurrency keeps at most one run per key in flight', () => {
  it('drop and queue never overlap runs of one user; queue completes every run; restart always completes the latest', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('drop' as const, 'queue' as const, 'restart' as const),
        fc.array(fc.record({ user: userArb, gap: fc.integer({ min: 0, max: 90_000 }) }), {
          minLength: 1,
          maxLength: 12,
        }),
        async (mode, evs) => {
          const s = await setup();
          mustLoad(s.engine, [
            {
              id: 'c',
              on: 'message.create',
              concurrency: { mode, per: 'user' },
              then: [{ 'log.trace': { message: 'start' } }, { wait: '1m' }, { 'log.trace': { message: 'end' } }],
            },
          ]);
          const starts = new Map<string, { user: string; at: number }>();
          const ends = new Map<string, number>();
          const userOfRun = new Map<string, string>();
          s.engine.onRun((r) => {
            if (r.outcome !== 'fired') return;
            if (r.parked) starts.set(r.runId, { user: userOfRun.get(r.runId) ?? '?', at: s.clock.now() });
            else ends.set(r.runId, s.clock.now());
          });
          for (const e of evs) {
            const ev = event({ user: e.user, channel: 'c1' });
            userOfRun.set(`${ev.id}|c`, e.user);
            await s.engine.dispatch(ev);
            await s.scheduler.advance(e.gap);
          }
          await s.scheduler.advance(60_000 * (evs.length + 1));
          if (mode !== 'restart') {
            for (const user of new Set(evs.map((e) => e.user))) {
              const spans = [...starts]
                .filter(([, v]) => v.user === user)
                .map(([runId, v]) => [v.at, ends.get(runId) ?? Infinity] as const)
                .sort((a, b) => a[0] - b[0]);
              for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
            }
            // Every started run ends; with queue, every event's run starts.
            expect(ends.size).toBe(starts.size);
            if (mode === 'queue') expect(starts.size).toBe(evs.length);
          } else {
            // The latest run of each user always completes; a replaced run never does.
            for (const user of new Set(evs.map((e) => e.user))) {
              const mine = [...starts].filter(([, v]) => v.user === user).sort((a, b) => a[1].at - b[1].at);
              expect(ends.has(mine.at(-1)![0])).toBe(true);
            }
            expect(starts.size).toBe(evs.length);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
