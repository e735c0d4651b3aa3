import type { Clock } from '../clock/clock.js';
import type { GuildDiscord } from '../discord/port.js';
import type { GuildState } from '../state/port.js';
import type { Json, JsonObject, Rule, RuleEvent } from './document.js';

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
  run(params: P, ctx: ActionContext): Promise<Json | void>;
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
