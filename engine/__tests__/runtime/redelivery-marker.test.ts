/**
 * The redelivery marker on a remote store (real Redis): it travels with the event's first state operation
 * (`setIfAbsentThen`), so a typical event costs one round trip; a redelivered copy neither acts, nor counts twice, nor
 * leaves an error run.
 */
import type { Command, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Engine,
  InMemoryTimerStore,
  InProcessScheduler,
  RedisStateStore,
  VirtualClock,
  coreModule,
  defineFact,
  defineModule,
  type FactContext,
} from '../../src/index.js';
import { createRegistry } from '../../src/runtime/deps.js';
import type { RuleEvent, RunSummary } from '../../src/index.js';
import { ENGINE_STATE } from '../../src/runtime/run.js';
import { MarkedState, Redelivered } from '../../src/runtime/marker.js';
import { connectTestRedis, deleteKeysWithPrefix } from '../../src/testing/redis.js';
import { randomId } from '../../src/testing/util.js';
import { automodBenchModule, guildDocument, noDiscord } from '../../bench/automod.js';
import { makeEvents } from '../../bench/events.js';
import { GUILD, harness, load, message } from './fixtures.js';

const RATE = 'test.rate';
const WINDOW = 60_000;
/** A state-backed fact: records this message in a per-user sliding window (its first state operation is a `hit`). */
const rateModule = defineModule({
  id: 'ratetest',
  version: '1.0.0',
  name: 'Rate (test)',
  description: 'A sliding-window fact on the StateStore.',
  areas: ['spam'],
  facts: [
    defineFact({
      name: 'spam.userRate',
      description: 'Messages of the user in the last minute (records this one).',
      schema: { type: 'integer' },
      cost: 'io',
      resolve: (ctx) => ctx.state.hit(RATE, String(ctx.event.payload.userId), WINDOW, ctx.event.at),
    }),
  ],
});

/**
 * The commands a connection sends, by name, first key and reply (`sendCommand` is the one door of ioredis, and of
 * `RedisStateStore`). `SCAN` (of `keys()`, and of cleanup) is not counted.
 */
/**
 * Records the commands sent on `redis`. An `EVAL` is the store sending a script again after `NOSCRIPT` (another test
 * file may run `SCRIPT FLUSH` on the shared Redis meanwhile): it replaces the `EVALSHA` it retries, which Redis refused,
 * and is recorded as that `EVALSHA`.
 */
function recording(redis: Redis): { log: { name: string; args: string[] }[] } {
  const rec = { log: [] as { name: string; args: string[] }[] };
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command: Command, stream?: unknown) => {
    const args = command.args.map(String);
    if (command.name === 'eval' && rec.log.at(-1)?.name === 'evalsha') rec.log.pop();
    if (command.name !== 'scan')
      rec.log.push(
        command.name === 'eval' ? { name: 'evalsha', args: ['(sha)', ...args.slice(1)] } : { name: command.name, args },
      );
    return send(command, stream as never);
  }) as Redis['sendCommand'];
  return rec;
}

let redis: Redis | null = null;
let rec: { log: { name: string; args: string[] }[] } = { log: [] };
const prefix = randomId('rcmark');
let n = 0;
/** A key prefix of its own for each test (all deleted after the file). */
const nextPrefix = () => `${prefix}:${++n}`;

beforeAll(async () => {
  // A connection of this file's own: its commands are counted.
  redis = await connectTestRedis();
  if (redis) rec = recording(redis);
});
afterAll(async () => {
  if (redis) {
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  }
});

