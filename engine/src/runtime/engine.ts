import type { Clock } from '../clock/clock.js';
import type { DiscordPort, GuildDiscord } from '../discord/port.js';
import type { Problem } from '../errors/error.js';
import { RulecordError } from '../errors/error.js';
import type { Json, JsonObject, RuleEvent } from '../model/document.js';
import type { ActionContext, Logger, RunServices, Tier } from '../model/module.js';
import type { GuildState, StateStore } from '../state/port.js';
import type { Scheduler, TimerRecord } from '../timers/port.js';
import type { Trace, TraceAction, TraceOutcome, WhereCheck } from '../trace/model.js';
import type { DeferredRecorder, TraceStore } from '../trace/store.js';
import { InMemoryTraceStore, deferredTrace } from '../trace/store.js';
import { RUNTIME_CODES } from './codes.js';
import { withCoreModule } from './core-module.js';
import type {
  Candidates,
  CompiledActionStep,
  CompiledRule,
  CompiledStep,
  CompiledWaitStep,
  GuildRules,
} from './compile-rules.js';
import { compileRuleSet, route } from './compile-rules.js';
import type { ConditionMemo, Registry } from './deps.js';
import { PENDING, validateRuleSet } from './deps.js';
import { ConditionReaders, EventFacts, FactEnvironment, toTraceError } from './facts.js';
import { validateParams } from './params.js';
import { safeGet } from './path.js';
import type { MarkableState } from './marker.js';
import { MarkedState, Redelivered } from './marker.js';
import { RunActionContext, type RuleContextParts } from './action-context.js';
import type { EventRun, ParkedRun, Run, RunSummary } from './run.js';
import {
  QuietRuns,
  RunTrace,
  WHERE_PASSED,
  triggerOf,
  traceId,
  ENGINE_STATE,
  NONE,
  TIMER_KINDS,
  add,
  obj,
  parseLock,
  parseParked,
  replayLeaves,
  resumeTimerId,
  shortKey,
  summaryActions,
} from './run.js';
import type { VariableRoot, VariableScope } from './variables.js';
import { UNRESOLVED, renderTreeMaybe, renderValue } from './variables.js';
import { checkWhereOn, eventChannelId, eventIsBot, eventUserId, limitKey } from './where.js';

export { ENGINE_STATE, TIMER_KINDS, resumeTimerId } from './run.js';
export type { ParkedRun, RunSummary, RunSummaryAction } from './run.js';

export interface EngineLimits {
  /** Max `io` facts resolved per event (across its rules). Default 25. */
  factBudget?: number;
  /** Max nesting of module-emitted events (an event emitted by a run of an emitted event…). Default 8. */
  emitDepth?: number;
  /** Traces kept per guild per outcome (filtered runs excepted). Default: see DEFAULT_TRACE_RETENTION. */
  traceBucket?: number;
  /**
   * How long an event id is remembered to drop redeliveries. Default 10 minutes: a gateway that resumes replays what
   * it missed within minutes, and one marker per event is kept this long (at 5,000 events/s, 3 million keys).
   */
  redeliveryWindowMs?: number;
  /** Upper bound of one retry backoff. Default 30s. */
  maxBackoffMs?: number;
  /**
   * An action that has not settled after this long fails with `RC_ACTION_TIMEOUT` (transient: retried when its step
   * has `retry`), so one hung call cannot hold the rest of the event. Default 30s; 0 turns it off.
   */
  actionTimeoutMs?: number;
}

export interface EngineOptions {
  registry: Registry;
  state: StateStore;
  scheduler: Scheduler;
  discord: DiscordPort;
  clock: Clock;
  logger?: Logger;
  services?: (guildId: string) => Partial<RunServices>;
  limits?: EngineLimits;
  /** Where traces go; default an InMemoryTraceStore with `limits.traceBucket`. */
  traces?: TraceStore;
  /** How retries wait; default real time. The simulator passes one that does not block. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Timers of other kinds that turn into events, by kind: e.g. `{ 'schedule.tick': scheduleTickEvent }` from the
   * catalog's schedule module. Return null to ignore a timer. Kinds not listed become `timer.fired` events.
   */
  timerEvents?: Record<string, (timer: TimerRecord) => RuleEvent | null>;
}

const noop = (): void => {};
const NO_SERVICES: Partial<RunServices> = Object.freeze({});
/** A run's `steps` until a step named with `as` answers (most runs name none): shared, never written. */
const NO_STEPS: Record<string, Json> = Object.freeze({});
/** What `dispatch` resolves to when no run is listed (most events): one promise of one frozen empty list. */
const NO_RUNS: Promise<readonly RunSummary[]> = Promise.resolve(NONE);

/** A deep copy of a JSON value (static action parameters, so an action cannot change the compiled rule). */
function cloneJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(cloneJson);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) out[k] = cloneJson((value as Record<string, unknown>)[k]);
  return out;
}
const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The rules engine: routes events to each guild's rules, resolves facts, evaluates conditions, runs actions, and
 * leaves a trace of every run.
 *
 * @example
 * const engine = new Engine({ registry, state, scheduler, discord, clock: new SystemClock() });
 * const { ok, problems } = engine.load(document, { tier: 'free' });
 * await scheduler.start((timer) => engine.handleTimer(timer));
 * await engine.dispatch({ id: 'm1', guildId: '1', type: 'message.create', at: Date.now(), payload: { … } });
 */
