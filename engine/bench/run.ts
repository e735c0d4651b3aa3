/**
 * `npm run bench`: Rulecord against json-rules-engine on a realistic automod (docs/benchmarks.md).
 *
 *   (a) Rulecord end to end: Engine.dispatch (route, where, facts, conditions, limits, action planning and no-op
 *       actions, traces) on the in-process StateStore;
 *   (b) json-rules-engine run() with the same facts as dynamic facts (lazy, memoised by its almanac);
 *   (c) conditions alone: our compiled closures vs json-rules-engine run() over precomputed facts;
 *   then a Redis-backed run at a fixed offered load. Every pass of every engine starts from empty state, so every pass
 *   fires the same rules, and the two engines are checked against each other on every event.
 *
 * Options (env): BENCH_EVENTS (100000), BENCH_GUILDS (50), BENCH_REPS (5), BENCH_WARMUP (3 untimed passes of each
 * timed pass after the correctness passes; json-rules-engine's on BENCH_JRE_EVENTS / 5 events), BENCH_JRE_EVENTS (10000, timed passes only),
 * BENCH_JRE_JSONPATH (1: json-rules-engine as shipped; 0: our dotted-path resolver), BENCH_REDIS_URL (redis://127.0.0.1:6379), BENCH_REDIS_RATE (5000 events/s), BENCH_REDIS_SECONDS (4), BENCH_REDIS=0 to skip.
 * The last line printed is one JSON object.
 */
import type { Almanac } from 'json-rules-engine';
import { Engine as JreEngine, type Event as JreEvent } from 'json-rules-engine';
import {
  Engine,
  applyV8Settings,
  InMemoryStateStore,
  InMemoryTimerStore,
  InProcessScheduler,
  builtinOperators,
  ConditionSet,
  coreModule,
  getPath,
  type Clock,
  type ConditionProgram,
  type FactReader,
  type RuleEvent,
  type StateStore,
} from '../src/index.js';
import { createRegistry } from '../src/model/registry.js';
import { factCostOf } from '../src/runtime/compile-rules.js';
import {
  accountAgeDays,
  automodBenchModule,
  noDiscord,
  capsRatio,
  emojiCount,
  fullCondition,
  guildDocument,
  guildRules,
  hasInvite,
  linkDomains,
  mentionCount,
  messageRate,
  toJre,
  type MessagePayload,
} from './automod.js';
import { makeEvents } from './events.js';
import { LeanPipeline, type PlannedAction } from './lean.js';

// The V8 settings Rulecord's own processes run with (src/runtime/v8-settings.ts), for both engines of this process.
const V8_SETTINGS = applyV8Settings();

const env = (name: string, dflt: number) => (process.env[name] === undefined ? dflt : Number(process.env[name]));
const EVENTS = env('BENCH_EVENTS', 100_000);
const GUILDS = env('BENCH_GUILDS', 50);
const REPS = env('BENCH_REPS', 5);
/**
 * Untimed passes of each kind after the correctness passes, before the timed ones. One pass is not enough for the
 * JIT to settle: the conditions-alone pass, for one, ran at 110–150k events/s on its 1st–3rd pass and ≈ 200–230k from
 * the 4th on (same code, same data). json-rules-engine gets the same number of passes (on fewer events: its
 * correctness pass already ran it over every event).
 */
const WARMUP = env('BENCH_WARMUP', 3);
// json-rules-engine handles ~1–2k events/s here: its timed passes use the first BENCH_JRE_EVENTS events (its
// correctness pass still covers every event). Rates are per second, so the ratio is unaffected.
const JRE_EVENTS = Math.min(EVENTS, env('BENCH_JRE_EVENTS', 10_000));
const REDIS_RATE = env('BENCH_REDIS_RATE', 5_000);
/**
 * By default json-rules-engine runs as shipped: its default path resolver (JSONPath, jsonpath-plus) reading `$.a.b`
 * paths. BENCH_JRE_JSONPATH=0 hands it our dotted-path resolver (`pathResolver`) instead, which makes it faster than
 * as shipped (and the ratios smaller).
 */
const JRE_JSONPATH = process.env.BENCH_JRE_JSONPATH !== '0';

const log = (...args: unknown[]) => console.log(...args);
/**
 * CPU seconds (all threads of this process) of the last timed pass. On a shared machine, wall time also counts the
 * time other processes held the cores; CPU time does not, so the `…Cpu` ratios are the steadier ones there.
 */