describe('the redelivery marker rides with the first state operation (RedisStateStore)', () => {
  it('a typical bench event (automod rules; first state fact spam.messageRate, a hit) costs ONE Redis command', async (ctx) => {
    if (!redis) return ctx.skip();
    const keyPrefix = nextPrefix();
    const { worlds, events } = makeEvents(400, 1);
    // Event time, as the bench's clock: the sliding windows see the time of the event being dispatched.
    const clock = new VirtualClock(events[0]?.at ?? 0);
    const engine = new Engine({
      registry: createRegistry([coreModule, automodBenchModule]),
      state: new RedisStateStore(redis, { prefix: keyPrefix }),
      scheduler: new InProcessScheduler({ store: new InMemoryTimerStore(), clock, virtual: true }),
      discord: noDiscord(),
      clock,
    });
    const loaded = engine.load(guildDocument(worlds[0]!, 0), { tier: 'premium' });
    expect(loaded.ok).toBe(true);
    // The first event loads the scripts into Redis if they were not (EVALSHA, NOSCRIPT, EVAL).
    const warm = events[0] as RuleEvent;
    await engine.dispatch({ ...warm, id: 'warm' });
    const perEvent: { commands: { name: string; args: string[] }[]; summaries: readonly RunSummary[] }[] = [];
    for (const e of events.slice(1) as RuleEvent[]) {
      clock.set(e.at);
      rec.log.length = 0;
      const summaries = await engine.dispatch(e);
      perEvent.push({ commands: [...rec.log], summaries });
    }
    const quiet = perEvent.filter((x) => x.summaries.length === 0);
    const marksAndHits = (c: { name: string; args: string[] } | undefined) =>
      c?.name === 'evalsha' && c.args[2]?.includes(`:${ENGINE_STATE.seen}:`) && c.args[3]?.includes(':automod.rate:');
    // The typical event: no rule fires, and its one command is the marker with the rate window's hit.
    const typical = quiet.filter((x) => x.commands.length === 1 && marksAndHits(x.commands[0]));
    expect(typical.length).toBeGreaterThan(perEvent.length * 0.7);
    // Every quiet event made at most that one command (none when no rule reached the rate fact).
    for (const x of quiet) expect(x.commands.length === 0 || typical.includes(x)).toBe(true);
    // An event where a rule fires before any state operation writes a plain marker first, then its hit: still no more
    // than two, and the marker always leaves first.
    for (const x of perEvent) {
      expect(x.commands.length).toBeLessThanOrEqual(2);
      const first = x.commands[0];
      if (first !== undefined && !marksAndHits(first)) {
        expect(first.name).toBe('set');
        expect(first.args[0]).toContain(`:${ENGINE_STATE.seen}:`);
      }
    }
    await deleteKeysWithPrefix(redis, keyPrefix);
  });

  it('an event that fires without reading state writes exactly one marker (and its redelivery acts not)', async (ctx) => {
    if (!redis) return ctx.skip();
    const keyPrefix = nextPrefix();
    const h = await harness({ state: new RedisStateStore(redis, { prefix: keyPrefix }) });
    load(h, [{ id: 'fire', on: 'message.create', then: [{ 'member.warn': { user: 'u' } }] }]);
    const e = message('hello');
    rec.log.length = 0;
    const first = await h.engine.dispatch(e);
    expect(first.map((s) => s.outcome)).toEqual(['fired']);
    expect(rec.log.map((c) => c.name)).toEqual(['set']);
    expect(rec.log[0]?.args[0]).toContain(`:${ENGINE_STATE.seen}:`);
    expect(rec.log[0]?.args).toContain('NX');
    rec.log.length = 0;
    expect(await h.engine.dispatch(e)).toEqual([]);
    expect(rec.log.map((c) => c.name)).toEqual(['set']);
    expect(h.probe.actions).toHaveLength(1);
    await deleteKeysWithPrefix(redis, keyPrefix);
  });

  it('an event whose runs are all quiet and read no state writes no marker', async (ctx) => {
    if (!redis) return ctx.skip();
    const keyPrefix = nextPrefix();
    const store = new RedisStateStore(redis, { prefix: keyPrefix });
    const h = await harness({ state: store });
    load(h, [
      {
        id: 'caps',
        on: 'message.create',
        if: { fact: 'event.content', operator: 'equal', value: 'STOP' },
        then: [{ 'member.warn': { user: 'u' } }],
      },
    ]);
    const e = message('calm');
    rec.log.length = 0;
    expect(await h.engine.dispatch(e)).toEqual([]);
    expect(rec.log).toEqual([]);
    expect(await store.forGuild(GUILD).keys(ENGINE_STATE.seen)).toEqual([]);
    // Nothing acted, so a later copy may act once (here it is as quiet).
    expect(await h.engine.dispatch(e)).toEqual([]);
    expect(h.probe.actions).toEqual([]);
    await deleteKeysWithPrefix(redis, keyPrefix);
  });

  it("once its rules are done, the event's facts (what its kept traces hold) keep the guild's state handle, not the marked one", async (ctx) => {
    if (!redis) return ctx.skip();
    const keyPrefix = nextPrefix();
    const seen: FactContext[] = [];
    const states: unknown[] = [];
    const capture = defineModule({
      id: 'capture',
      version: '1.0.0',
      name: 'Capture (test)',
      description: 'A state fact that keeps its context.',
      areas: ['spam'],
      facts: [
        defineFact({
          name: 'spam.seen',
          description: 'Records this message; keeps the context it was given.',
          schema: { type: 'integer' },
          cost: 'io',
          resolve: (c) => {
            seen.push(c);
            states.push(c.state);
            return c.state.hit(RATE, 'u', WINDOW, c.event.at);
          },
        }),
      ],
    });
    const h = await harness({ state: new RedisStateStore(redis, { prefix: keyPrefix }), modules: [capture] });
    load(h, [
      {
        id: 'counted',
        on: 'message.create',
        if: { fact: 'spam.seen', operator: 'greaterThan', value: 0 },
        then: [{ 'member.warn': { user: 'u' } }],
      },
    ]);
    const first = await h.engine.dispatch(message('one'));
    expect(first.map((s) => s.outcome)).toEqual(['fired']);
    // While the event ran, its state handle was its own: the marker rode with its first operation.
    expect(states[0]).toBeInstanceOf(MarkedState);
    // Done: the same facts now answer with the guild's handle, which is not the event's.
    const after = seen[0]!.state;
    expect(after).not.toBeInstanceOf(MarkedState);
    expect(after.guildId).toBe(GUILD);
    // Every event's facts end on that one handle, and its kept trace still reads what the event saw.
    await h.engine.dispatch(message('two'));
    expect(seen[1]!.state).toBe(after);
    const [trace] = await h.engine.traces.forGuild(GUILD).list({ outcome: 'fired', limit: 1 });
    expect(trace?.facts.find((f) => f.name === 'spam.seen')?.value).toBe(2);
    await deleteKeysWithPrefix(redis, keyPrefix);
  });

  it('a redelivered copy of an event whose first operation is a hit does not record the hit twice', async (ctx) => {
    if (!redis) return ctx.skip();
    const keyPrefix = nextPrefix();
    const store = new RedisStateStore(redis, { prefix: keyPrefix });
    const h = await harness({ state: store, modules: [rateModule] });
    load(h, [
      {
        id: 'flood',
        on: 'message.create',
        if: { fact: 'spam.userRate', operator: 'greaterThan', value: 5 },
        then: [{ 'member.warn': { user: 'u' } }],
      },
    ]);
    const e = message('hi');
    const now = e.at;
    rec.log.length = 0;
    expect(await h.engine.dispatch(e)).toEqual([]);
    // One command: the marker and the hit in one script.
    expect(rec.log.map((c) => c.name)).toEqual(['evalsha']);
    expect(await h.engine.dispatch(e)).toEqual([]);
    // Concurrent copies too.
    expect((await Promise.all([1, 2, 3, 4].map(() => h.engine.dispatch(e)))).flat()).toEqual([]);
    expect(await store.forGuild(GUILD).count(RATE, 'u1', WINDOW, now)).toBe(1);
    // A new event counts.
    await h.engine.dispatch(message('again'));
    expect(await store.forGuild(GUILD).count(RATE, 'u1', WINDOW, now)).toBe(2);
    await deleteKeysWithPrefix(redis, keyPrefix);
  });

  it('concurrent copies of an event that fires on a state fact: one acts, the hit counts once', async (ctx) => {
    if (!redis) return ctx.skip();
    const keyPrefix = nextPrefix();
    const store = new RedisStateStore(redis, { prefix: keyPrefix });
    const h = await harness({ state: store, modules: [rateModule] });
    load(h, [
      {
        id: 'any',
        on: 'message.create',
        if: { fact: 'spam.userRate', operator: 'greaterThan', value: 0 },
        then: [{ 'member.warn': { user: 'u' } }],
      },
    ]);
    const e = message('hi');
    const runs = (await Promise.all([1, 2, 3, 4, 5].map(() => h.engine.dispatch(e)))).flat();
    expect(runs.map((r) => r.outcome)).toEqual(['fired']);
    expect(h.probe.actions).toHaveLength(1);
    expect(await store.forGuild(GUILD).count(RATE, 'u1', WINDOW, e.at)).toBe(1);
    await deleteKeysWithPrefix(redis, keyPrefix);
  });

  it('a redelivered event whose condition read a state fact leaves no error run and no summary', async (ctx) => {
    if (!redis) return ctx.skip();
    const keyPrefix = nextPrefix();
    const h = await harness({ state: new RedisStateStore(redis, { prefix: keyPrefix }), modules: [rateModule] });
    load(h, [
      {
        id: 'quiet-first',
        on: 'message.create',
        if: { fact: 'event.content', operator: 'equal', value: 'never' },
        then: [{ 'member.warn': { user: 'never' } }],
      },
      {
        id: 'rate',
        on: 'message.create',
        if: { fact: 'spam.userRate', operator: 'greaterThan', value: 0 },
        then: [{ 'member.warn': { user: 'u' } }],
      },
    ]);
    const seen: RunSummary[] = [];
    h.engine.onRun((s) => seen.push(s));
    const e = message('hi');
    expect((await h.engine.dispatch(e)).map((s) => s.outcome)).toEqual(['fired']);
    seen.length = 0;
    expect(await h.engine.dispatch(e)).toEqual([]);
    // The redelivered copy: its state fact was not performed, and that is no error (nothing but the quiet run before).
    expect(seen.filter((s) => s.outcome !== 'condition-false')).toEqual([]);
    expect(await h.engine.traces.forGuild(GUILD).list({ outcome: 'error' })).toEqual([]);
    expect(h.probe.actions).toHaveLength(1);
    await deleteKeysWithPrefix(redis, keyPrefix);
  });
});