// Per-run helpers live at module level: under tsx (esbuild keepNames) a named closure made per run also pays a
// `defineProperty` for its name.
function asObject(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
function thenGet(value: unknown, rest: readonly string[]): unknown {
  return value === UNRESOLVED
    ? UNRESOLVED
    : value instanceof Promise
      ? value.then((v) => safeGet(v, rest))
      : safeGet(value, rest);
}

/** Rendered parameters go into the trace entry, then are validated (static ones were, once, at compile time). */
function checkedParams(step: CompiledActionStep, entry: TraceAction, params: unknown): void {
  entry.params = params;
  if (!step.paramsChecked) validateParams(step.definition, params, step.pointer);
}

/** An action that succeeded with `result`: its time and result in the trace, and `steps.<as>`. */
function actionDone(run: Run, step: CompiledActionStep, entry: TraceAction, t0: number, result: unknown): void {
  entry.ms = performance.now() - t0;
  if (result !== undefined) entry.result = result as Json;
  if (step.as !== undefined)
    (run.steps === NO_STEPS ? (run.steps = {}) : run.steps)[step.as] = (result ?? null) as Json;
}

/** One attempt of an action: what `run` answered, or a rejection when it threw before answering. */
function invoke(step: CompiledActionStep, params: JsonObject, ctx: ActionContext): unknown {
  try {
    return step.definition.run(params, ctx);
  } catch (e) {
    return Promise.reject(e);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value instanceof Promise ||
    (value !== null &&
      (typeof value === 'object' || typeof value === 'function') &&
      typeof (value as { then?: unknown }).then === 'function')
  );
}

/** Marks a step's trace entry failed; returns the error. */
function actionFailed(run: Run, entry: TraceAction, t0: number, e: unknown): unknown {
  entry.status = 'error';
  entry.error = toTraceError(e);
  entry.ms = performance.now() - t0;
  run.trace.errors++;
  return e;
}

/**
 * The event's rules are all done: its condition memo goes back to the rule set's `ConditionSet` for the next event
 * (nothing reads it afterwards: traces replay conditions over the fact memo, not this one).
 */
function releaseMemo(ev: EventRun): void {
  const memo = ev.memo;
  if (memo === undefined) return;
  ev.memo = undefined;
  ev.rules.conditions.release(memo);
}

/** Runs that stopped at `where` or at a false condition are not listed in `dispatch`'s result. */
function keep(summaries: RunSummary[], summary: RunSummary | null): void {
  if (summary !== null && summary.outcome !== 'condition-false' && summary.outcome !== 'filtered')
    summaries.push(summary);
}

export class Engine {
  readonly traces: TraceStore;
  private readonly guilds = new Map<string, GuildRules>();
  private readonly registry: Registry;
  private readonly options: EngineOptions;
  private readonly logger: Logger;
  private readonly factBudget: number;
  private readonly emitDepth: number;
  private readonly redeliveryWindowMs: number;
  private readonly maxBackoffMs: number;
  private readonly actionTimeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly tracePrefix = Math.random().toString(36).slice(2, 8);
  private traceSeq = 0;
  /** Outcomes of quiet runs written by a candidates' program (see `skipQuiet`). */
  private outcomes = new Uint8Array(64);
  private outcomesBusy = false;
  /** The readers every evaluation of a condition or `where` goes through (see `ConditionReaders`). */
  private readonly readers = new ConditionReaders();
  private readonly runListeners = new Set<(summary: RunSummary) => void>();
  private readonly stateHandles = new Map<string, GuildState>();
  private readonly discordHandles = new Map<string, GuildDiscord>();
  private readonly factEnvironments = new Map<string, FactEnvironment>();
  private readonly ruleContexts = new WeakMap<CompiledRule, RuleContextParts>();

  constructor(options: EngineOptions) {
    this.options = options;
    this.registry = withCoreModule(options.registry);
    this.logger = options.logger ?? silentLogger;
    this.factBudget = options.limits?.factBudget ?? 25;
    this.emitDepth = options.limits?.emitDepth ?? 8;
    this.redeliveryWindowMs = options.limits?.redeliveryWindowMs ?? 10 * MINUTE;
    this.maxBackoffMs = options.limits?.maxBackoffMs ?? 30_000;
    this.actionTimeoutMs = options.limits?.actionTimeoutMs ?? 30_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.traces =
      options.traces ??
      new InMemoryTraceStore(options.limits?.traceBucket === undefined ? {} : { bucket: options.limits.traceBucket });
  }

  // ───────────────────────────── loading ─────────────────────────────

  /**
   * Validates and compiles a guild's rule set and swaps it in atomically. On problems the previous set stays live.
   * Warnings come back with `ok: true`.
   */
  load(
    document: unknown,
    options: { tier: Tier },
  ): { ok: boolean; problems: Problem[]; guildId?: string; version?: string } {
    const validated = validateRuleSet(document, this.registry, options);
    if (!validated.ok) return { ok: false, problems: validated.problems };
    const compiled = compileRuleSet(validated.ruleSet, this.registry, this.options.clock.now());
    if (!compiled.ok) return { ok: false, problems: [...validated.problems, ...compiled.problems] };
    this.guilds.set(compiled.rules.guildId, compiled.rules);
    return {
      ok: true,
      problems: [...validated.problems, ...compiled.problems],
      guildId: compiled.rules.guildId,
      version: compiled.rules.version,
    };
  }

  unload(guildId: string): void {
    this.guilds.delete(guildId);
    this.stateHandles.delete(guildId);
    this.discordHandles.delete(guildId);
    this.factEnvironments.delete(guildId);
  }

  /**
   * What is live for a guild: its version, the ids of its enabled rules in order, and the module settings (defaults
   * applied) — e.g. for the schedule module's timers after an apply.
   */
  loaded(
    guildId: string,
  ): { version: string; rules: string[]; loadedAt: number; settings: Record<string, JsonObject> } | undefined {
    const g = this.guilds.get(guildId);
    return g && { version: g.version, rules: g.rules.map((r) => r.id), loadedAt: g.loadedAt, settings: g.settings };
  }

  /**
   * Calls `listener` after every run ends, including runs resumed by a timer and runs of emitted events (the simulator
   * collects actions this way). Returns the unsubscribe function.
   */
  onRun(listener: (summary: RunSummary) => void): () => void {
    this.runListeners.add(listener);
    return () => this.runListeners.delete(listener);
  }

  // ───────────────────────────── dispatch ─────────────────────────────

  /**
   * Routes an event to the guild's matching rules and runs them, in document order. Redelivered event ids act once.
   * Resolves to the runs that passed their `where` and condition (fired, shadow, limited, cancelled) or failed
   * (error), emitted events' runs included; runs that stopped at `where` or at a false condition are not listed (their
   * traces are kept as configured, and `onRun` listeners see every run). The list is read-only: an event that lists
   * no run (most) resolves to one shared, frozen empty list.
   */
  dispatch(event: RuleEvent): Promise<readonly RunSummary[]> {
    // A payload is always an object for the router, facts and variables, whatever an adapter sent.
    const payload = event.payload;
    const e =
      payload === null || typeof payload !== 'object' || Array.isArray(payload) ? { ...event, payload: {} } : event;
    let out: RunSummary[] | Promise<RunSummary[]>;
    try {
      out = this.dispatchAt(e, 0);
    } catch (err) {
      return Promise.reject(err);
    }
    return out instanceof Promise ? out : out.length === 0 ? NO_RUNS : Promise.resolve(out);
  }

  /**
   * Synchronous while it can be: on in-process state (a store with `setIfAbsentSync`) with facts that resolve
   * synchronously and runs that end at `where` or a false condition, no promise is made and nothing is awaited.
   */
  private dispatchAt(event: RuleEvent, depth: number): RunSummary[] | Promise<RunSummary[]> {
    const rules = this.guilds.get(event.guildId);
    if (!rules) return [];
    const payload = event.payload;
    const everyRule = this.traces.wants(event.guildId, 'filtered');
    const candidates = route(rules, event.type, eventChannelId(payload), everyRule);
    if (candidates === undefined || candidates.rules.length === 0) return [];
    const state = this.stateOf(event.guildId);
    // The redelivery marker is the one write made before any rule: only when some rule may act (shadow rules never do).
    if (candidates.enforces) {
      const key = shortKey(event.id);
      if (state.markSync !== undefined) {
        if (!state.markSync(ENGINE_STATE.seen, key, this.redeliveryWindowMs)) return this.redelivered(event);
      } else if (state.setIfAbsentSync !== undefined) {
        if (!state.setIfAbsentSync(ENGINE_STATE.seen, key, '1', this.redeliveryWindowMs))
          return this.redelivered(event);
      } else if (state.setIfAbsentThen !== undefined) {
        // A remote store: the marker travels with the event's first state operation (see MarkedState).
        const marked = new MarkedState(state as MarkableState, ENGINE_STATE.seen, key, this.redeliveryWindowMs);
        return this.runMarked(event, depth, rules, marked, candidates);
      } else {
        return this.runIfFirst(event, depth, rules, state, candidates, key);
      }
    }
    return this.runCandidates(event, depth, rules, state, candidates);
  }

  /**
   * The rules of an event once a store without a synchronous or riding marker has written its marker. Apart from
   * `dispatchAt`, which runs on every event: a function that makes a closure allocates what it captures on every call.
   */
  private async runIfFirst(
    event: RuleEvent,
    depth: number,
    rules: GuildRules,
    state: GuildState,
    candidates: Candidates,
    key: string,
  ): Promise<RunSummary[]> {
    const first = await state.setIfAbsent(ENGINE_STATE.seen, key, '1', this.redeliveryWindowMs);
    return first ? this.runCandidates(event, depth, rules, state, candidates) : this.redelivered(event);
  }

  /**
   * The rules of an event whose marker rides with its first state operation. Nothing of a run acts or is recorded
   * before the marker's answer (`MarkedState.ensure`, awaited in `afterCondition` and `failed`); when it says the event
   * was delivered before, the event is dropped as a redelivery, whatever its runs were doing.
   */
  private runMarked(
    event: RuleEvent,
    depth: number,
    rules: GuildRules,
    marked: MarkedState,
    candidates: Candidates,
  ): RunSummary[] | Promise<RunSummary[]> {
    let out: RunSummary[] | Promise<RunSummary[]>;
    try {
      out = this.runCandidates(event, depth, rules, marked, candidates);
    } catch (e) {
      if (marked.redelivered) return this.redelivered(event);
      throw e;
    }
    if (!(out instanceof Promise)) return out;
    return out.then(undefined, (e: unknown) => {
      if (marked.redelivered) return this.redelivered(event);
      throw e;
    });
  }

  private redelivered(event: RuleEvent): RunSummary[] {
    this.logger.debug({ guildId: event.guildId, eventId: event.id }, 'redelivered event dropped');
    return [];
  }

  /**
   * The rules of an event in order. The candidates' program evaluates `where` and conditions up to the first rule
   * that is not quiet (most events: none); that rule runs on its own (`runRule`, reading the same memo), then the
   * program goes on after it.
   */
  private runCandidates(
    event: RuleEvent,
    depth: number,
    rules: GuildRules,
    state: GuildState,
    candidates: Candidates,
  ): RunSummary[] | Promise<RunSummary[]> {
    const ev = this.eventRun(event, depth, rules, state);
    // Made on the first run listed (most events list none).
    let summaries: RunSummary[] = NONE;
    const list = candidates.rules;
    ev.candidates = list;
    for (let i = this.skipQuiet(ev, candidates, 0); i < list.length; i = this.skipQuiet(ev, candidates, i + 1)) {
      const summary = this.runRule(ev, i);
      if (summary === null) continue;
      if (summary instanceof Promise)
        return this.runCandidatesAsync(ev, candidates, i, summary, summaries === NONE ? [] : summaries);
      (summaries === NONE ? (summaries = []) : summaries).push(summary);
    }
    this.eventDone(ev);
    if (ev.emitted.length > 0) return this.withEmitted(ev, summaries);
    return summaries;
  }

  /**
   * The event's rules are all done: its condition memo goes back (`releaseMemo`), and its facts let go of the event's
   * own state handle, so what its kept traces hold is the memo and the event (see `EventFacts.detach`).
   */
  private eventDone(ev: EventRun): void {
    releaseMemo(ev);
    ev.facts.detach();
  }

  /** The rest of an event once one of its runs had to wait (an async fact, a state call, an action). */
  private async runCandidatesAsync(
    ev: EventRun,
    candidates: Candidates,
    at: number,
    pending: Promise<RunSummary | null>,
    summaries: RunSummary[],
  ): Promise<RunSummary[]> {
    keep(summaries, await pending);
    const list = candidates.rules;
    for (let i = this.skipQuiet(ev, candidates, at + 1); i < list.length; i = this.skipQuiet(ev, candidates, i + 1)) {
      const summary = this.runRule(ev, i);
      keep(summaries, summary instanceof Promise ? await summary : summary);
    }
    this.eventDone(ev);
    if (ev.emitted.length > 0) summaries.push(...(await this.dispatchEmitted(ev)));
    return summaries;
  }

  /**
   * Runs the candidates' program from `from`: the quiet runs it passes (false `where` or condition) are recorded as
   * `quiet` records them, and the index of the first rule that is not quiet (or the number of rules) is returned.
   */
  private skipQuiet(ev: EventRun, candidates: Candidates, from: number): number {
    const n = candidates.rules.length;
    if (from >= n) return n;
    // One outcome buffer for the engine; a dispatch made from inside (a run listener) gets its own.
    let out = this.outcomes;
    const borrowed = !this.outcomesBusy;
    if (!borrowed) out = new Uint8Array(n);
    else if (out.length < n) out = this.outcomes = new Uint8Array(Math.max(n, 2 * out.length));
    this.outcomesBusy = true;
    try {
      const memo = (ev.memo ??= ev.rules.conditions.memo());
      // No run is going: what the program reads is not logged (a quiet run's trace replays its condition).
      ev.facts.stopLog();
      const stop = this.runProgram(ev, candidates, memo, from, out);
      if (stop > from && (this.runListeners.size > 0 || this.keepsQuiet(ev)))
        for (let k = from; k < stop; k++) this.quiet(ev, k, out[k] === 0 ? 'filtered' : 'condition-false');
      return stop;
    } finally {
      if (borrowed) this.outcomesBusy = false;
    }
  }

  /** The candidates' program over `ev`, with the engine's readers pointed at it (then back: see `ConditionReaders`). */
  private runProgram(ev: EventRun, candidates: Candidates, memo: ConditionMemo, from: number, out: Uint8Array): number {
    const readers = this.readers.enter(ev.facts, ev);
    try {
      return candidates.program.run(readers.read, readers.whereRead, memo, from, out);
    } finally {
      readers.leave();
    }
  }

  /** A rule's `where` (over the event's subject) or condition (over its facts), as `runProgram` reads them. */
  private evaluateOn(
    ev: EventRun,
    condition: NonNullable<CompiledRule['condition']>,
    memo: ConditionMemo,
    where: boolean,
  ): boolean | typeof PENDING {
    const readers = this.readers.enter(ev.facts, ev);
    try {
      return condition.evaluateIn(where ? readers.whereRead : readers.read, memo, null);
    } finally {
      readers.leave();
    }
  }

  /** Whether this event keeps traces of quiet runs (asked of the trace store once per event and outcome). */
  private keepsQuiet(ev: EventRun): boolean {
    if (ev.keepFalse === undefined) ev.keepFalse = this.quietRecorder(ev.event.guildId, 'condition-false');
    if (ev.keepFiltered === undefined) ev.keepFiltered = this.quietRecorder(ev.event.guildId, 'filtered');
    return ev.keepFalse !== null || ev.keepFiltered !== null;
  }

  private async withEmitted(ev: EventRun, summaries: RunSummary[]): Promise<RunSummary[]> {
    // `summaries` may still be the shared empty list (NONE): never pushed into.
    return [...summaries, ...(await this.dispatchEmitted(ev))];
  }

  /** Guild-scoped port handles, made once per guild. */
  private discordOf(guildId: string): GuildDiscord {
    let handle = this.discordHandles.get(guildId);
    if (!handle) {
      handle = this.options.discord.forGuild(guildId);
      this.discordHandles.set(guildId, handle);
    }
    return handle;
  }

  private stateOf(guildId: string): GuildState {
    let handle = this.stateHandles.get(guildId);
    if (!handle) {
      handle = this.options.state.forGuild(guildId);
      this.stateHandles.set(guildId, handle);
    }
    return handle;
  }

  /** What the facts of a guild's events share: made again only when one of its parts changed (see `FactEnvironment`). */
  private factEnvironment(guildId: string, rules: GuildRules, discord: GuildDiscord): FactEnvironment {
    const state = this.stateOf(guildId);
    const services = this.options.services?.(guildId) ?? NO_SERVICES;
    let env = this.factEnvironments.get(guildId);
    if (
      env === undefined ||
      env.settingsOf !== rules.settings ||
      env.state !== state ||
      env.discord !== discord ||
      env.services !== services
    ) {
      env = new FactEnvironment(
        this.registry,
        guildId,
        this.options.clock,
        state,
        discord,
        services,
        rules.settings,
        this.factBudget,
      );
      this.factEnvironments.set(guildId, env);
    }
    return env;
  }

  private eventRun(
    event: RuleEvent,
    depth: number,
    rules: GuildRules,
    state: GuildState,
    seed?: Record<string, unknown>,
  ): EventRun {
    const discord = this.discordOf(event.guildId);
    // The guild's environment; a state handle of the event's own (`MarkedState`) goes with its facts alone.
    const facts = new EventFacts(this.factEnvironment(event.guildId, rules, discord), event, seed, state);
    facts.usePlan(rules.factPlan);
    const payload = event.payload;
    return {
      event,
      // What `where` reads (as `whereSubject` makes it).
      type: event.type,
      payload,
      skipsBots: event.type.startsWith('message.'),
      isBot: eventIsBot(payload),
      channelId: eventChannelId(payload),
      userId: eventUserId(payload),
      roles: undefined,
      trigger: undefined,
      depth,
      rules,
      facts,
      state,
      discord,
      lookups: undefined,
      emitted: NONE,
      memo: undefined,
      candidates: NONE,
      quiet: undefined,
      keepFalse: undefined,
      keepFiltered: undefined,
    };
  }

  private async dispatchEmitted(ev: EventRun): Promise<RunSummary[]> {
    const out: RunSummary[] = [];
    const counters = new Map<string, number>();
    const emitted = ev.emitted;
    ev.emitted = NONE;
    for (const e of emitted) {
      const n = (counters.get(e.ruleId) ?? 0) + 1;
      counters.set(e.ruleId, n);
      const child: RuleEvent = {
        // Deterministic: a redelivered parent emits the same ids, which then act once.
        id: `${ev.event.id}>${e.ruleId}#${n}`,
        guildId: ev.event.guildId,
        type: e.type,
        at: this.options.clock.now(),
        payload: e.payload,
      };
      out.push(...(await this.dispatchAt(child, ev.depth + 1)));
    }
    return out;
  }

  // ───────────────────────────── one run ─────────────────────────────

  private newRun(ev: EventRun, rule: CompiledRule, runId: string, segment: number): Run {
    const now = this.options.clock.now();
    const seq = ++this.traceSeq;
    const trace: Trace = {
      id: traceId(this.tracePrefix, seq),
      runId,
      segment,
      guildId: ev.event.guildId,
      rule: rule.traceRule,
      ruleSetVersion: ev.rules.version,
      trigger: (ev.trigger ??= triggerOf(ev.event, ev.depth)),
      mode: rule.mode,
      outcome: 'fired',
      where: WHERE_PASSED,
      condition: null,
      facts: NONE,
      limits: NONE,
      actions: NONE,
      notes: NONE,
      errors: 0,
      startedAt: now,
      finishedAt: now,
      durationMs: 0,
    };
    return {
      ev,
      rule,
      runId,
      seq,
      segment,
      shadow: rule.mode === 'shadow',
      logStart: ev.facts.logFrom(),
      conditionFacts: null,
      replay: false,
      steps: NO_STEPS,
      trace,
      lock: undefined,
      t0: performance.now(),
      scope: undefined,
      ctx: undefined,
    };
  }

  private finish(run: Run, outcome: TraceOutcome, error?: unknown): RunSummary {
    const t = run.trace;
    t.outcome = outcome;
    if (error !== undefined) t.error = toTraceError(error);
    t.finishedAt = this.options.clock.now();
    t.durationMs = performance.now() - run.t0;
    const recorded = this.traces.wants(t.guildId, outcome);
    if (recorded) {
      if (run.replay) this.traces.record(new RunTrace(run, this.tracePrefix));
      else {
        t.facts = run.ev.facts.traceFacts(run.logStart, undefined, run.conditionFacts ?? undefined);
        this.traces.record(t);
      }
    }
    const summary: RunSummary = {
      guildId: t.guildId,
      ruleId: t.rule.id,
      runId: t.runId,
      eventId: t.trigger.id,
      eventType: t.trigger.type,
      depth: t.trigger.depth,
      mode: t.mode,
      outcome,
      actions: t.actions === NONE ? NONE : summaryActions(t),
    };
    if (recorded) summary.traceId = t.id;
    if (t.error) summary.error = t.error;
    if (t.parked) summary.parked = t.parked;
    this.notify(summary);
    return summary;
  }

  private notify(summary: RunSummary): void {
    // Most engines have no run listener: no `Set` iterator per run then.
    if (this.runListeners.size === 0) return;
    for (const listener of this.runListeners) {
      try {
        listener(summary);
      } catch (e) {
        this.logger.error({ err: e }, 'a run listener threw');
      }
    }
  }

  /**
   * One run. Synchronous while it can be: most runs end at `where` or at a false condition over facts already
   * resolved, and those make no promise and build no trace (a deferred one is recorded, built only if read).
   */
  private runRule(ev: EventRun, k: number): RunSummary | null | Promise<RunSummary | null> {
    const rule = ev.candidates[k] as CompiledRule;
    const memo = (ev.memo ??= ev.rules.conditions.memo());
    const where = rule.whereCondition;
    if (where !== null && this.evaluateOn(ev, where, memo, true) !== true) return this.quiet(ev, k, 'filtered');
    const condition = rule.condition;
    if (!condition) return this.afterCondition(this.startRun(ev, rule));
    let result: boolean | typeof PENDING;
    try {
      result = this.evaluateOn(ev, condition, memo, false);
    } catch (e) {
      return this.failed(this.conditionFailed(ev, rule, condition), e);
    }
    if (result === PENDING) return this.awaitCondition(ev, k, condition, memo);
    if (!result) return this.quiet(ev, k, 'condition-false');
    return this.afterCondition(this.startRun(ev, rule));
  }

  /** How quiet runs of a guild are kept this event: the store's fast path, `record`, or not at all. */
  private quietRecorder(guildId: string, outcome: TraceOutcome): DeferredRecorder | null {
    const traces = this.traces;
    if (traces.recorder !== undefined) return traces.recorder(guildId, outcome);
    return traces.wants(guildId, outcome) ? (source, k) => traces.record(deferredTrace(source, k, outcome)) : null;
  }

  /**
   * A run whose `where` passed. With `replay` (its condition passed too), its where checks, condition leaves and facts
   * are written into its trace only if the trace is read (`RunTrace`); without, the caller writes them.
   */
  private startRun(ev: EventRun, rule: CompiledRule, replay = true): Run {
    const run = this.newRun(ev, rule, `${ev.event.id}|${rule.id}`, 0);
    run.replay = replay;
    return run;
  }

  /** A run whose condition threw (rare): its trace says at once what `where` and the condition saw up to the error. */
  private conditionFailed(ev: EventRun, rule: CompiledRule, condition: NonNullable<CompiledRule['condition']>): Run {
    const run = this.startRun(ev, rule, false);
    const trace = run.trace;
    const checks: WhereCheck[] = [];
    trace.where = { result: checkWhereOn(rule.where, ev, checks), checks };
    const keys: string[] = [];
    trace.condition = { result: null, leaves: replayLeaves(condition, ev.facts, keys) };
    run.conditionFacts = keys;
    return run;
  }

  /**
   * A quiet run, one that ended at `where` or at a false condition (most runs): no summary (`dispatch` lists only runs
   * that acted or could have), a deferred trace when its bucket wants one, and a summary only for `onRun` listeners.
   */
  private quiet(ev: EventRun, k: number, outcome: 'filtered' | 'condition-false'): null {
    const guildId = ev.event.guildId;
    // Asked once per event and outcome: most events have many quiet runs.
    let keep = outcome === 'condition-false' ? ev.keepFalse : ev.keepFiltered;
    if (keep === undefined) {
      const made = this.quietRecorder(guildId, outcome);
      if (outcome === 'condition-false') ev.keepFalse = made;
      else ev.keepFiltered = made;
      keep = made;
    }
    let runs: QuietRuns | undefined;
    if (keep !== null) {
      runs = ev.quiet;
      if (runs === undefined) {
        // One record for the event's quiet runs, with a trace number reserved for each of its candidate rules.
        runs = ev.quiet = new QuietRuns(this.tracePrefix, this.traceSeq + 1, ev);
        this.traceSeq += ev.candidates.length;
      }
      keep(runs, k);
    }
    if (this.runListeners.size > 0) {
      const event = ev.event;
      const rule = ev.candidates[k] as CompiledRule;
      const summary: RunSummary = {
        guildId,
        ruleId: rule.id,
        runId: `${event.id}|${rule.id}`,
        eventId: event.id,
        eventType: event.type,
        depth: ev.depth,
        mode: rule.mode,
        outcome,
        actions: NONE,
      };
      if (runs !== undefined) summary.traceId = runs.id(k);
      this.notify(summary);
    }
    return null;
  }

  /** The condition needs a fact that is still resolving: await it, evaluate again (memoised facts read instantly). */
  private async awaitCondition(
    ev: EventRun,
    k: number,
    condition: NonNullable<CompiledRule['condition']>,
    memo: ConditionMemo,
  ): Promise<RunSummary | null> {
    // The run starts now (its trace's time and duration include the wait); its records are made only if it goes on.
    const startedAt = this.options.clock.now();
    const t0 = performance.now();
    const facts = ev.facts;
    let result: boolean | typeof PENDING = PENDING;
    let failure: { error: unknown } | undefined;
    try {
      while (result === PENDING) {
        await facts.settle();
        result = this.evaluateOn(ev, condition, memo, false);
      }
    } catch (e) {
      failure = { error: e };
    }
    // A false condition after the wait is as quiet as one without (the common case of an io fact in Redis).
    if (failure === undefined && result === false) return this.quiet(ev, k, 'condition-false');
    const rule = ev.candidates[k] as CompiledRule;
    const run = failure === undefined ? this.startRun(ev, rule) : this.conditionFailed(ev, rule, condition);
    run.t0 = t0;
    run.trace.startedAt = startedAt;
    if (failure !== undefined) return this.failed(run, failure.error);
    return this.afterCondition(run);
  }

  /**
   * A run whose condition failed. With a marker not yet written (`MarkedState`), it is recorded only once the marker
   * says this delivery is the first: a state fact of a redelivered event fails with `Redelivered`, and that event is
   * dropped, not recorded as an error.
   */
  private failed(run: Run, error: unknown): RunSummary | Promise<RunSummary> {
    const state = run.ev.state;
    if (state instanceof MarkedState)
      return state.ensure().then((first) => {
        if (!first) throw new Redelivered();
        return this.finish(run, 'error', error);
      });
    return this.finish(run, 'error', error);
  }

  /** A run that passed its condition goes on; with a marker not yet written, once the marker said it is the first. */
  private afterCondition(run: Run): RunSummary | Promise<RunSummary> {
    const state = run.ev.state;
    if (state instanceof MarkedState && !state.confirmed)
      return state.ensure().then((first) => {
        if (!first) throw new Redelivered();
        return this.proceed(run);
      });
    return this.proceed(run);
  }

  private proceed(run: Run): RunSummary | Promise<RunSummary> {
    const rule = run.rule;
    // No limit and no lock to take: straight to the steps.
    if (!run.shadow && rule.cooldown === undefined && rule.rate === undefined && rule.concurrency.mode === 'parallel')
      return this.execute(run, 0);
    return this.afterConditionChecked(run);
  }

  private async afterConditionChecked(run: Run): Promise<RunSummary> {
    if (run.shadow) {
      await this.recordWouldRun(run, 0);
      return this.finish(run, 'shadow');
    }
    try {
      if (!(await this.checkLimits(run))) return this.finish(run, 'limited');
      const acquired = await this.acquire(run);
      if (!acquired) return this.finish(run, 'limited');
    } catch (e) {
      return this.finish(run, 'error', e);
    }
    return this.execute(run, 0);
  }

  /** Shadow mode: every remaining step is rendered and recorded as "would run"; no port is called. */
  private async recordWouldRun(run: Run, from: number): Promise<void> {
    for (const step of run.rule.steps.slice(from)) {
      const startedAt = this.options.clock.now();
      if (step.kind === 'wait') {
        add(run.trace, 'actions', {
          step: step.index,
          pointer: step.pointer,
          action: 'wait',
          params: { ms: step.ms },
          status: 'would-run',
          attempts: 0,
          startedAt,
          ms: 0,
        });
        continue;
      }
      const unresolved: string[] = [];
      let params: unknown;
      try {
        params = await renderValue(step.params, this.scope(run), unresolved);
      } catch (e) {
        add(run.trace, 'actions', {
          step: step.index,
          pointer: step.pointer,
          action: step.name,
          params: null,
          status: 'would-run',
          error: toTraceError(e),
          attempts: 0,
          startedAt,
          ms: 0,
        });
        continue;
      }
      if (unresolved.length > 0) {
        add(run.trace, 'notes', {
          at: startedAt,
          message: `shadow mode: ${unresolved.join(', ')} left unrendered (needs a Discord lookup)`,
        });
      }
      add(run.trace, 'actions', {
        step: step.index,
        pointer: step.pointer,
        action: step.name,
        params,
        status: 'would-run',
        attempts: 0,
        startedAt,
        ms: 0,
      });
    }
  }

  // ───────────────────────────── limits & concurrency ─────────────────────────────

  private async checkLimits(run: Run): Promise<boolean> {
    const { rule, ev } = run;
    const payload = ev.event.payload;
    let cooldownKey: string | undefined;
    if (rule.cooldown) {
      const key = limitKey(rule.cooldown.per, payload);
      cooldownKey = shortKey(`${rule.id}|${key}`);
      const free = await ev.state.setIfAbsent(
        ENGINE_STATE.cooldown,
        cooldownKey,
        String(ev.facts.now),
        rule.cooldown.ms,
      );
      if (!free) {
        add(run.trace, 'limits', { kind: 'cooldown', key });
        return false;
      }
    }
    if (rule.rate) {
      const key = limitKey(rule.rate.per, payload);
      const taken = await ev.state.take(
        ENGINE_STATE.rate,
        shortKey(`${rule.id}|${key}`),
        rule.rate.max,
        rule.rate.ms,
        ev.facts.now,
      );
      if (!taken.allowed) {
        // The run does not fire, so it must not hold the cooldown either.
        if (cooldownKey !== undefined) await ev.state.del(ENGINE_STATE.cooldown, cooldownKey);
        add(run.trace, 'limits', { kind: 'rate', key, count: taken.count, retryAfterMs: taken.retryAfterMs });
        return false;
      }
    }
    return true;
  }

  /** Takes the rule's concurrency lock (per key) when its mode is not `parallel`. False = the run does not go on now. */
  private async acquire(run: Run): Promise<boolean> {
    const { rule, ev } = run;
    if (rule.concurrency.mode === 'parallel') return true;
    const key = limitKey(rule.concurrency.per, ev.event.payload);
    const lock = shortKey(`${rule.id}|${key}`);
    const ttl = rule.parkMs + HOUR;
    const mine = JSON.stringify({ runId: run.runId, timerId: null });
    if (await ev.state.setIfAbsent(ENGINE_STATE.lock, lock, mine, ttl)) {
      run.lock = lock;
      add(run.trace, 'limits', { kind: 'concurrency', key, decision: 'acquired' });
      return true;
    }
    switch (rule.concurrency.mode) {
      case 'drop':
        add(run.trace, 'limits', { kind: 'concurrency', key, decision: 'dropped' });
        return false;
      case 'restart': {
        const holder = parseLock(await ev.state.get(ENGINE_STATE.lock, lock));
        if (holder?.timerId) await this.options.scheduler.cancel(ev.event.guildId, holder.timerId);
        await ev.state.set(ENGINE_STATE.lock, lock, mine, ttl);
        run.lock = lock;
        add(run.trace, 'limits', { kind: 'concurrency', key, decision: 'restarted' });
        if (holder)
          add(run.trace, 'notes', {
            at: this.options.clock.now(),
            message: `replaced the running run ${holder.runId}`,
          });
        return true;
      }
      case 'queue': {
        const seq = await ev.state.incr(ENGINE_STATE.queueSeq, lock, 1, ttl);
        const parked: ParkedRun = {
          v: 1,
          runId: run.runId,
          ruleId: rule.id,
          stepsHash: rule.stepsHash,
          ruleSetVersion: ev.rules.version,
          segment: 1,
          step: 0,
          event: ev.event,
          depth: ev.depth,
          facts: ev.facts.snapshot(),
          steps: {},
          lock,
          queued: true,
        };
        await ev.state.set(
          ENGINE_STATE.queue,
          `${lock}|${String(seq).padStart(12, '0')}`,
          JSON.stringify(parked),
          ttl * 4,
        );
        add(run.trace, 'limits', { kind: 'concurrency', key, decision: 'queued' });
        return false;
      }
    }
  }

  /** Releases the run's lock; in `queue` mode hands it to the oldest queued run and starts that one. */
  private async release(run: Run): Promise<void> {
    if (run.lock === undefined) return;
    const { ev, rule } = run;
    const lock = run.lock;
    run.lock = undefined;
    const holder = parseLock(await ev.state.get(ENGINE_STATE.lock, lock));
    if (holder && holder.runId !== run.runId) return;
    if (rule.concurrency.mode === 'queue') {
      const prefix = `${lock}|`;
      const queued = (await ev.state.keys(ENGINE_STATE.queue)).filter((k) => k.startsWith(prefix)).sort();
      for (const key of queued) {
        const raw = await ev.state.get(ENGINE_STATE.queue, key);
        await ev.state.del(ENGINE_STATE.queue, key);
        const next = parseParked(raw);
        if (!next) continue;
        const timerId = resumeTimerId(next.ruleId, next.runId, 0);
        const ttl = rule.parkMs + HOUR;
        await ev.state.set(ENGINE_STATE.lock, lock, JSON.stringify({ runId: next.runId, timerId }), ttl);
        await this.options.scheduler.schedule({
          id: timerId,
          guildId: ev.event.guildId,
          kind: TIMER_KINDS.resume,
          dueAt: this.options.clock.now(),
          payload: next as unknown as Json,
        });
        return;
      }
    }
    await ev.state.del(ENGINE_STATE.lock, lock);
  }

  // ───────────────────────────── steps ─────────────────────────────

  /**
   * The steps from `from` on. Synchronous while it can be: actions that answer without a promise (see
   * `ActionDefinition.run`) run one after the other on the spot; an action that answers with a promise goes on from
   * the next step once it settled, and a `wait` or a lock to release ends the run asynchronously.
   */
  private execute(run: Run, from: number): RunSummary | Promise<RunSummary> {
    const steps = run.rule.steps;
    for (let i = from; i < steps.length; i++) {
      const step = steps[i] as CompiledStep;
      if (step.kind === 'wait') return this.waitStep(run, step);
      const error = this.runAction(run, step);
      if (error instanceof Promise) return error.then((e: unknown) => this.afterStep(run, step, i, e));
      if (error !== undefined && step.onError === 'stop') return this.stopped(run, error);
    }
    if (run.lock !== undefined) return this.releaseThenFinish(run);
    return this.finish(run, 'fired');
  }

  /** After step `i` (an action) settled asynchronously with `error` (undefined: it succeeded). */
  private afterStep(run: Run, step: CompiledActionStep, i: number, error: unknown): RunSummary | Promise<RunSummary> {
    if (error !== undefined && step.onError === 'stop') return this.stopped(run, error);
    return this.execute(run, i + 1);
  }

  /** A run whose action failed with `onError: stop`: its lock (if any) is released, and it ends in error. */
  private stopped(run: Run, error: unknown): RunSummary | Promise<RunSummary> {
    if (run.lock === undefined) return this.finish(run, 'error', error);
    return this.safeRelease(run).then(() => this.finish(run, 'error', error));
  }

  /** A `wait`: the rest of the run is parked as a timer (its lock kept) and this segment ends. */
  private async waitStep(run: Run, step: CompiledWaitStep): Promise<RunSummary> {
    try {
      const parkedOk = await this.park(run, step.index + 1, step.ms, step.pointer);
      if (!parkedOk) return this.finish(run, 'cancelled');
    } catch (e) {
      await this.safeRelease(run);
      return this.finish(run, 'error', e);
    }
    return this.finish(run, 'fired');
  }

  /** Every step done: the run's lock is released, then it ends. */
  private async releaseThenFinish(run: Run): Promise<RunSummary> {
    try {
      await this.release(run);
    } catch (e) {
      return this.finish(run, 'error', e);
    }
    return this.finish(run, 'fired');
  }

  private async safeRelease(run: Run): Promise<void> {
    try {
      await this.release(run);
    } catch (e) {
      this.logger.error({ err: e, runId: run.runId }, 'could not release a concurrency lock');
    }
  }

  /**
   * Runs one action with rendering, validation and retries; its result is the error when it failed (undefined when it
   * succeeded). Synchronous when it can be: an action whose `run` answers without a promise, with parameters that
   * render without a lookup, completes on the spot (no timer, no promise). A promise goes on in `settleAction`.
   */
  private runAction(run: Run, step: CompiledActionStep): unknown {
    const startedAt = this.options.clock.now();
    const t0 = performance.now();
    const entry: TraceAction = {
      step: step.index,
      pointer: step.pointer,
      action: step.name,
      params: null,
      status: 'ok',
      attempts: 0,
      startedAt,
      ms: 0,
    };
    add(run.trace, 'actions', entry);
    let params: unknown;
    try {
      if (step.params.dynamic) {
        params = renderTreeMaybe(step.params.value, (run.scope ??= this.scope(run)), []);
        if (params instanceof Promise) return this.renderThenRun(run, step, entry, t0, params);
      } else params = step.paramsChecked ? step.params.value : cloneJson(step.params.value);
      checkedParams(step, entry, params);
    } catch (e) {
      return actionFailed(run, entry, t0, e);
    }
    return this.attempt(run, step, entry, t0, params as JsonObject);
  }

  /** `runAction` once its parameters needed a lookup to render. */
  private async renderThenRun(
    run: Run,
    step: CompiledActionStep,
    entry: TraceAction,
    t0: number,
    pending: Promise<unknown>,
  ): Promise<unknown> {
    let params: unknown;
    try {
      params = await pending;
      checkedParams(step, entry, params);
    } catch (e) {
      return actionFailed(run, entry, t0, e);
    }
    return this.attempt(run, step, entry, t0, params as JsonObject);
  }

  /** The first attempt: done on the spot when `run` answers without a promise (or a thenable). */
  private attempt(run: Run, step: CompiledActionStep, entry: TraceAction, t0: number, params: JsonObject): unknown {
    const ctx = (run.ctx ??= this.actionContext(run));
    entry.attempts++;
    const out = invoke(step, params, ctx);
    if (isThenable(out)) return this.settleAction(run, step, entry, t0, params, ctx, out);
    actionDone(run, step, entry, t0, out);
    return undefined;
  }

  /** The rest of an action that answered with a promise: its timeout, then retries (each attempt awaited). */
  private async settleAction(
    run: Run,
    step: CompiledActionStep,
    entry: TraceAction,
    t0: number,
    params: JsonObject,
    ctx: ActionContext,
    first: PromiseLike<unknown>,
  ): Promise<unknown> {
    let attempt: unknown = first;
    for (;;) {
      try {
        const result = await this.withTimeout(Promise.resolve(attempt), step.name, step.pointer);
        actionDone(run, step, entry, t0, result);
        return undefined;
      } catch (raw) {
        const e =
          raw instanceof RulecordError
            ? raw
            : new RulecordError(
                RUNTIME_CODES.RC_ACTION_FAILED,
                `The action "${step.name}" failed: ${raw instanceof Error ? raw.message : String(raw)}`,
                { kind: 'bug', pointer: step.pointer, cause: raw },
              );
        if (e.kind === 'transient' && entry.attempts < step.retry.attempts) {
          const backoff = Math.min(this.maxBackoffMs, step.retry.backoffMs * 2 ** (entry.attempts - 1));
          add(run.trace, 'notes', {
            at: this.options.clock.now(),
            message: `${step.name}: attempt ${entry.attempts} failed (${e.code}), retrying in ${backoff}ms`,
          });
          await this.sleep(backoff);
          entry.attempts++;
          attempt = invoke(step, params, ctx);
          continue;
        }
        return actionFailed(run, entry, t0, e);
      }
    }
  }

  /**
   * `work`, or RC_ACTION_TIMEOUT after `actionTimeoutMs`. The timer is armed only when the action has not settled within
   * a microtask (most actions here are already settled promises), so a quick action costs no timer.
   */
  private withTimeout<T>(work: Promise<T>, action: string, pointer: string): Promise<T> {
    const ms = this.actionTimeoutMs;
    if (ms <= 0) return work;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      work.then(
        (v) => {
          settled = true;
          if (timer !== undefined) clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          settled = true;
          if (timer !== undefined) clearTimeout(timer);
          reject(e);
        },
      );
      queueMicrotask(() => {
        if (settled) return;
        timer = setTimeout(
          () =>
            reject(
              new RulecordError(
                RUNTIME_CODES.RC_ACTION_TIMEOUT,
                `The action "${action}" did not finish within ${ms} ms.`,
                {
                  kind: 'transient',
                  pointer,
                  fix: 'It may still complete later. Add `retry` only if the action is safe to repeat; report a module that hangs.',
                },
              ),
            ),
          ms,
        );
        timer.unref?.();
      });
    });
  }

  /** What the action contexts of a rule share (its logger, its `ctx.rule`): made once per compiled rule. */
  private ruleParts(rule: CompiledRule, guildId: string): RuleContextParts {
    let parts = this.ruleContexts.get(rule);
    if (parts === undefined) {
      const logger = this.logger;
      parts = {
        rule: Object.freeze({ id: rule.id, mode: rule.mode }),
        log: {
          debug: (o, m) => logger.debug({ ...o, guildId, rule: rule.id }, m),
          info: (o, m) => logger.info({ ...o, guildId, rule: rule.id }, m),
          warn: (o, m) => logger.warn({ ...o, guildId, rule: rule.id }, m),
          error: (o, m) => logger.error({ ...o, guildId, rule: rule.id }, m),
        },
      };
      this.ruleContexts.set(rule, parts);
    }
    return parts;
  }

  private actionContext(run: Run): ActionContext {
    return new RunActionContext(
      run,
      this.ruleParts(run.rule, run.ev.event.guildId),
      this.options.scheduler,
      this.emitDepth,
    );
  }

  /** Parks the rest of the run as a `rule.resume` timer. False when the run lost its concurrency lock meanwhile. */
  private async park(run: Run, nextStep: number, ms: number, pointer: string): Promise<boolean> {
    const { ev, rule } = run;
    const timerId = resumeTimerId(rule.id, run.runId, nextStep);
    const until = this.options.clock.now() + ms;
    if (run.lock !== undefined) {
      const holder = parseLock(await ev.state.get(ENGINE_STATE.lock, run.lock));
      if (holder && holder.runId !== run.runId) {
        add(run.trace, 'notes', {
          at: this.options.clock.now(),
          message: `stopped: replaced by run ${holder.runId} (concurrency: restart)`,
        });
        run.lock = undefined;
        return false;
      }
      await ev.state.set(
        ENGINE_STATE.lock,
        run.lock,
        JSON.stringify({ runId: run.runId, timerId }),
        rule.parkMs + HOUR,
      );
    }
    const parked: ParkedRun = {
      v: 1,
      runId: run.runId,
      ruleId: rule.id,
      stepsHash: rule.stepsHash,
      ruleSetVersion: ev.rules.version,
      segment: run.segment + 1,
      step: nextStep,
      event: ev.event,
      depth: ev.depth,
      facts: ev.facts.snapshot(),
      steps: run.steps,
      ...(run.lock !== undefined ? { lock: run.lock } : {}),
    };
    await this.options.scheduler.schedule({
      id: timerId,
      guildId: ev.event.guildId,
      kind: TIMER_KINDS.resume,
      dueAt: until,
      payload: JSON.parse(JSON.stringify(parked)) as Json,
    });
    add(run.trace, 'actions', {
      step: nextStep - 1,
      pointer,
      action: 'wait',
      params: { ms },
      status: 'parked',
      attempts: 1,
      startedAt: this.options.clock.now(),
      ms: 0,
    });
    run.trace.parked = { timerId, until, step: nextStep };
    return true;
  }

  // ───────────────────────────── variables ─────────────────────────────

  private lookup(run: Run, key: string, load: () => Promise<unknown>): unknown {
    if (run.shadow) return UNRESOLVED;
    const lookups = (run.ev.lookups ??= new Map());
    let p = lookups.get(key);
    if (!p) {
      p = load();
      lookups.set(key, p);
    }
    return p;
  }

  private scope(run: Run): VariableScope {
    const { ev, rule } = run;
    const payload = ev.event.payload;
    const obj = asObject;
    const then = thenGet;
    return (root: VariableRoot, path: readonly string[]): unknown => {
      const [head, ...rest] = path;
      switch (root) {
        case 'event':
          return safeGet(payload, path);
        case 'now':
          return path.length === 0 ? ev.facts.now : undefined;
        case 'steps':
          return safeGet(run.steps, path);
        case 'settings':
          return safeGet(ev.rules.settings, path);
        case 'rule':
          return safeGet({ id: rule.id, mode: rule.mode }, path);
        case 'facts': {
          const split = ev.facts.splitFactPath(path);
          if (!split) return undefined;
          return ev.facts.get(split.name, undefined).then((v) => safeGet(v, split.rest));
        }
        case 'user':
        case 'author':
        case 'member': {
          const id = eventUserId(payload);
          if (head === undefined) return id;
          if (head === 'id') return then(id, rest);
          if (head === 'mention') return id === undefined ? undefined : `<@${id}>`;
          const inline = obj(root === 'member' ? payload.member : (payload.author ?? payload.user ?? payload.member));
          if (inline && Object.hasOwn(inline, head)) return safeGet(inline, path);
          if (id === undefined) return undefined;
          const member = this.lookup(run, `member:${id}`, () => ev.discord.member(id));
          const field = (m: unknown): unknown => {
            const info = obj(m);
            if (!info) return undefined;
            if (head === 'displayName') return info.displayName ?? info.username;
            if (head === 'name') return info.username;
            return info[head];
          };
          return member === UNRESOLVED ? UNRESOLVED : (member as Promise<unknown>).then((m) => safeGet(field(m), rest));
        }
        case 'channel': {
          const id = eventChannelId(payload);
          if (head === undefined) return id;
          if (head === 'id') return then(id, rest);
          if (head === 'mention') return id === undefined ? undefined : `<#${id}>`;
          const inline = obj(payload.channel);
          if (inline && Object.hasOwn(inline, head)) return safeGet(inline, path);
          if (id === undefined) return undefined;
          return then(
            this.lookup(run, `channel:${id}`, () => ev.discord.channel(id)),
            path,
          );
        }
        case 'guild': {
          if (head === undefined || head === 'id') return then(ev.event.guildId, rest);
          const inline = obj(payload.guild);
          if (inline && Object.hasOwn(inline, head)) return safeGet(inline, path);
          return then(
            this.lookup(run, 'guild', () => ev.discord.guild()),
            path,
          );
        }
      }
    };
  }

  // ───────────────────────────── timers ─────────────────────────────

  /**
   * The Scheduler's handler: resumes parked runs (`rule.resume`), dispatches scheduled events (`rule.event`), and turns
   * any other timer into a `timer.fired` event. A parked run never throws (a retry would repeat its actions): what
   * goes wrong is in its trace.
   */
  async handleTimer(timer: TimerRecord): Promise<void> {
    if (timer.kind === TIMER_KINDS.resume) {
      await this.resume(timer);
      return;
    }
    if (timer.kind === TIMER_KINDS.event) {
      const p = obj(timer.payload);
      if (!p || typeof p.type !== 'string') {
        this.logger.warn({ timer: timer.id, guildId: timer.guildId }, 'scheduled event timer without an event type');
        return;
      }
      await this.dispatch({
        id: `timer.${timer.id}@${timer.dueAt}`,
        guildId: timer.guildId,
        type: p.type,
        at: timer.dueAt,
        payload: (obj(p.payload) ?? {}) as JsonObject,
      });
      return;
    }
    const toEvent = this.options.timerEvents?.[timer.kind];
    if (toEvent) {
      const event = toEvent(timer);
      if (event) await this.dispatch({ ...event, guildId: timer.guildId });
      return;
    }
    await this.dispatch({
      id: `timer.${timer.id}@${timer.dueAt}`,
      guildId: timer.guildId,
      type: 'timer.fired',
      at: timer.dueAt,
      payload: { timerId: timer.id, kind: timer.kind, data: timer.payload ?? null, dueAt: timer.dueAt },
    });
  }

  private async resume(timer: TimerRecord): Promise<void> {
    const parked = parseParked(timer.payload);
    if (!parked || parked.event.guildId !== timer.guildId) {
      this.logger.error({ timer: timer.id, guildId: timer.guildId }, RUNTIME_CODES.RC_RESUME_BAD_PAYLOAD);
      return;
    }
    const rules = this.guilds.get(timer.guildId);
    if (!rules) {
      // Nothing has run yet, so a retry is safe: this process has not loaded the guild (yet).
      throw new RulecordError(
        RUNTIME_CODES.RC_RESUME_GUILD_NOT_LOADED,
        `A parked run of guild ${timer.guildId} fell due, but this engine has no rule set loaded for that guild.`,
        {
          kind: 'transient',
          fix: "Load every guild's rule set before starting the scheduler in a process that handles timers.",
        },
      );
    }
    const state = this.stateOf(timer.guildId);
    const rule = rules.byId.get(parked.ruleId);
    const summaries: RunSummary[] = [];
    try {
      if (!rule) {
        // Documented: a parked run whose rule was removed (or disabled) stops; its lock is released.
        if (parked.lock !== undefined) await state.del(ENGINE_STATE.lock, parked.lock);
        {
          const ev = this.eventRun(parked.event, parked.depth, rules, state);
          const ghost: CompiledRule = {
            order: -1,
            id: parked.ruleId,
            pointer: '',
            template: undefined,
            tags: undefined,
            traceRule: { id: parked.ruleId, pointer: '' },
            on: [parked.event.type],
            mode: 'enforce',
            where: undefined,
            whereCondition: null,
            condition: null,
            steps: [],
            stepsHash: parked.stepsHash,
            cooldown: undefined,
            rate: undefined,
            concurrency: { mode: 'parallel', per: 'user' },
            parkMs: 0,
          };
          const run = this.newRun(ev, ghost, parked.runId, parked.segment);
          summaries.push(
            this.finish(
              run,
              'cancelled',
              new RulecordError(
                RUNTIME_CODES.RC_RESUME_RULE_GONE,
                `Rule "${parked.ruleId}" was removed or disabled while a run was waiting; the rest of the run is dropped.`,
                { kind: 'user' },
              ),
            ),
          );
        }
        return;
      }
      const ev = this.eventRun(parked.event, parked.depth, rules, state, parked.facts);
      const run = this.newRun(ev, rule, parked.runId, parked.segment);
      run.steps = parked.steps;
      run.lock = parked.lock;
      if (parked.queued)
        add(run.trace, 'notes', { at: this.options.clock.now(), message: 'started from the concurrency queue' });
      else
        add(run.trace, 'notes', {
          at: this.options.clock.now(),
          message: `resumed at step ${parked.step} after a wait`,
        });
      if (rule.stepsHash !== parked.stepsHash) {
        await this.safeRelease(run);
        summaries.push(
          this.finish(
            run,
            'cancelled',
            new RulecordError(
              RUNTIME_CODES.RC_RESUME_RULE_CHANGED,
              `The steps of rule "${rule.id}" changed while a run was waiting; the rest of the run is dropped rather than run against steps it did not start with.`,
              { kind: 'user', pointer: `${rule.pointer}/then` },
            ),
          ),
        );
        return;
      }
      if (run.lock !== undefined) {
        const holder = parseLock(await state.get(ENGINE_STATE.lock, run.lock));
        if (holder && holder.runId !== run.runId) {
          run.lock = undefined;
          add(run.trace, 'notes', {
            at: this.options.clock.now(),
            message: `replaced by run ${holder.runId} (concurrency: restart)`,
          });
          summaries.push(this.finish(run, 'cancelled'));
          return;
        }
      }
      if (run.shadow) {
        await this.safeRelease(run);
        await this.recordWouldRun(run, parked.step);
        summaries.push(this.finish(run, 'shadow'));
        return;
      }
      summaries.push(await this.execute(run, parked.step));
      summaries.push(...(await this.dispatchEmitted(ev)));
    } catch (e) {
      this.logger.error({ err: e, timer: timer.id, guildId: timer.guildId }, 'resuming a parked run failed');
    }
  }
}
