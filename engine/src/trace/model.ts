import type { Json, JsonObject, RuleMode } from '../model/document.js';

/**
 * How a run ended.
 * - `fired`: conditions held and the actions ran (an action may still have failed under `onError: continue`).
 * - `condition-false`: the `if` did not hold.
 * - `filtered`: the `where` filter refused the event (cheap; not kept by default).
 * - `limited`: a cooldown, a rate limit or the rule's `concurrency` stopped the run.
 * - `error`: a fact, a parameter or an action failed and the run stopped.
 * - `shadow`: a `mode: shadow` rule whose conditions held; its actions are recorded as "would run", none ran.
 * - `cancelled`: a parked run (`wait`) that could not resume: its rule was removed, disabled or its steps changed, or a
 *   `concurrency: restart` run replaced it.
 */
export type TraceOutcome = 'fired' | 'condition-false' | 'filtered' | 'limited' | 'error' | 'shadow' | 'cancelled';

export const TRACE_OUTCOMES: readonly TraceOutcome[] = [
  'fired',
  'condition-false',
  'filtered',
  'limited',
  'error',
  'shadow',
  'cancelled',
];

export interface TraceError {
  code: string;
  message: string;
  kind: 'user' | 'transient' | 'bug';
  pointer?: string;
  fix?: string;
}

/** One `where` check, in the order they ran (the first refusal ends the filter). */
export interface WhereCheck {
  filter: 'channel' | 'user' | 'roles' | 'bots';
  expected: Json;
  actual: Json;
  result: boolean;
}

/** One condition leaf as the compiled condition saw it. */
export interface TraceLeaf {
  pointer: string;
  fact: string;
  path?: string;
  operator: string;
  expected: unknown;
  actual: unknown;
  result: boolean;
}

/** A fact the run read, with the value it saw. */
export interface TraceFact {
  name: string;
  params?: JsonObject;
  value: unknown;
  /** Time spent resolving it (0 when memoised by an earlier rule of the same event). */
  ms: number;
  cost: 'cheap' | 'io' | 'event';
  error?: TraceError;
}

export type ActionStatus = 'ok' | 'error' | 'would-run' | 'skipped' | 'parked';

/** One step of `then`, as it ran. */
export interface TraceAction {
  /** Index in the rule's `then`. */
  step: number;
  pointer: string;
  /** The action name, or `wait`. */
  action: string;
  /** Parameters after `{{ variables }}` were rendered. */
  params: unknown;
  status: ActionStatus;
  result?: unknown;
  error?: TraceError;
  attempts: number;
  startedAt: number;
  ms: number;
}

export interface TraceLimit {
  kind: 'cooldown' | 'rate' | 'concurrency';
  /** `user:<id>`, `channel:<id>` or `guild`. */
  key: string;
  /** For a concurrency limit: what happened to the run. */
  decision?: 'dropped' | 'queued' | 'restarted' | 'acquired';
  retryAfterMs?: number;
  count?: number;
}

export interface TraceNote {
  at: number;
  message: string;
  data?: Json;
}

/** Everything one run of one rule did, explainable to the admin who wrote the rule. */
export interface Trace {
  /** Unique per trace. */
  id: string;
  /** Stable across the segments of a run parked by `wait` (each segment leaves its own trace). */
  runId: string;
  /** 0 for the first segment, then 1, 2… after each resume. */
  segment: number;
  guildId: string;
  rule: { id: string; pointer: string; tags?: string[]; template?: { id: string; version: number; useId: string } };
  /** Version (content hash) of the rule set the run used. */
  ruleSetVersion: string;
  trigger: { id: string; type: string; at: number; depth: number; payload: JsonObject };
  mode: RuleMode;
  outcome: TraceOutcome;
  where: { result: boolean; checks: WhereCheck[] };
  /** `null` when the rule has no `if` (or the run resumed after the condition). */
  condition: { result: boolean | null; leaves: TraceLeaf[] } | null;
  facts: TraceFact[];
  limits: TraceLimit[];
  actions: TraceAction[];
  notes: TraceNote[];
  /** Set when the run parked in a `wait`. */
  parked?: { timerId: string; until: number; step: number };
  error?: TraceError;
  /** How many actions failed (including those under `onError: continue`). */
  errors: number;
  startedAt: number;
  finishedAt: number;
  durationMs: number;
}
