/**
 * Error codes raised by the runtime (router, facts, actions, limits, traces, simulator). Mirrored in
 * `engine/src/errors/codes.ts` and documented in docs/rules.md ("Runtime errors").
 */
export const RUNTIME_CODES = {
  /** A `{{ … }}` placeholder is malformed, uses an unknown root or filter (shared with the schema checks). */
  RC_BAD_PLACEHOLDER: 'RC_BAD_PLACEHOLDER',
  /** An action's parameters, after rendering, do not match its schema (user error, never retried). */
  RC_BAD_PARAM: 'RC_BAD_PARAM',
  /** A run needed more `io` facts than the per-event budget allows. */
  RC_FACT_BUDGET: 'RC_FACT_BUDGET',
  /** A fact's provider threw. */
  RC_FACT_FAILED: 'RC_FACT_FAILED',
  /** A fact or action that the registry does not know (the rule set was loaded against another registry). */
  RC_UNKNOWN_FACT: 'RC_UNKNOWN_FACT',
  RC_UNKNOWN_ACTION: 'RC_UNKNOWN_ACTION',
  /** An action threw something that is not a RulecordError (a bug in the module). */
  RC_ACTION_FAILED: 'RC_ACTION_FAILED',
  /** An action did not settle within `limits.actionTimeoutMs` (transient). */
  RC_ACTION_TIMEOUT: 'RC_ACTION_TIMEOUT',
  /** Module-emitted events nested deeper than the limit (a loop between rules). */
  RC_EMIT_DEPTH: 'RC_EMIT_DEPTH',
  /** A parked run could not resume: its rule was removed, disabled or its steps changed. */
  RC_RESUME_RULE_GONE: 'RC_RESUME_RULE_GONE',
  RC_RESUME_RULE_CHANGED: 'RC_RESUME_RULE_CHANGED',
  /** A parked run fell due in a process that has not loaded its guild's rule set (transient: the timer is retried). */
  RC_RESUME_GUILD_NOT_LOADED: 'RC_RESUME_GUILD_NOT_LOADED',
  /** A `rule.resume` timer whose payload is not a run context this engine wrote. */
  RC_RESUME_BAD_PAYLOAD: 'RC_RESUME_BAD_PAYLOAD',
  /** `load` was given a document whose rules could not be compiled. */
  RC_RULE_COMPILE: 'RC_RULE_COMPILE',
  /** A simulator step is malformed (unknown world id, bad `advance`, unknown event shorthand). */
  RC_SIM_STEP: 'RC_SIM_STEP',
  /** A state key or value given to a core `state.*` action is invalid. */
  RC_STATE_VALUE: 'RC_STATE_VALUE',
} as const;

export type RuntimeCode = keyof typeof RUNTIME_CODES;