describe('MarkedState (RedisStateStore)', () => {
  it('sends the marker with the first operation, and every later one after its answer', async (ctx) => {
    if (!redis) return ctx.skip();
    const keyPrefix = nextPrefix();
    const inner = new RedisStateStore(redis, { prefix: keyPrefix }).forGuild(GUILD);
    const a = new MarkedState(inner as never, 'seen', 'e1', 60_000);
    expect('hitSync' in a || 'setIfAbsentSync' in a || 'setIfAbsentThen' in a).toBe(false);
    rec.log.length = 0;
    const [hits, value] = await Promise.all([a.hit('w', 'k', 1000, 5), a.get('f', 'x')]);
    expect([hits, value]).toEqual([1, null]);
    expect(rec.log.map((c) => c.name)).toEqual(['evalsha', 'get']);
    expect(await a.ensure()).toBe(true);
    // A second delivery of the same event: nothing is performed, every operation says so.
    const b = new MarkedState(inner as never, 'seen', 'e1', 60_000);
    await expect(b.hit('w', 'k', 1000, 6)).rejects.toBeInstanceOf(Redelivered);
    await expect(b.set('f', 'x', 'v')).rejects.toBeInstanceOf(Redelivered);
    await expect(b.keys('f')).rejects.toBeInstanceOf(Redelivered);
    expect(await b.ensure()).toBe(false);
    expect(b.redelivered).toBe(true);
    expect(await inner.count('w', 'k', 1000, 6)).toBe(1);
    expect(await inner.get('f', 'x')).toBeNull();
    await deleteKeysWithPrefix(redis, keyPrefix);
  });

  it('a first operation that fails in the store leaves no marker: the next one sends it again', async (ctx) => {
    if (!redis) return ctx.skip();
    const keyPrefix = nextPrefix();
    const inner = new RedisStateStore(redis, { prefix: keyPrefix }).forGuild(GUILD);
    await inner.hit('w', 'zset', 1000, 1); // a sorted set: INCRBY on it fails (WRONGTYPE)
    const a = new MarkedState(inner as never, 'seen', 'e2', 60_000);
    await expect(a.incr('w', 'zset')).rejects.toThrow(/WRONGTYPE/);
    expect(await inner.get('seen', 'e2')).toBeNull();
    expect(await a.incr('f', 'n')).toBe(1);
    expect(await inner.get('seen', 'e2')).toBe('1');
    expect(await a.ensure()).toBe(true);
    // Bad arguments reject before anything is written, too.
    const b = new MarkedState(inner as never, 'seen', 'e3', 60_000);
    await expect(b.hit('w', 'k', -1, 1)).rejects.toThrow();
    expect(await b.ensure()).toBe(true);
    await deleteKeysWithPrefix(redis, keyPrefix);
  });
});
