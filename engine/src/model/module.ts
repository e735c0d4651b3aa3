import type { Clock } from '../clock/clock.js';
import type { GuildDiscord } from '../discord/port.js';
import type { Problem } from '../errors/error.js';
import type { GuildState } from '../state/port.js';
import type { Json, JsonObject, Rule, RuleEvent } from './document.js';
import type { ResolvedRule } from './template.js';

/** A JSON Schema object (draft 2020-12 subset that ajv compiles). Plain data: the studio and the docs read it. */
export type JsonSchema = { [key: string]: unknown };

/** Where a guild stands; premium-only facts, actions and modules are refused in a free guild at validation. */
export type Tier = 'free' | 'premium';

/**
 * Services the server hands to runs, added by declaration merging where the server defines them, e.g.
 * `declare module '@rulecord/engine' { interface RunServices { db: GuildDatabase } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RunServices {}

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What a fact provider sees: the event and guild-scoped ports, nothing of other guilds. */
export interface FactContext {
  readonly event: RuleEvent;
  readonly guildId: string;
  readonly clock: Clock;
  readonly state: GuildState;
  readonly discord: GuildDiscord;
  readonly services: Partial<RunServices>;
  /** The module's settings for this guild (validated; defaults applied). */
  settings<T = JsonObject>(moduleId: string): T;
  /** Another fact, memoised per event. */
  fact(name: string, params?: JsonObject): Promise<unknown>;
}

/** What an action sees: the fact context plus ways to schedule and emit. */
export interface ActionContext extends FactContext {
  readonly rule: { id: string; mode: 'enforce' | 'shadow' };
  /** Emits a module event (e.g. `xp.levelUp`) that re-enters the router after this run, with a depth limit. */
  emit(type: string, payload: JsonObject): void;
  /** Schedules an event for later (giveaway end, reminder, role expiry). `id` is unique per guild: scheduling the same id again replaces the pending one. */
  schedule(timer: {
    id: string;
    at: number;
    event: { type: string; payload: JsonObject };
    cron?: string;
    timezone?: string;
  }): Promise<void>;
  cancelTimer(id: string): Promise<boolean>;
  readonly log: Logger;
}

export interface FactDefinition<V = unknown> {
  /** `area.name`; must start with its module's id or with an area the module declares in `areas`. */
  name: string;
  description: string;
  /** Schema of the value, so the studio can offer operators and value inputs that fit. */
  schema: JsonSchema;
  /** Parameters the fact takes (json-rules-engine `params`), if any. */
  params?: JsonSchema;
  /** Events that carry what this fact needs; absent means every event. Using it elsewhere is a validation error. */
  events?: string[];
  premium?: boolean;
  /** Cheap, synchronous facts can be computed inline; `io` facts are awaited and counted against the fact budget. */
  cost?: 'cheap' | 'io';
  examples?: Json[];
  resolve(ctx: FactContext, params: JsonObject | undefined): V | Promise<V>;
}

export interface ActionDefinition<P = JsonObject> {
  /** `area.name`, e.g. `message.delete`. */
  name: string;
  description: string;
  /** Parameters schema; `{{ variables }}` are rendered before validation at run time, checked statically at load. */
  params: JsonSchema;
  /** Schema of what `run` returns (readable later as `{{ steps.<as>.… }}`). */
  result?: JsonSchema;
  premium?: boolean;
  /** Events on which this action makes sense (e.g. `message.delete` needs a message); absent means every event. */
  events?: string[];
  examples?: JsonObject[];
  /**
   * Performs the action. Most answer with a promise (a Discord call, a state write on Redis), which the engine awaits
   * with a timeout (`limits.actionTimeoutMs`) and retries as the step says. An action with nothing to wait for may
   * answer directly (a value or nothing): the engine then goes on at once, with no promise or timer — a run whose
   * actions all answer directly ends synchronously. A throw is a failure either way. `params` are read-only: a step's
   * static parameters are one frozen object, handed to every run (and kept in its trace).
   */
  run(params: P, ctx: ActionContext): Json | void | Promise<Json | void>;
}

export interface EventDefinition {
  /** `area.name`, e.g. `message.create`. */
  name: string;
  description: string;
  payload: JsonSchema;
  examples?: JsonObject[];
}

