/**
 * What one run is made of: the per-event and per-run records the engine keeps, the summaries `dispatch` returns, the
 * context of a run parked by `wait`, and the deferred traces of runs that ended early.
 */
import { createHash } from 'node:crypto';
import type { GuildDiscord } from '../discord/port.js';
import type { Json, JsonObject, RuleEvent, RuleMode } from '../model/document.js';
import type { GuildState } from '../state/port.js';
import type { ActionStatus, Trace, TraceAction, TraceError, TraceOutcome, WhereCheck } from '../trace/model.js';
import type { DeferredRecorder, DeferredTrace, DeferredTraces } from '../trace/store.js';
import type { CompiledActionStep, CompiledRule, CompiledStep, GuildRules } from './compile-rules.js';
import type { ConditionMemo, LeafResult } from './deps.js';
import type { EventFacts } from './facts.js';
import type { ActionContext } from '../model/module.js';
import type { VariableScope } from './variables.js';
import type { WhereSubject } from './where.js';
import { checkWhereOn, whereSubject } from './where.js';

/** Timer kinds the engine handles itself. */
export const TIMER_KINDS = {
  /** A run parked by `wait` (payload: `ParkedRun`). */
  resume: 'rule.resume',
  /** An event scheduled by `ctx.schedule` (payload: `{ type, payload }`); its firing dispatches the event. */
  event: 'rule.event',
} as const;

/** State features the engine writes (all guild-scoped). */
export const ENGINE_STATE = {
  seen: 'engine.event',
  cooldown: 'rule.cooldown',
  rate: 'rule.rate',
  lock: 'rule.lock',
  queue: 'rule.queue',
  queueSeq: 'rule.queueseq',
} as const;

export interface RunSummaryAction {
  step: number;
  action: string;
  params: unknown;
  status: ActionStatus;
  mode: RuleMode;
}

/** What one run of one rule did, returned by `dispatch` (the full story is in its trace). */
export interface RunSummary {
  guildId: string;
  ruleId: string;
  runId: string;
  eventId: string;
  eventType: string;
  /** 0 for a dispatched event; n for an event emitted by a run at depth n-1. */
  depth: number;
  mode: RuleMode;
  outcome: TraceOutcome;
  /** Absent when the trace was not recorded (filtered runs by default). */
  traceId?: string;
  actions: RunSummaryAction[];
  error?: TraceError;
  parked?: { timerId: string; until: number; step: number };
}

/** The context of a run parked by `wait`: the payload of its `rule.resume` timer (JSON). */
export interface ParkedRun {
  v: 1;
  runId: string;
  ruleId: string;
  stepsHash: string;
  ruleSetVersion: string;
  /** Next segment number. */
  segment: number;
  /** Index in `then` to resume at. */
  step: number;
  event: RuleEvent;
  depth: number;
  /** Facts the run had already seen, by memo key. */
  facts: Record<string, unknown>;
  /** Results of steps named with `as`. */
  steps: Record<string, Json>;
  /** The concurrency lock the run holds, if its rule has one. */
  lock?: string;
  /** Started from the concurrency queue (its conditions and limits were checked when it was queued). */
  queued?: boolean;
}

export function shortKey(value: string): string {
  return value.length <= 200 ? value : `h.${createHash('sha256').update(value).digest('hex')}`;
}

/**
 * Per event: the facts memo, cached Discord lookups, and the events its runs emitted. It is also what `where` reads of
 * the event (a `WhereSubject`, computed once for every rule of the event): no object of its own.
 */
