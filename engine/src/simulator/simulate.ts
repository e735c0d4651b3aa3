import { VirtualClock } from '../clock/system.js';
import type { RecordedCall } from '../discord/port.js';
import type { Problem } from '../errors/error.js';
import { RulecordError } from '../errors/error.js';
import type { Duration, JsonObject, RuleEvent, RuleMode } from '../model/document.js';
import type { GuildState } from '../state/port.js';
import type { Scheduler, TimerRecord } from '../timers/port.js';
import type { RunServices, Tier } from '../model/module.js';
import { InMemoryStateStore } from '../state/memory.js';
import { InProcessScheduler } from '../timers/in-process.js';
import { InMemoryTimerStore } from '../timers/memory.js';
import { RUNTIME_CODES } from '../runtime/codes.js';
import { withCoreModule } from '../runtime/core-module.js';
import type { Registry } from '../runtime/deps.js';
import { parseDuration } from '../runtime/deps.js';
import type { RunSummary } from '../runtime/engine.js';
import { Engine } from '../runtime/engine.js';
import type { ActionStatus, Trace } from '../trace/model.js';
import { TRACE_OUTCOMES } from '../trace/model.js';
import { InMemoryTraceStore } from '../trace/store.js';
import { checkSimInput } from './schema.js';
import { buildPayload } from './shorthands.js';
import type { WorldSpec } from './world.js';
import { RecordingDiscord } from './world.js';

/** One step of a simulation: an event (payload built from a short `with`), or moving the virtual clock. */
export type SimStep =
  | {
      event: string;
      with?: JsonObject;
      /** Event id; default `sim-<n>` (repeat one to simulate a redelivery). */ id?: string;
    }
  | { advance: Duration };

export interface SimInput {
  document: unknown;
  tier?: Tier;
  world?: WorldSpec;
  steps: SimStep[];
  registry: Registry;
  services?: Partial<RunServices> | ((guildId: string) => Partial<RunServices>);
  /** Virtual start time (epoch ms); default 2026-01-01T00:00:00Z. */
  start?: number;
  /** Engine limits (fact budget, emit depth). */
  limits?: { factBudget?: number; emitDepth?: number };
  /** Timer kinds that become events (see `EngineOptions.timerEvents`), e.g. the schedule module's ticks. */
  timerEvents?: Record<string, (timer: TimerRecord) => RuleEvent | null>;
  /**
   * Runs once after the rule set is loaded, before the first step: schedule the timers modules need (the schedule
   * module's cron timers), seed state…
   */
  prepare?: (ctx: {
    guildId: string;
    scheduler: Scheduler;
    state: GuildState;
    now: number;
    settings: Record<string, JsonObject>;
  }) => Promise<void>;
}

/** An action a run performed (`enforce`) or would have performed (`shadow`), in the order they happened. */
export interface SimAction {
  rule: string;
  action: string;
  params: unknown;
  mode: RuleMode;
  status: ActionStatus;
  /** Index of the simulation step during which it happened. */
  step: number;
  /** Virtual time. */
  at: number;
  eventType: string;
}

export interface SimResult {
  ok: boolean;
  /** Load problems (then nothing ran) and warnings. */
  problems: Problem[];
  actions: SimAction[];
  /** Every run's trace, `filtered` ones included, in order. */
  traces: Trace[];
  /** Every call made to the recorded Discord. */
  calls: RecordedCall[];
  runs: RunSummary[];
  /** Virtual time at the end. */
  now: number;
}

export const SIM_START = Date.UTC(2026, 0, 1);

/**
 * Holds `world` and `steps` to their schema before anything runs: the first problem is thrown (a user error at its
 * pointer, with a fix), all of them ride along in `details.problems`.
 */
function checkInput(input: SimInput): void {
  const problems: Problem[] = Array.isArray(input.steps)
    ? checkSimInput({ world: input.world, steps: input.steps })
    : [
        {
          code: RUNTIME_CODES.RC_SIM_STEP,
          message: '`steps` must be a list of steps',
          pointer: '/steps',
          fix: 'Write `steps: [{ event: message.create, with: { author: u1 } }, { advance: 1h }]`.',
          severity: 'error',
        },
      ];
  const first = problems[0];
  if (first === undefined) return;
  throw new RulecordError(first.code, first.message, {
    kind: 'user',
    pointer: first.pointer,
    ...(first.fix === undefined ? {} : { fix: first.fix }),
    details: { problems },
  });
}

function stepError(index: number, message: string, fix: string): RulecordError {
  return new RulecordError(RUNTIME_CODES.RC_SIM_STEP, message, { kind: 'user', pointer: `/steps/${index}`, fix });
}

