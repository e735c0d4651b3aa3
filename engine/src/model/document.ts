/**
 * The rule document (v1) as TypeScript types. The JSON Schema in `schema/core.ts` is the source of truth for
 * validation; these types describe the same shape for code that reads a document that has already been validated.
 */

/** A Discord id (snowflake) or, in the simulator and tests, any short id such as `u1`. */
export type Id = string;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** `30s`, `10m`, `1h`, `2d`, `1w`, or a plain number of milliseconds. */
export type Duration = string | number;

export interface RuleSetDocument {
  apiVersion: 'rulecord/v1';
  kind: 'RuleSet';
  guild: Id;
  /** Per-guild module settings, keyed by module id; each validated by that module's `settings` schema. */
  modules?: Record<string, JsonObject>;
  rules: RuleEntry[];
}

/** A rule written out in full, or a reference to a template whose rules are instantiated with `inputs`. */
export type RuleEntry = Rule | TemplateUse;

export interface TemplateUse {
  /** Prefix of the instantiated rules' ids: `<id>.<template rule id>`. */
  id: string;
  use: { template: string; inputs?: JsonObject };
  enabled?: boolean;
  mode?: RuleMode;
}

export type RuleMode = 'enforce' | 'shadow';
export type LimitKey = 'user' | 'channel' | 'guild';
export type Concurrency = 'parallel' | 'drop' | 'queue' | 'restart';

export interface Rule {
  /** Unique in the set, kebab-case. */
  id: string;
  description?: string;
  enabled?: boolean;
  /** The trigger: one event type or a list. */
  on: string | string[];
  where?: WhereFilter;
  if?: Condition;
  then: Step[];
  mode?: RuleMode;
  limits?: {
    cooldown?: { per: LimitKey; window: Duration };
    rate?: { per: LimitKey; max: number; window: Duration };
  };
  /** What a second run does while one of this rule (same key) is still parked in a `wait`. Default `parallel`. */
  concurrency?: Concurrency | { mode: Concurrency; per?: LimitKey };
  /** Free-form labels, shown in the studio and usable in trace filters. */
  tags?: string[];
}

/** Cheap filters on the event, checked before any fact is computed. */
export interface WhereFilter {
  channel?: IdFilter;
  user?: IdFilter;
  /** Member roles: `any` = has at least one, `all` = has every one, `none` = has none. */
  roles?: { any?: Id[]; all?: Id[]; none?: Id[] };
  /** `false` skips events caused by bots (default when absent: bots are skipped for message events). */
  bots?: boolean;
}
export interface IdFilter {
  in?: Id[];
  notIn?: Id[];
}

/** Conditions in json-rules-engine's format. */
export type Condition = AllCondition | AnyCondition | NotCondition | LeafCondition;
/** json-rules-engine's optional labels on any condition node (kept, shown in traces; `priority` orders evaluation there). */
export interface ConditionLabels {
  name?: string;
  priority?: number;
}
export interface AllCondition extends ConditionLabels {
  all: Condition[];
}
export interface AnyCondition extends ConditionLabels {
  any: Condition[];
}
export interface NotCondition extends ConditionLabels {
  not: Condition;
}
export interface LeafCondition extends ConditionLabels {
  fact: string;
  operator: string;
  value: Json | FactRef;
  /** Dotted path into the fact's value (`a.b.0.c`), never JSONPath. */
  path?: string;
  /** Parameters handed to the fact provider (json-rules-engine's `params`). */
  params?: JsonObject;
}
export interface FactRef {
  fact: string;
  path?: string;
  /** Parameters handed to the referenced fact. */
  params?: JsonObject;
}

/**
 * One step of a rule's `then`: an object with exactly one action key (`message.delete: {}`) plus optional step options,
 * or a `wait`.
 */
export type Step = ActionStep | WaitStep;
export interface StepOptions {
  retry?: { attempts: number; backoff?: Duration };
  onError?: 'stop' | 'continue';
  /** Name under which the action's result is kept, readable later as `{{ steps.<as>.… }}`. */
  as?: string;
}
export type ActionStep = StepOptions & { [action: string]: JsonObject | unknown };
export interface WaitStep {
  wait: Duration;
}

/** Something that happened: a gateway event, a timer, a module's own event. */
export interface RuleEvent<P = JsonObject> {
  /** Unique per occurrence (a redelivered event carries the same id and acts once). */
  id: string;
  guildId: Id;
  type: string;
  /** Epoch milliseconds. */
  at: number;
  payload: P;
}