export interface EventRun extends WhereSubject {
  event: RuleEvent;
  /** The trigger part of the traces of this event's runs that passed (shared; made by the first). */
  trigger: Trace['trigger'] | undefined;
  depth: number;
  rules: GuildRules;
  facts: EventFacts;
  state: GuildState;
  discord: GuildDiscord;
  /** Made on first lookup. */
  lookups: Map<string, Promise<unknown>> | undefined;
  /** `NONE` until a run emits (then a list of its own: see `add`). */
  emitted: { type: string; payload: JsonObject; ruleId: string }[];
  /** Fact values and shared leaf results of the rule set's conditions for this event (made on first condition). */
  memo: ConditionMemo | undefined;
  /** The rules routed to this event, in order (run k of `quiet` is rule k). */
  candidates: readonly CompiledRule[];
  /** The record of this event's quiet runs (made on the first one kept). */
  quiet: QuietRuns | undefined;
  /** How this event's quiet runs are kept (asked of the trace store on the first one; null: not kept). */
  keepFalse: DeferredRecorder | null | undefined;
  keepFiltered: DeferredRecorder | null | undefined;
}

/** Per run of one rule. */
export interface Run {
  ev: EventRun;
  rule: CompiledRule;
  runId: string;
  /** Its trace's sequence number (the trace id is `traceId(prefix, seq)`). */
  seq: number;
  segment: number;
  shadow: boolean;
  /** Position in the event's fact log when the run started: its facts are the ones logged after it (`logFrom`). */
  logStart: number;
  /** Facts its condition read (replayed for the trace), listed first in the trace. */
  conditionFacts: string[] | null;
  /**
   * Its `where` checks, condition leaves and facts are still to be written into its trace (`RunTrace`): a run whose
   * `where` and condition passed records them only if its trace is read. False when they are written already (a
   * condition that threw) or there are none (a resumed segment).
   */
  replay: boolean;
  steps: Record<string, Json>;
  trace: Trace;
  lock: string | undefined;
  t0: number;
  /** The run's variable scope and action context, made on first use and shared by its steps. */
  scope: VariableScope | undefined;
  ctx: ActionContext | undefined;
}

/** The trigger part of the traces of an event's runs. */
export function triggerOf(event: RuleEvent, depth: number): Trace['trigger'] {
  return { id: event.id, type: event.type, at: event.at, depth, payload: event.payload };
}

/** The leaves a condition saw, evaluated again over the event's memo (deterministic: every fact it reads is memoised). */
export function replayLeaves(
  condition: NonNullable<CompiledRule['condition']>,
  facts: EventFacts,
  keys: string[] | null = null,
): LeafResult[] {
  const leaves: LeafResult[] = [];
  try {
    condition.evaluate(keys === null ? facts.peek : facts.peekInto(keys), leaves);
  } catch {
    // The leaves before the one that threw are recorded; the trace's error says why.
  }
  return leaves;
}

/**
 * The quiet runs of one event (ended at `where` or at a false condition: most runs), as one record: run k is the
 * event's k-th candidate rule, and its trace is built only when read or streamed, from the event's memoised facts (which
 * do not change once resolved). One object per event, not one per quiet run.
 */
export class QuietRuns implements DeferredTraces {
  // What the traces show, and no more of the event: not the EventRun (its condition memo, readers, handles), which
  // would then stay alive as long as a trace is kept — most are kept a while (condition-false buckets), so each object
  // held here survives scavenges and is promoted. The event, its guild and its start are the facts' own.
  private readonly facts: EventFacts;
  private readonly depth: number;
  /** The trigger part of its traces (made by the first built: most records are never built). */
  #trigger: Trace['trigger'] | undefined;
  private readonly version: string;
  private readonly rules: readonly CompiledRule[];
  #built: Map<number, Trace> | undefined;
  #subject: WhereSubject | undefined;

