import type { ErrorKind } from './error.js';

/** One entry of the engine's closed list of error codes; `docs/errors.md` is checked against this list. */
export interface ErrorCodeInfo {
  readonly code: `RC_${string}`;
  /** Who must act: the rule author (`user`), nobody yet (`transient`, retried), or us / a module author (`bug`). */
  readonly kind: ErrorKind;
  /** What went wrong, in one sentence (the message of a real error adds the specifics and the place). */
  readonly summary: string;
  /** How to fix it, in general terms. */
  readonly fix: string;
}

/**
 * The ports' codes (state stores, timers and schedulers, the Discord recorder: engine/src/state, timers, clock,
 * discord). Part of `ENGINE_ERROR_CODES`; kept as their own group so the ports' test and docs/errors.md can list them
 * apart. Append only; never reuse or rename a code.
 */
export const PORT_ERROR_CODES = [
  // ── State (engine/src/state) ─────────────────────────────────────────────────────────────────────────────────
  {
    code: 'RC_STATE_BAD_KEY',
    kind: 'bug',
    summary:
      'A state key part (prefix, guild id, feature or key) is empty, too long, has a control character, or a guild id/feature contains ":".',
    fix: 'Build keys only through the guild handle with non-empty parts; ":" separates parts and may appear only in the last one.',
  },
  {
    code: 'RC_STATE_BAD_ARGUMENT',
    kind: 'bug',
    summary: 'A TTL, window, max or counter step given to the state store is not a valid number.',
    fix: 'Pass positive whole milliseconds for TTLs and windows, a non-negative max, and an integer step.',
  },
  {
    code: 'RC_STATE_WRONG_TYPE',
    kind: 'bug',
    summary: 'One state key was used both as a string/counter and as a sliding window.',
    fix: 'Use one key for one kind of value.',
  },
  {
    code: 'RC_STATE_KEY_PREFIX',
    kind: 'bug',
    summary: 'The Redis connection handed to RedisStateStore has an ioredis keyPrefix.',
    fix: 'Pass a connection without keyPrefix and use the store’s `prefix` option.',
  },
  // ── Timers (engine/src/timers) ───────────────────────────────────────────────────────────────────────────────
  {
    code: 'RC_TIMER_BAD_CRON',
    kind: 'user',
    summary: 'A cron expression cannot be read.',
    fix: 'Write 5 fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * MON"; an optional seconds field may come first.',
  },
  {
    code: 'RC_TIMER_BAD_TIMEZONE',
    kind: 'user',
    summary: 'The time zone of a cron timer is not an IANA time zone name.',
    fix: 'Use a name such as "Europe/Paris" or "America/New_York", or leave it out for UTC.',
  },
  {
    code: 'RC_TIMER_BAD_FIELD',
    kind: 'bug',
    summary: 'A timer has an empty or over-long id, guild id or kind, or a due time that is not epoch milliseconds.',
    fix: 'Give every timer a deterministic id, its guild id, a kind, and Math.round(ms) as dueAt.',
  },
  {
    code: 'RC_TIMER_VIRTUAL_CLOCK',
    kind: 'bug',
    summary: 'An InProcessScheduler in virtual mode was given a clock it cannot move.',
    fix: 'Pass `clock: new VirtualClock(start)` together with `virtual: true`.',
  },
  {
    code: 'RC_TIMER_NOT_VIRTUAL',
    kind: 'bug',
    summary: 'advance() was called on a scheduler that runs on real time.',
    fix: 'Construct the InProcessScheduler with `virtual: true` and a VirtualClock.',
  },
  {
    code: 'RC_TIMER_NOT_STARTED',
    kind: 'bug',
    summary: 'advance() was called before start(handler).',
    fix: 'Call `await scheduler.start(handler)` first.',
  },
  {
    code: 'RC_TIMER_REENTRANT_ADVANCE',
    kind: 'bug',
    summary: 'advance() was called while another advance() was running, e.g. from inside a timer handler.',
    fix: 'Schedule a timer from the handler instead of advancing the clock.',
  },
  // ── Discord recorder (engine/src/discord) ────────────────────────────────────────────────────────────────────
  {
    code: 'RC_DISCORD_BAD_GUILD',
    kind: 'bug',
    summary: 'A Discord port was asked for a guild with an empty id.',
    fix: 'Pass the guild id of the event or rule set.',
  },
  {
    code: 'RC_DISCORD_UNKNOWN_MEMBER',
    kind: 'user',
    summary: 'An action names a member who is not in the guild.',
    fix: 'Use the id of a member of the guild (in a rule test: add the member to `world.members`).',
  },
  {
    code: 'RC_DISCORD_UNKNOWN_CHANNEL',
    kind: 'user',
    summary: 'An action names a channel that does not exist in the guild.',
    fix: 'Use the id of an existing channel (in a rule test: add it to `world.channels`).',
  },
  {
    code: 'RC_DISCORD_UNKNOWN_ROLE',
    kind: 'user',
    summary: 'An action names a role that does not exist in the guild.',
    fix: 'Use the id of an existing role (in a rule test: add it to `world.roles`).',
  },
] as const satisfies readonly ErrorCodeInfo[];