/**
 * Runs events and clock advances against a rule set in a simulated guild: in-process state, an in-process scheduler
 * on a virtual clock, a recorder for Discord. Nothing leaves the process. `rulecord test`, the API's simulate and the
 * studio use it.
 *
 * @example
 * const result = await simulate({
 *   document, registry,
 *   world: { members: [{ id: 'u1', roles: ['member'] }], channels: [{ id: 'general' }] },
 *   steps: [{ event: 'message.create', with: { author: 'u1', content: 'HELLO EVERYONE' } }, { advance: '1h' }],
 * });
 * result.actions.map((a) => a.action); // ['message.delete', 'member.warn']
 * @throws RulecordError a user error at a JSON pointer with a fix, before anything runs, when `world` or `steps` do not
 * fit `simInputSchema` (`RC_SIM_WORLD`, `RC_SIM_STEP`; every problem in `details.problems`); `RC_SIM_STEP` while
 * running for a step the schema cannot judge (an event no module emits, a member not in the world).
 */
export async function simulate(input: SimInput): Promise<SimResult> {
  checkInput(input);
  const clock = new VirtualClock(input.start ?? SIM_START);
  const world = input.world ?? {};
  const registry = withCoreModule(input.registry);
  const state = new InMemoryStateStore({ clock });
  const timers = new InMemoryTimerStore();
  const scheduler = new InProcessScheduler({ store: timers, clock, virtual: true, retry: { attempts: 1 } });
  const discord = new RecordingDiscord(world, clock);
  const traces = new InMemoryTraceStore({ retention: Object.fromEntries(TRACE_OUTCOMES.map((o) => [o, 0])) });
  const given = input.services;
  const services: ((guildId: string) => Partial<RunServices>) | undefined =
    given === undefined
      ? undefined
      : typeof given === 'function'
        ? (given as (guildId: string) => Partial<RunServices>)
        : () => given;
  const engine = new Engine({
    registry,
    state,
    scheduler,
    discord,
    clock,
    traces,
    sleep: (ms) => {
      // Retries do not block the simulation: the virtual clock moves instead.
      clock.advance(ms);
      return Promise.resolve();
    },
    ...(services === undefined ? {} : { services }),
    ...(input.limits ? { limits: input.limits } : {}),
    ...(input.timerEvents ? { timerEvents: input.timerEvents } : {}),
  });

  const loaded = engine.load(input.document, { tier: input.tier ?? 'premium' });
  const result: SimResult = {
    ok: loaded.ok,
    problems: loaded.problems,
    actions: [],
    traces: [],
    calls: discord.calls,
    runs: [],
    now: clock.now(),
  };
  if (!loaded.ok || loaded.guildId === undefined) return result;
  const guildId = loaded.guildId;

  let current = 0;
  traces.forGuild(guildId).subscribe((t) => result.traces.push(t), { outcomes: [...TRACE_OUTCOMES] });
  engine.onRun((run) => {
    result.runs.push(run);
    for (const a of run.actions) {
      if (a.action === 'wait') continue;
      result.actions.push({
        rule: run.ruleId,
        action: a.action,
        params: a.params,
        mode: a.mode,
        status: a.status,
        step: current,
        at: clock.now(),
        eventType: run.eventType,
      });
    }
  });
  await scheduler.start((timer) => engine.handleTimer(timer));
  if (input.prepare) {
    await input.prepare({
      guildId,
      scheduler,
      state: state.forGuild(guildId),
      now: clock.now(),
      settings: engine.loaded(guildId)?.settings ?? {},
    });
  }

  const counters = new Map<string, number>();
  const nextId = (kind: string): string => {
    const n = (counters.get(kind) ?? 0) + 1;
    counters.set(kind, n);
    return `sim-${kind}-${n}`;
  };

  try {
    // `checkInput` has held every step to `simStepSchema`: an object with a well-formed `event` or `advance`.
    for (const [index, step] of input.steps.entries()) {
      current = index;
      if ('advance' in step) {
        let ms: number;
        try {
          ms = parseDuration(step.advance);
        } catch (e) {
          throw stepError(index, `advance: ${(e as Error).message}`, 'Write a duration such as `10m` or `1h`.');
        }
        await scheduler.advance(ms);
        continue;
      }
      if (!registry.event(step.event)) {
        throw stepError(
          index,
          `no installed module emits the event "${step.event}"`,
          'Use an event listed in the catalog (e.g. message.create, member.join).',
        );
      }
      const w = step.with ?? {};
      let payload: JsonObject;
      try {
        payload = buildPayload(step.event, w, {
          world: discord.world(guildId),
          now: clock.now(),
          nextId,
          pointer: `/steps/${index}/with`,
        });
      } catch (e) {
        if (e instanceof RulecordError) throw e;
        throw stepError(index, (e as Error).message, 'Check the step’s `with`.');
      }
      const { messageId, channelId, userId, content } = payload;
      if (step.event === 'message.create' && typeof messageId === 'string' && typeof channelId === 'string') {
        // The message exists in the world, so deleting, reacting to or purging it acts on it.
        discord.addMessage(guildId, {
          id: messageId,
          channelId,
          authorId: typeof userId === 'string' ? userId : 'unknown',
          content: typeof content === 'string' ? content : '',
        });
      }
      await engine.dispatch({ id: step.id ?? nextId('event'), guildId, type: step.event, at: clock.now(), payload });
    }
  } finally {
    await scheduler.stop();
  }
  result.now = clock.now();
  return result;
}