let lastCpuSeconds = 0;
function cpuSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
function percentile(sorted: Float64Array | number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
}

const { worlds, events } = makeEvents(EVENTS, GUILDS);
const documents = worlds.map((w, i) => guildDocument(w, i));
const registry = createRegistry([coreModule, automodBenchModule]);

// ───────────────────────────── ports for the Engine ─────────────────────────────

/** The clock reads the time of the event being processed, so sliding windows see event time. */
let eventTime = events[0]?.at ?? 0;
const clock: Clock & { set(ms: number): void } = {
  now: () => eventTime,
  // Settable (for the scheduler's virtual mode); each pass replays event time from the start, so it may go back.
  set: (ms: number) => {
    eventTime = ms;
  },
};
/** Actions are no-ops in the bench module; nothing reaches Discord. */
const discord = noDiscord();

function rulecordEngine(state: StateStore): Engine {
  const scheduler = new InProcessScheduler({ store: new InMemoryTimerStore(), clock, virtual: true });
  const engine = new Engine({ registry, state, scheduler, discord, clock });
  for (const doc of documents) {
    const loaded = engine.load(doc, { tier: 'premium' });
    if (!loaded.ok) throw new Error(`bench rule set did not load: ${JSON.stringify(loaded.problems.slice(0, 3))}`);
  }
  return engine;
}

// ───────────────────────────── (a) Rulecord end to end ─────────────────────────────

async function rulecordPass(n: number, fired: string[] | null): Promise<{ seconds: number; latencies: Float64Array }> {
  const engine = rulecordEngine(new InMemoryStateStore({ clock }));
  const latencies = new Float64Array(n);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const e = events[i] as RuleEvent<MessagePayload>;
    eventTime = e.at;
    const s = performance.now();
    const summaries = await engine.dispatch(e as unknown as RuleEvent);
    latencies[i] = performance.now() - s;
    if (fired) {
      let ids = '';
      for (const r of summaries) if (r.outcome === 'fired') ids += `${r.ruleId} `;
      fired[i] = ids;
    }
  }
  lastCpuSeconds = cpuSince(c0);
  return { seconds: (performance.now() - t0) / 1000, latencies };
}

async function leanPass(n: number, fired: string[] | null): Promise<number> {
  const lean = new LeanPipeline(registry, new InMemoryStateStore({ clock }), clock, discord);
  worlds.forEach((w, gi) => lean.load(w.guildId, guildRules(w, gi)));
  const plan: PlannedAction[] = [];
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const e = events[i] as RuleEvent<MessagePayload>;
    eventTime = e.at;
    const ids = await lean.dispatch(e as unknown as RuleEvent, plan);
    if (plan.length > 1000) plan.length = 0;
    if (fired) fired[i] = ids;
  }
  lastCpuSeconds = cpuSince(c0);
  return (performance.now() - t0) / 1000;
}

// ───────────────────────────── (b) json-rules-engine end to end ─────────────────────────────

/** Our operators json-rules-engine lacks, registered with the same code (their `evaluate`, value caches included). */
const EXTRA_OPERATORS = [
  'containsAny',
  'containsAll',
  'containsNone',
  'hasRole',
  'containsAnyWord',
  'matches',
  'lengthGreaterThan',
  'containsText',
  'startsWith',
  'between',
];
const dotted = (value: object, path: string) => getPath(value, path);
/** json-rules-engine reports successes in completion order; ours come in document order. Compare in document order. */
const RULE_ORDER = new Map(guildRules(worlds[0]!, 0).map((r, i) => [r.id, i]));
function sortedIds(ok: JreEvent[]): string {
  return ok
    .map((x) => x.type)
    .sort((a, b) => (RULE_ORDER.get(a) ?? 0) - (RULE_ORDER.get(b) ?? 0))
    .map((id) => `${id} `)
    .join('');
}