/**
 * Every `RC_…` code the engine emits — the document, the registry, conditions, the runtime and the ports
 * (`PORT_ERROR_CODES`). Append new codes at the end of your group; never reuse or rename one (rule authors, the
 * studio and the docs key on them). A test keeps it closed: every code raised in engine/src is here.
 */
export const ENGINE_ERROR_CODES = [
  // ── The document and its rules (engine-schema) ────────────────────────────────────────────────────────────
  {
    code: 'RC_BAD_DOCUMENT',
    kind: 'user',
    summary:
      'The rule document itself is malformed: not an object, or `apiVersion`, `kind`, `guild` or `rules` is missing or wrong.',
    fix: 'Start the document with `apiVersion: rulecord/v1`, `kind: RuleSet`, `guild: "<guild id>"` and a `rules:` list.',
  },
  {
    code: 'RC_BAD_RULE',
    kind: 'user',
    summary:
      'A rule field has the wrong shape (a missing `on`/`then`, an unknown field, a bad `mode`, `limits`, `where`…).',
    fix: 'Correct the field at the pointer; docs/rules.md lists every field with examples.',
  },
  {
    code: 'RC_BAD_RULE_ID',
    kind: 'user',
    summary: 'A rule id (or template use id) is not kebab-case.',
    fix: 'Use lower-case letters, digits and single dashes, starting with a letter: `no-shouting`.',
  },
  {
    code: 'RC_DUPLICATE_RULE_ID',
    kind: 'user',
    summary: 'Two rules (or template uses) of the set have the same id.',
    fix: 'Give each rule a unique id.',
  },
  {
    code: 'RC_BAD_DURATION',
    kind: 'user',
    summary:
      'A duration of the rule itself (`wait`, a limit’s `window`, a retry’s `backoff`) cannot be read (a bad duration in parameters, settings or inputs is reported with their code).',
    fix: 'Write a duration such as `30s`, `10m`, `1h30m`, `2d` or `1w` (units largest first), or a whole number of milliseconds.',
  },
  {
    code: 'RC_UNKNOWN_EVENT',
    kind: 'user',
    summary: 'A rule is triggered by an event (`on`) that no installed module emits.',
    fix: 'Use one of the listed events (the message suggests the closest names), or install the module that emits it.',
  },
  {
    code: 'RC_UNKNOWN_FACT',
    kind: 'user',
    summary: 'A condition reads a fact that no installed module provides.',
    fix: 'Use a known fact (the message suggests the closest names), `event.<field>` for a field of the event, or `now`.',
  },
  {
    code: 'RC_FACT_NOT_ON_EVENT',
    kind: 'user',
    summary: 'A condition reads a fact that is not available on (one of) the rule’s trigger events.',
    fix: 'Trigger the rule on an event that carries what the fact needs, or use another fact.',
  },
  {
    code: 'RC_BAD_FACT_PARAMS',
    kind: 'user',
    summary: 'The `params` of a condition do not fit the fact’s parameter schema.',
    fix: 'Correct the parameter at the pointer (see the fact’s documentation for its parameters).',
  },
  {
    code: 'RC_BAD_CONDITION',
    kind: 'user',
    summary:
      'A condition is not in json-rules-engine’s format (`all`, `any`, `not`, or a leaf `{ fact, operator, value }`).',
    fix: 'Write the condition as `all:`/`any:` lists, a `not:`, or a leaf with `fact`, `operator` and `value`.',
  },
  {
    code: 'RC_BAD_STEP',
    kind: 'user',
    summary: 'A step of `then` has no action, more than one action, or a bad `retry`/`onError`/`as`.',
    fix: 'Write each step as one action key with its parameters (`message.delete: {}`), optionally with `retry`, `onError` and `as`, or as `wait: 10m`.',
  },
  {
    code: 'RC_UNKNOWN_ACTION',
    kind: 'user',
    summary: 'A step names an action that no installed module provides.',
    fix: 'Use a known action (the message suggests the closest names), or install the module that provides it.',
  },
  {
    code: 'RC_ACTION_NOT_ON_EVENT',
    kind: 'user',
    summary: 'An action cannot run on (one of) the rule’s trigger events (e.g. deleting a message on `member.join`).',
    fix: 'Trigger the rule on an event the action supports, or use another action.',
  },
  {
    code: 'RC_BAD_PARAM',
    kind: 'user',
    summary: 'An action parameter is missing, unknown, or of the wrong type or value.',
    fix: 'Correct the parameter at the pointer (see the action’s documentation for its parameters).',
  },
  {
    code: 'RC_BAD_PLACEHOLDER',
    kind: 'user',
    summary:
      'A `{{ variable }}` placeholder is malformed or refers to a step result that no earlier step names with `as`.',
    fix: 'Write placeholders as `{{ name.path }}`; to read a step result, give an earlier step `as: <name>` and use `{{ steps.<name>.… }}`.',
  },
  {
    code: 'RC_UNKNOWN_MODULE',
    kind: 'user',
    summary: '`modules` holds settings for a module that is not installed.',
    fix: 'Remove the entry or correct the module id (the message suggests the closest ids).',
  },
  {
    code: 'RC_BAD_SETTINGS',
    kind: 'user',
    summary: 'A module’s settings do not fit that module’s settings schema.',
    fix: 'Correct the setting at the pointer (see the module’s documentation).',
  },
  {
    code: 'RC_PREMIUM_REQUIRED',
    kind: 'user',
    summary: 'A premium-only module, fact, action or template is used in a free guild.',
    fix: 'Upgrade the guild to premium, or remove the premium feature from the rule set.',
  },
  {
    code: 'RC_UNKNOWN_TEMPLATE',
    kind: 'user',
    summary: 'A `use:` refers to a template (or a version of it) that is not installed.',
    fix: 'Use `<template id>@<version>` of an installed template, or the id alone for the latest version.',
  },
  {
    code: 'RC_BAD_TEMPLATE_INPUTS',
    kind: 'user',
    summary: 'The `inputs` of a template use do not fit the template’s inputs schema.',
    fix: 'Correct the input at the pointer (see the template’s inputs).',
  },
  {
    code: 'RC_BAD_TEMPLATE_RULE',
    kind: 'user',
    summary: 'A rule instantiated from a template is invalid with the given inputs.',
    fix: 'Check the inputs of the template use; if they are right, the template itself is broken: report it.',
  },
  {
    code: 'RC_SCHEMA',
    kind: 'user',
    summary: 'The document does not fit the rule-set JSON Schema at this place.',
    fix: 'Correct the value at the pointer; docs/rules.md describes every field.',
  },
  {
    code: 'RC_UNKNOWN_EVENT_FIELD',
    kind: 'user',
    summary:
      'A warning: `event.<field>` (in a condition or a `{{ placeholder }}`) names a field the trigger event’s payload does not declare; it reads as nothing.',
    fix: 'Check the spelling against the event’s payload (docs/reference lists every event’s fields).',
  },
  // ── Module registry (engine-schema): mistakes of module authors ───────────────────────────────────────────
  {
    code: 'RC_REGISTRY_DUPLICATE',
    kind: 'bug',
    summary: 'Two modules register the same module id, fact, action, event or template version.',
    fix: 'Rename one of them; names are global across modules.',
  },
  {
    code: 'RC_REGISTRY_BAD_NAME',
    kind: 'bug',
    summary:
      'A module, fact, action, event or template has a malformed name, or a name outside the module’s id and declared `areas`.',
    fix: 'Name items `<module id or declared area>.<name>` (e.g. `xp.level`), and declare extra areas in the module’s `areas`.',
  },
  {
    code: 'RC_REGISTRY_BAD_SCHEMA',
    kind: 'bug',
    summary: 'A schema declared by a module (settings, params, inputs…) does not compile.',
    fix: 'Fix the JSON Schema named in the message.',
  },
  {
    code: 'RC_MODULE_CHECK_FAILED',
    kind: 'bug',
    summary:
      'A module’s own check of the rule set (`ModuleDefinition.check`) threw, or returned something that is not a list of problems each with a code, message, pointer, fix and severity; the module’s settings could not be checked.',
    fix: 'Report it to the module’s author with the rule set: the bug is in the module’s `check`.',
  },
  // ── Conditions (engine-conditions: engine/src/compile) ─────────────────────────────────────────────────────
  {
    code: 'RC_UNKNOWN_OPERATOR',
    kind: 'user',
    summary: 'A condition uses an operator that does not exist.',
    fix: 'Use one of the operators in docs/operators.md (the message suggests the closest names).',
  },
  {
    code: 'RC_BAD_OPERATOR_VALUE',
    kind: 'user',
    summary:
      'The `value` of a condition has the wrong shape for its operator (e.g. `in` needs a list, `between` two numbers).',
    fix: 'Give the value the shape docs/operators.md shows for that operator.',
  },
  {
    code: 'RC_INVALID_REGEX',
    kind: 'user',
    summary: 'A `matches` pattern is not a valid RE2 regular expression, or uses a flag other than i, m, s, u.',
    fix: 'RE2 has no look-around and no back-references; rewrite the pattern without them.',
  },
  {
    code: 'RC_UNSAFE_REGEX',
    kind: 'user',
    summary: 'A `matches` pattern can backtrack catastrophically (ReDoS) on a backtracking regex engine.',
    fix: 'Remove nested or overlapping repetition such as `(a+)+` or `(a|a)*`.',
  },
  {
    code: 'RC_BAD_PATH',
    kind: 'user',
    summary: 'A condition `path` is not a dotted path (JSONPath such as `$.a[0]` is not supported).',
    fix: 'Write a dotted path such as `author.roles.0`.',
  },
  {
    code: 'RC_CONDITION_TOO_DEEP',
    kind: 'user',
    summary: 'Conditions are nested more than 32 levels deep.',
    fix: 'Flatten the nesting: an `all` inside an `all` can be merged.',
  },
  {
    code: 'RC_CONDITION_TOO_LARGE',
    kind: 'user',
    summary: 'A rule has more than 2,000 condition leaves.',
    fix: 'Split the rule, or move long lists into one `in` or `containsAnyWord` value.',
  },
  // ── Runtime (engine-runtime: engine/src/runtime, trace, simulator) ───────────────────────────────────────────
  {
    code: 'RC_FACT_BUDGET',
    kind: 'user',
    summary:
      'One event needed more `io` facts (Discord lookups, state reads…) than the per-event budget allows; the run stopped.',
    fix: 'Narrow the rules with `where` or with conditions on event fields (evaluated before io facts), or split the rule set so one event needs fewer io facts.',
  },
  {
    code: 'RC_FACT_FAILED',
    kind: 'bug',
    summary: 'A fact provider threw while a condition read it; the run stopped with an error trace.',
    fix: 'Report it to the module author with the trace; the message names the fact and the error.',
  },
  {
    code: 'RC_ACTION_FAILED',
    kind: 'bug',
    summary: 'An action threw something other than a RulecordError (a bug in the module); it is not retried.',
    fix: 'Report it to the module author with the trace; `onError: continue` lets the rest of the rule run meanwhile.',
  },
  {
    code: 'RC_ACTION_TIMEOUT',
    kind: 'transient',
    summary:
      'An action did not finish within the action timeout (default 30 s); the run went on without it (it may still complete later).',
    fix: 'Add `retry` to the step only if the action is safe to repeat; report a module whose action hangs.',
  },
  {
    code: 'RC_EMIT_DEPTH',
    kind: 'user',
    summary: 'Events emitted by rules nested deeper than the limit (default 8): rules are emitting events in a loop.',
    fix: 'Break the loop: add a condition so a rule does not react to the event it (indirectly) emits.',
  },
  {
    code: 'RC_RESUME_RULE_GONE',
    kind: 'user',
    summary:
      'A run waiting in a `wait` could not resume: its rule was removed or disabled meanwhile; the rest of the run was dropped.',
    fix: 'Nothing to do if intended; keep the rule (or re-enable it) until its waiting runs have finished otherwise.',
  },
  {
    code: 'RC_RESUME_RULE_CHANGED',
    kind: 'user',
    summary:
      'A run waiting in a `wait` could not resume: the steps (`then`) of its rule changed meanwhile; the rest of the run was dropped.',
    fix: 'Nothing to do if intended; edits outside `then` (conditions, limits, description) keep waiting runs alive.',
  },
  {
    code: 'RC_RESUME_GUILD_NOT_LOADED',
    kind: 'transient',
    summary: 'A parked run fell due in a process that has not loaded its guild’s rule set; the timer is retried.',
    fix: 'Load every guild’s rule set before starting the scheduler in a process that handles timers.',
  },
  {
    code: 'RC_RESUME_BAD_PAYLOAD',
    kind: 'bug',
    summary: 'A `rule.resume` timer carried a payload that is not a run context written by the engine.',
    fix: 'Report it: the timer row was written or altered by something other than the engine.',
  },
  {
    code: 'RC_RULE_COMPILE',
    kind: 'bug',
    summary: 'A rule that passed validation could not be compiled by the runtime.',
    fix: 'Report it with the rule set; the message names the rule and what failed.',
  },
  {
    code: 'RC_SIM_STEP',
    kind: 'user',
    summary:
      'A simulation step is malformed: no `event`/`advance`, an unknown event, a bad duration, or a member/channel that is not in the simulated world.',
    fix: 'Write steps as `{ event: message.create, with: { author: u1, content: hi } }` or `{ advance: 1h }`, with ids from `world`.',
  },
  {
    code: 'RC_STATE_VALUE',
    kind: 'user',
    summary: 'A value given to `state.set` is too long.',
    fix: 'Store at most 10,000 characters per variable.',
  },
  {
    code: 'RC_SIM_WORLD',
    kind: 'user',
    summary:
      'The `world` of a simulation (a rule test, the studio’s simulator) does not fit its schema: members, channels or roles of the wrong shape, or an unknown field.',
    fix: 'Describe the guild as `{ members: [{ id: u1, roles: [member] }], channels: [{ id: general }], roles: [{ id: member }] }`.',
  },
  // ── Ports (engine/src/state, timers, clock, discord): PORT_ERROR_CODES above ───────────────────────────────────
  ...PORT_ERROR_CODES,
] as const satisfies readonly ErrorCodeInfo[];

export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number]['code'];

const byCode: ReadonlyMap<string, ErrorCodeInfo> = new Map(ENGINE_ERROR_CODES.map((entry) => [entry.code, entry]));

/** The list entry of a code, or `undefined` for a code that is not in the list. */
export function errorCodeInfo(code: string): ErrorCodeInfo | undefined {
  return byCode.get(code);
}