export interface TemplateDefinition {
  /** Kebab-case; referenced as `<id>@<version>`. */
  id: string;
  version: number;
  name: string;
  description: string;
  /**
   * Typed inputs: an object schema. A property may carry `x-rulecord-selector: channel | role | user | duration |
   * emoji` so the studio shows the right picker.
   */
  inputs: JsonSchema;
  /** Rules whose strings may use `{{ inputs.name }}`; a string that is exactly one placeholder keeps the input's type. */
  rules: Rule[];
  /** Module settings the template needs, merged under the guild's own. */
  modules?: Record<string, JsonObject>;
  premium?: boolean;
}

/**
 * What a module's `check` sees: the guild's rule set after validation, with this module's settings complete (the
 * guild's own over its templates' over the schema's defaults) and already valid against the module's schema.
 */
export interface ModuleCheckContext<S = JsonObject> {
  /** The guild the rule set belongs to. */
  readonly guild: string;
  readonly tier: Tier;
  /** This module's settings: valid against its `settings` schema, defaults applied (`{}` for a module without one). */
  readonly settings: S;
  /** Where those settings are written: `/modules/<id>`. Point problems below it, at the value that is wrong. */
  readonly pointer: string;
  /** Every module's settings, by module id (as `ResolvedRuleSet.modules`). */
  readonly modules: Readonly<Record<string, JsonObject>>;
  /**
   * The rules that validated, written and instantiated from templates, each with its `pointer`; a rule with an error of
   * its own is left out, so the check sees only well-formed rules.
   */
  readonly rules: readonly ResolvedRule[];
}

/**
 * A problem found by a module's `check`: a stable code from the module's code list, what is wrong, the JSON pointer of
 * the value in the document, and — always — how to fix it.
 */
export type ModuleProblem = Problem & { fix: string };

export interface ModuleDefinition {
  id: string;
  version: string;
  name: string;
  description: string;
  premium?: boolean;
  /** Name areas besides `id` that this module's facts, actions and events may use (`message`, `member`, …). */
  areas?: string[];
  /** Schema of the guild's settings for this module (`modules.<id>` in the document). */
  settings?: JsonSchema;
  facts?: FactDefinition[];
  actions?: ActionDefinition[];
  events?: EventDefinition[];
  templates?: TemplateDefinition[];
  /** Folder of knex migrations (absolute path), run by the server with the core migrations. */
  migrations?: string;
  /** HTTP routes, registered by the server as a fastify plugin under `/api/modules/<id>`; typed by the server. */
  routes?: unknown;
  /**
   * What JSON Schema cannot say about the guild's rule set — a cron expression that never fires, an unknown time zone,
   * two entries with the same id. `validateRuleSet` calls it (so `rulecord validate`, the API and `Engine.load` report
   * its problems like every other, at `file:line:col`) once the module's settings are valid. Keep it pure, fast and
   * synchronous: it runs on every validation, before the rules go live. A problem with an `error` severity keeps the
   * rule set from loading; a check that throws or returns something that is not a list of problems is reported as
   * `RC_MODULE_CHECK_FAILED` (a bug of the module).
   *
   * @example
   * // Two entries with the same id (a schema cannot say "unique by id").
   * check({ settings, pointer }) {
   *   const ids = (settings.schedules as { id: string }[]).map((s) => s.id);
   *   return ids.flatMap((id, i) =>
   *     ids.indexOf(id) < i
   *       ? [{ code: 'RC_CATALOG_SCHEDULE_DUPLICATE', message: `Schedule id \`${id}\` is used twice.`,
   *            pointer: `${pointer}/schedules/${i}/id`, fix: 'Give every schedule its own id.', severity: 'error' }]
   *       : [],
   *   );
   * },
   */
  check?(context: ModuleCheckContext): readonly ModuleProblem[];
}

export function defineModule<const M extends ModuleDefinition>(module: M): M {
  return module;
}
export function defineFact<V>(fact: FactDefinition<V>): FactDefinition<V> {
  return fact;
}
export function defineAction<P = JsonObject>(action: ActionDefinition<P>): ActionDefinition<P> {
  return action;
}
export function defineEvent(event: EventDefinition): EventDefinition {
  return event;
}
export function defineTemplate(template: TemplateDefinition): TemplateDefinition {
  return template;
}