function jreEngine(withFacts: boolean, state: StateStore | null): Map<string, JreEngine> {
  const engines = new Map<string, JreEngine>();
  worlds.forEach((w, gi) => {
    const engine = new JreEngine(
      [],
      JRE_JSONPATH ? { allowUndefinedFacts: true } : { allowUndefinedFacts: true, pathResolver: dotted },
    );
    for (const name of EXTRA_OPERATORS) {
      const op = builtinOperators.get(name)!;
      engine.addOperator(name, (a: unknown, b: unknown) => op.evaluate(a, b));
    }
    for (const rule of guildRules(w, gi)) {
      engine.addRule({
        name: rule.id,
        conditions: toJre(fullCondition(rule), JRE_JSONPATH) as never,
        event: { type: rule.id },
      });
    }
    if (withFacts && state) {
      const guild = state.forGuild(w.guildId);
      const payload = (almanac: Almanac) => almanac.factValue<MessagePayload>('event');
      engine.addFact('message.content', async (_p, a) => (await payload(a)).content);
      engine.addFact('message.length', async (_p, a) => (await payload(a)).content.length);
      engine.addFact('message.capsRatio', async (_p, a) => capsRatio((await payload(a)).content));
      engine.addFact('message.mentionCount', async (_p, a) => mentionCount(await payload(a)));
      engine.addFact('message.hasInvite', async (_p, a) => hasInvite((await payload(a)).content));
      engine.addFact('message.linkDomains', async (_p, a) => linkDomains((await payload(a)).content));
      engine.addFact('message.emojiCount', async (_p, a) => emojiCount((await payload(a)).content));
      engine.addFact('author.accountAgeDays', async (_p, a) =>
        accountAgeDays(await payload(a), await a.factValue<number>('at')),
      );
      engine.addFact('author.roles', async (_p, a) => (await payload(a)).member.roles);
      engine.addFact('spam.messageRate', async (params: { windowSec?: number }, a) =>
        messageRate(
          guild,
          (await payload(a)).author.id,
          Number(params.windowSec ?? 10),
          await a.factValue<number>('at'),
        ),
      );
    }
    engines.set(w.guildId, engine);
  });
  return engines;
}

async function jrePass(n: number, fired: string[] | null): Promise<number> {
  const engines = jreEngine(true, new InMemoryStateStore({ clock }));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const e = events[i] as RuleEvent<MessagePayload>;
    eventTime = e.at;
    const { events: ok } = await engines.get(e.guildId)!.run({ event: e.payload, at: e.at });
    if (fired) fired[i] = sortedIds(ok);
  }
  lastCpuSeconds = cpuSince(c0);
  return (performance.now() - t0) / 1000;
}

// ───────────────────────────── (c) conditions alone ─────────────────────────────

type FactRecord = Record<string, unknown>;
const EVENT_FACTS = [
  'event.author.bot',
  'event.channelId',
  'event.member.roles',
  'event.mentions.everyone',
  'event.attachments',
];

/** Every fact of every event, computed once (the rate from a fresh store, in event order, as both engines see it). */
async function precompute(n: number): Promise<FactRecord[]> {
  const state = new InMemoryStateStore({ clock });
  const out: FactRecord[] = [];
  for (let i = 0; i < n; i++) {
    const e = events[i] as RuleEvent<MessagePayload>;
    eventTime = e.at;
    const p = e.payload;
    const rec: FactRecord = {
      'message.content': p.content,
      'message.length': p.content.length,
      'message.capsRatio': capsRatio(p.content),
      'message.mentionCount': mentionCount(p),
      'message.hasInvite': hasInvite(p.content),
      'message.linkDomains': linkDomains(p.content),
      'message.emojiCount': emojiCount(p.content),
      'author.accountAgeDays': accountAgeDays(p, e.at),
      'author.roles': p.member.roles,
      'spam.messageRate': await messageRate(state.forGuild(e.guildId), p.author.id, 10, e.at),
    };
    for (const name of EVENT_FACTS) rec[name] = getPath(p, name.slice(6));
    out.push(rec);
  }
  return out;
}

/**
 * Each guild's 20 conditions compiled together, as the engine compiles a rule set (shared facts and leaves), and run
 * as the engine runs them: one program over the rules in order, which stops at each rule whose condition is true.
 */
const compiled = new Map<string, { set: ConditionSet; ids: string[]; program: ConditionProgram }>(
  worlds.map((w, gi) => {
    const set = new ConditionSet({ factCost: factCostOf(registry) });
    const rules = guildRules(w, gi);
    const program = set.program(rules.map((r) => ({ where: null, condition: set.compile(fullCondition(r)) })));
    set.prepare();
    return [w.guildId, { set, ids: rules.map((r) => r.id), program }];
  }),
);

