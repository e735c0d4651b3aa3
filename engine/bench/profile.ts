/**
 * Profiling helper (not part of `npm run bench`): Engine.dispatch alone over BENCH_EVENTS events, in-process state,
 * printing µs of CPU per event. Run with a profiler, e.g.
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx engine/bench/profile.ts
 */
import {
  Engine,
  applyV8Settings,
  InMemoryStateStore,
  InMemoryTimerStore,
  InProcessScheduler,
  coreModule,
  type Clock,
  type DiscordPort,
  type GuildDiscord,
  type RuleEvent,
} from '../src/index.js';
import { createRegistry } from '../src/model/registry.js';
import { automodBenchModule, guildDocument } from './automod.js';
import { makeEvents } from './events.js';

applyV8Settings();
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const PASSES = Number(process.env.BENCH_PASSES ?? 5);
const { worlds, events } = makeEvents(EVENTS, Number(process.env.BENCH_GUILDS ?? 50));
const registry = createRegistry([coreModule, automodBenchModule]);
let eventTime = events[0]?.at ?? 0;
const clock: Clock & { set(ms: number): void } = { now: () => eventTime, set: (ms) => void (eventTime = ms) };
const discord: DiscordPort = { forGuild: (guildId) => ({ guildId }) as GuildDiscord };

for (let pass = 0; pass < PASSES; pass++) {
  const engine = new Engine({
    registry,
    state: new InMemoryStateStore({ clock }),
    scheduler: new InProcessScheduler({ store: new InMemoryTimerStore(), clock, virtual: true }),
    discord,
    clock,
  });
  worlds.forEach((w, i) => engine.load(guildDocument(w, i), { tier: 'premium' }));
  let fired = 0;
  const c0 = process.cpuUsage();
  for (const e of events) {
    eventTime = e.at;
    for (const s of await engine.dispatch(e as unknown as RuleEvent)) if (s.outcome === 'fired') fired++;
  }
  const c = process.cpuUsage(c0);
  console.log(`pass ${pass + 1}: ${((c.user + c.system) / EVENTS).toFixed(2)} µs CPU/event, ${fired} fired`);
}