  /** `seq0` … `seq0 + candidates - 1` are this event's trace sequence numbers for its quiet runs. */
  constructor(
    private readonly prefix: string,
    private readonly seq0: number,
    ev: EventRun,
  ) {
    this.facts = ev.facts;
    this.depth = ev.depth;
    this.version = ev.rules.version;
    this.rules = ev.candidates;
  }
  get guildId(): string {
    return this.facts.guildId;
  }
  /** When the event's handling began (quiet runs' duration is not measured). */
  get startedAt(): number {
    return this.facts.now;
  }
  private get event(): RuleEvent {
    return this.facts.event;
  }
  id(k: number): string {
    return traceId(this.prefix, this.seq0 + k);
  }
  ruleId(k: number): string {
    return (this.rules[k] as CompiledRule).id;
  }
  tags(k: number): readonly string[] | undefined {
    return (this.rules[k] as CompiledRule).tags;
  }
  build(k: number, outcome: TraceOutcome): Trace {
    const done = this.#built?.get(k);
    if (done) return done;
    const rule = this.rules[k] as CompiledRule;
    const facts = this.facts;
    const checks: WhereCheck[] = [];
    // The event's where subject is made again (from the event, as it was made): a record does not keep it alive.
    const whereOk = checkWhereOn(
      rule.where,
      (this.#subject ??= whereSubject(this.event.type, this.event.payload)),
      checks,
    );
    // The facts it saw are the ones its condition reads, replayed over the event's memo.
    const keys: string[] = [];
    const condition =
      outcome === 'condition-false' && rule.condition
        ? { result: false as const, leaves: replayLeaves(rule.condition, facts, keys) }
        : null;
    const trace: Trace = {
      id: this.id(k),
      runId: `${this.event.id}|${rule.id}`,
      segment: 0,
      guildId: this.guildId,
      rule: rule.traceRule,
      ruleSetVersion: this.version,
      trigger: (this.#trigger ??= triggerOf(this.event, this.depth)),
      mode: rule.mode,
      outcome,
      where: { result: whereOk, checks },
      condition,
      facts: keys.length === 0 ? NONE : facts.traceFacts(0, 0, keys),
      limits: NONE,
      actions: NONE,
      notes: NONE,
      errors: 0,
      startedAt: this.startedAt,
      finishedAt: this.startedAt,
      durationMs: 0,
    };
    (this.#built ??= new Map()).set(k, trace);
    return trace;
  }
}

/**
 * The trace of a run whose `where` and condition passed (see `Run.replay`), recorded before its `where` checks,
 * condition leaves and facts are written: those are replayed over the event's memoised facts (which do not change once
 * resolved) when the trace is first read or streamed, as for quiet runs. Most kept traces are overwritten in their
 * bucket before anyone reads them, so most runs never pay for the replay, nor keep its objects.
 *
 * A run that only ran its steps (no limit, note, error or park: most fired runs) is kept as its parts, not as its
 * trace: the trace object, its ids, trigger and times are made again when it is read. A kept trace lives until its
 * bucket turns over (200 fired runs of the guild by default), so every object it holds is copied by the scavenges it
 * lives through and then promoted: a kept fired run of the bench holds about 650 bytes this way, 1,150 as a trace.
 */
export class RunTrace implements DeferredTrace {
  readonly deferred = true as const;
  readonly outcome: TraceOutcome;
  /** The whole trace: built, or kept as it is when the run did more than its steps. */
  #trace: Trace | undefined;
  #built = false;
  readonly #rule: CompiledRule;
  readonly #facts: EventFacts;
  readonly #logStart: number;
  readonly #logEnd: number;
  // What the trace is made again from (unused when `#trace` was kept).
  readonly #prefix: string;
  readonly #seq: number;
  readonly #version: string;
  readonly #depth: number;
  /** `startedAt` less the event's `now`, and `finishedAt` less `startedAt`: 0 most often (no heap number kept). */
  readonly #startDelta: number;
  readonly #finishDelta: number;
  readonly #durationMs: number;
  /**
   * Its actions: when every step ran once, in order, and answered `ok` at the run's start (the plain case), only what
   * differs from step to step is kept: each step's parameters (`#params`: the one step's, or a list) and time (`#ms`: a
   * number, or a list of numbers, which V8 keeps unboxed). Otherwise the trace's entries as they are (`#ms` is -1).
   */
  readonly #params: unknown;
  readonly #ms: number | number[];

  /**
   * `run` (started by `startRun`) has finished: its trace's outcome is final, and its facts are the ones it read up to
   * now. `prefix` is the engine's trace id prefix.
   */
  constructor(run: Run, prefix: string) {
    const t = run.trace;
    const facts = run.ev.facts;
    this.outcome = t.outcome;
    this.#rule = run.rule;
    this.#facts = facts;
    this.#logStart = run.logStart;
    this.#logEnd = facts.logPosition;
    this.#prefix = prefix;
    this.#seq = run.seq;
    this.#version = t.ruleSetVersion;
    this.#depth = t.trigger.depth;
    this.#startDelta = t.startedAt - facts.now;
    this.#finishDelta = t.finishedAt - t.startedAt;
    this.#durationMs = t.durationMs;
    const actions = t.actions;
    // More than its steps: the trace is kept as it is (its entries with it).
    const whole =
      t.limits !== NONE || t.notes !== NONE || t.errors !== 0 || t.error !== undefined || t.parked !== undefined;
    if (whole) this.#trace = t;
    if (whole || !plainActions(actions, run.rule, t.startedAt)) {
      this.#params = actions;
      this.#ms = -1;
    } else if (actions.length === 1) {
      const only = actions[0] as TraceAction;
      this.#params = only.params;
      this.#ms = only.ms;
    } else {
      this.#params = actions.map((a) => a.params);
      this.#ms = actions.map((a) => a.ms);
    }
    // Otherwise its id, run id and trigger are the ones a run started by `startRun` has (segment 0): made again when
    // it is read.
  }
  get id(): string {
    return this.#trace?.id ?? traceId(this.#prefix, this.#seq);
  }
  get guildId(): string {
    return this.#facts.guildId;
  }
  get ruleId(): string {
    return this.#rule.id;
  }
  get tags(): readonly string[] | undefined {
    return this.#rule.tags;
  }
  get startedAt(): number {
    return this.#facts.now + this.#startDelta;
  }
  /** The trace: made (once) from its parts, with its `where` checks, condition leaves and facts replayed. */
  build(): Trace {
    let trace = this.#trace;
    if (trace !== undefined && this.#built) return trace;
    this.#built = true;
    const rule = this.#rule;
    const facts = this.#facts;
    if (trace === undefined) {
      const event = facts.event;
      const startedAt = this.startedAt;
      trace = {
        id: this.id,
        runId: `${event.id}|${rule.id}`,
        segment: 0,
        guildId: event.guildId,
        rule: rule.traceRule,
        ruleSetVersion: this.#version,
        trigger: triggerOf(event, this.#depth),
        mode: rule.mode,
        outcome: this.outcome,
        where: WHERE_PASSED,
        condition: null,
        facts: NONE,
        limits: NONE,
        actions: this.#actionList(startedAt),
        notes: NONE,
        errors: 0,
        startedAt,
        finishedAt: startedAt + this.#finishDelta,
        durationMs: this.#durationMs,
      };
    }
    const checks: WhereCheck[] = [];
    // The where subject is made again from the event (as it was made): a kept trace does not keep it alive.
    const subject = whereSubject(trace.trigger.type, trace.trigger.payload);
    trace.where = { result: checkWhereOn(rule.where, subject, checks), checks };
    const keys: string[] = [];
    if (rule.condition) trace.condition = { result: true, leaves: replayLeaves(rule.condition, facts, keys) };
    trace.facts = facts.traceFacts(this.#logStart, this.#logEnd, keys);
    this.#trace = trace;
    return trace;
  }

  /** The trace's action entries, made again in the plain case (as `runAction` made them). */
  #actionList(startedAt: number): TraceAction[] {
    const ms = this.#ms;
    if (ms === -1) return this.#params as TraceAction[];
    const steps = this.#rule.steps as readonly CompiledActionStep[];
    const entry = (i: number, params: unknown, time: number): TraceAction => {
      const step = steps[i] as CompiledActionStep;
      return {
        step: step.index,
        pointer: step.pointer,
        action: step.name,
        params,
        status: 'ok',
        attempts: 1,
        startedAt,
        ms: time,
      };
    };
    if (typeof ms === 'number') return [entry(0, this.#params, ms)];
    const params = this.#params as unknown[];
    return ms.map((m, i) => entry(i, params[i], m));
  }
}

/**
 * Whether a run's action entries are the plain case of `RunTrace`: one per step of its rule, in order, each an action
 * that answered `ok` on its first attempt with no result, started at `startedAt`. Anything else keeps its entries.
 */
function plainActions(actions: readonly TraceAction[], rule: CompiledRule, startedAt: number): boolean {
  const steps = rule.steps;
  if (actions.length !== steps.length || actions.length === 0) return false;
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i] as TraceAction;
    const step = steps[i] as CompiledStep;
    if (
      step.kind !== 'action' ||
      a.step !== step.index ||
      a.status !== 'ok' ||
      a.attempts !== 1 ||
      a.startedAt !== startedAt ||
      a.result !== undefined ||
      a.error !== undefined
    )
      return false;
  }
  return true;
}

/** The `where` of a run's trace until its checks are written (a resumed segment's, for good): shared, never changed. */
export const WHERE_PASSED: Trace['where'] = Object.freeze({
  result: true,
  checks: Object.freeze([]) as unknown as WhereCheck[],
});

/** A trace id: the engine's random prefix and its trace sequence number. */
export function traceId(prefix: string, seq: number): string {
  return `${prefix}-${seq.toString(36)}`;
}

/** Shared empty list of a trace field nothing was added to (most runs record no action, note or limit). */
export const NONE: never[] = Object.freeze([]) as unknown as never[];

export function add<T extends { [P in K]: unknown[] }, K extends keyof T>(t: T, key: K, item: T[K][number]): void {
  const list = t[key] as unknown[];
  if (list === NONE) (t[key] as unknown[]) = [item];
  // A short list is copied at its exact size: `push` would grow it by 16 places, kept as long as the trace is.
  else if (list.length < 8) (t[key] as unknown[]) = list.concat(item);
  else list.push(item);
}

export function summaryActions(t: Trace): RunSummaryAction[] {
  const mode = t.mode;
  return t.actions.map((a) => ({ step: a.step, action: a.action, params: a.params, status: a.status, mode }));
}

export function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function parseLock(raw: string | null): { runId: string; timerId: string | null } | null {
  if (raw === null) return null;
  try {
    const v = JSON.parse(raw) as { runId?: unknown; timerId?: unknown };
    return typeof v.runId === 'string'
      ? { runId: v.runId, timerId: typeof v.timerId === 'string' ? v.timerId : null }
      : null;
  } catch {
    return null;
  }
}

export function parseParked(raw: unknown): ParkedRun | null {
  let v: unknown = raw;
  if (typeof raw === 'string') {
    try {
      v = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  const p = obj(v);
  if (!p || p.v !== 1 || typeof p.runId !== 'string' || typeof p.ruleId !== 'string' || typeof p.step !== 'number')
    return null;
  const e = obj(p.event);
  if (!e || typeof e.guildId !== 'string' || typeof e.type !== 'string' || typeof e.id !== 'string') return null;
  return {
    ...(p as unknown as ParkedRun),
    facts: (obj(p.facts) ?? {}) as Record<string, unknown>,
    steps: (obj(p.steps) ?? {}) as Record<string, Json>,
    depth: typeof p.depth === 'number' ? p.depth : 0,
    segment: typeof p.segment === 'number' ? p.segment : 1,
  };
}

/** Deterministic id of a parked run's timer (no `:`, which BullMQ job ids may not hold). */
export function resumeTimerId(ruleId: string, runId: string, step: number): string {
  return `rule-resume.${ruleId}.${createHash('sha256').update(runId).digest('hex').slice(0, 24)}.${step}`;
}