const outcomes = new Uint8Array(64);
function conditionsPass(facts: FactRecord[], fired: string[] | null): number {
  let rec: FactRecord = {};
  const read: FactReader = (name) => rec[name];
  let count = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < facts.length; i++) {
    rec = facts[i] as FactRecord;
    const guild = compiled.get((events[i] as RuleEvent).guildId)!;
    const program = guild.program;
    // One memo per event, as Engine.dispatch takes and gives back: each fact read once, each shared leaf tested once.
    const memo = guild.set.memo();
    let ids = '';
    for (let k = program.run(read, read, memo, 0, outcomes); k < program.length;) {
      count++;
      if (fired) ids += `${guild.ids[k]!} `;
      k = program.run(read, read, memo, k + 1, outcomes);
    }
    guild.set.release(memo);
    if (fired) fired[i] = ids;
  }
  const seconds = (performance.now() - t0) / 1000;
  lastCpuSeconds = cpuSince(c0);
  if (count < 0) log(count); // keeps the loop's result alive
  return seconds;
}

async function jreConditionsPass(facts: FactRecord[], n: number, fired: string[] | null): Promise<number> {
  const engines = jreEngine(false, null);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const e = events[i] as RuleEvent<MessagePayload>;
    const { events: ok } = await engines.get(e.guildId)!.run({ ...(facts[i] as FactRecord), event: e.payload });
    if (fired) fired[i] = sortedIds(ok);
  }
  lastCpuSeconds = cpuSince(c0);
  return (performance.now() - t0) / 1000;
}

// ───────────────────────────── Redis at a fixed offered load ─────────────────────────────

// The Redis-backed run lives in redis.ts (also runnable alone: `npx tsx engine/bench/redis.ts`).
import { redisRun } from './redis.js';

// ───────────────────────────── main ─────────────────────────────

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY === 'redis') {
    // The Redis-backed run alone (e.g. to look at latency); its warm-up is its own first 2,000 events.
    log(`redis at ${REDIS_RATE} events/s offered (open loop):`, JSON.stringify(await redisRun(REDIS_RATE)));
    return;
  }
  log(
    `bench: ${EVENTS} events, ${GUILDS} guilds × ${documents[0]?.rules.length} rules, median of ${REPS} after warm-up (json-rules-engine on ${JRE_EVENTS} events); ` +
      `V8: ${V8_SETTINGS ? 'Rulecord settings (no allocation-site pretenuring)' : 'defaults (RULECORD_V8_DEFAULTS=1)'}`,
  );

  // Correctness first: one pass of each, every event compared.
  const rcFired: string[] = new Array(EVENTS);
  const jreFired: string[] = new Array(EVENTS);
  let t = performance.now();
  await rulecordPass(EVENTS, rcFired);
  log(`correctness pass, rulecord: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  await jrePass(EVENTS, jreFired);
  log(`correctness pass, json-rules-engine: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const leanFired: string[] = new Array(EVENTS);
  await leanPass(EVENTS, leanFired);
  const facts = await precompute(EVENTS);
  const condFired: string[] = new Array(EVENTS);
  conditionsPass(facts, condFired);
  const jreCondFired: string[] = new Array(JRE_EVENTS);
  await jreConditionsPass(facts, JRE_EVENTS, jreCondFired);
  let mismatches = 0;
  const firedCounts = new Map<string, number>();
  for (let i = 0; i < EVENTS; i++) {
    const a = rcFired[i];
    if (a !== condFired[i] || a !== leanFired[i]) mismatches++;
    if (a !== jreFired[i] || (i < JRE_EVENTS && a !== jreCondFired[i])) {
      if (mismatches < 5)
        log(
          `mismatch at event ${i}: rulecord [${a}] jre [${jreFired[i]}] jre-conditions [${jreCondFired[i]}] conditions [${condFired[i]}]`,
        );
      mismatches++;
    }
    for (const id of (a ?? '').split(' ')) if (id) firedCounts.set(id, (firedCounts.get(id) ?? 0) + 1);
  }
  log(`fired per rule over ${EVENTS} events:`, JSON.stringify(Object.fromEntries([...firedCounts].sort())));
  log(`mismatches: ${mismatches}`);

  // Warm-up: the correctness passes above, then BENCH_WARMUP untimed passes of each timed pass, in the same order.
  const jreWarm = Math.max(1, Math.floor(JRE_EVENTS / 5));
  for (let w = 0; w < WARMUP; w++) {
    await rulecordPass(EVENTS, null);
    await jrePass(jreWarm, null);
    conditionsPass(facts, null);
    await jreConditionsPass(facts, jreWarm, null);
    await leanPass(EVENTS, null);
  }
  log(`warm-up: ${WARMUP} more untimed passes of each (json-rules-engine on ${jreWarm} events)`);

  // Timed passes.
  const rc: number[] = [];
  const p99: number[] = [];
  const jre: number[] = [];
  const cond: number[] = [];
  const jreCond: number[] = [];
  const lean: number[] = [];
  const cpu = { rc: [] as number[], jre: [] as number[], cond: [] as number[], jreCond: [] as number[] };
  for (let rep = 0; rep < REPS; rep++) {
    const a = await rulecordPass(EVENTS, null);
    rc.push(EVENTS / a.seconds);
    cpu.rc.push(EVENTS / lastCpuSeconds);
    p99.push(percentile(a.latencies.sort(), 99) * 1000);
    jre.push(JRE_EVENTS / (await jrePass(JRE_EVENTS, null)));
    cpu.jre.push(JRE_EVENTS / lastCpuSeconds);
    cond.push(EVENTS / conditionsPass(facts, null));
    cpu.cond.push(EVENTS / lastCpuSeconds);
    jreCond.push(JRE_EVENTS / (await jreConditionsPass(facts, JRE_EVENTS, null)));
    cpu.jreCond.push(JRE_EVENTS / lastCpuSeconds);
    lean.push(EVENTS / (await leanPass(EVENTS, null)));
    log(
      `rep ${rep + 1}: rulecord ${Math.round(rc[rep]!)} ev/s (p99 ${p99[rep]!.toFixed(1)} µs), json-rules-engine ${Math.round(jre[rep]!)} ev/s; ` +
        `conditions alone: rulecord ${Math.round(cond[rep]!)} ev/s, json-rules-engine ${Math.round(jreCond[rep]!)} ev/s; ` +
        `lean pipeline (no traces/limits) ${Math.round(lean[rep]!)} ev/s; per CPU second: rulecord ${Math.round(cpu.rc[rep]!)}, ` +
        `json-rules-engine ${Math.round(cpu.jre[rep]!)}, conditions ${Math.round(cpu.cond[rep]!)} vs ${Math.round(cpu.jreCond[rep]!)}`,
    );
  }

  const redis = await redisRun(REDIS_RATE);
  log(`redis at ${REDIS_RATE} events/s offered (open loop):`, JSON.stringify(redis));
  if ('achievedPerSec' in redis && redis.achievedPerSec < REDIS_RATE * 0.95) {
    // Saturated: latency is queueing. Show where the engine stands below saturation too.
    const lower = Math.max(100, Math.floor(redis.achievedPerSec / 2 / 100) * 100);
    log(`redis at ${lower} events/s offered (below saturation):`, JSON.stringify(await redisRun(lower)));
  }

  const result = {
    events: EVENTS,
    rulecordEventsPerSec: Math.round(median(rc)),
    rulecordP99Us: Math.round(median(p99) * 10) / 10,
    jreEventsPerSec: Math.round(median(jre)),
    endToEndRatio: Math.round((median(rc) / median(jre)) * 10) / 10,
    conditionRatio: Math.round((median(cond) / median(jreCond)) * 10) / 10,
    mismatches,
    conditionEventsPerSec: Math.round(median(cond)),
    jreConditionEventsPerSec: Math.round(median(jreCond)),
    endToEndRatioCpu: Math.round((median(cpu.rc) / median(cpu.jre)) * 10) / 10,
    conditionRatioCpu: Math.round((median(cpu.cond) / median(cpu.jreCond)) * 10) / 10,
    leanEventsPerSec: Math.round(median(lean)),
    leanRatio: Math.round((median(lean) / median(jre)) * 10) / 10,
    ...('p99Us' in redis
      ? { redisOfferedPerSec: redis.offered, redisP50Us: redis.p50Us, redisP99Us: redis.p99Us }
      : {}),
  };
  log(JSON.stringify(result));
}

await main();
