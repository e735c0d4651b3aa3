import { RulecordError } from '../errors/error.js';
import type { Json, JsonObject } from '../model/document.js';
import { durationSchema, parseDuration } from '../model/duration.js';
import { defineAction, defineEvent, defineFact, defineModule } from '../model/module.js';
import { RUNTIME_CODES } from './codes.js';
import type { Registry } from './deps.js';
import { createRegistry } from './deps.js';
import { runOf } from './run-handle.js';

/** Guild-scoped state feature of the `state.*` actions and facts. */
export const VARS_FEATURE = 'vars';

const keySchema = {
  type: 'string',
  minLength: 1,
  maxLength: 200,
  pattern: '^[^\\u0000-\\u001f\\u007f]+$',
  description: 'Name of the variable; may use placeholders, e.g. `warnings.{{ user.id }}`.',
} as const;

function badValue(message: string): RulecordError {
  return new RulecordError(RUNTIME_CODES.RC_STATE_VALUE, message, {
    kind: 'user',
    fix: 'Store a number (for state.incr) or a short text (at most 10,000 characters).',
  });
}

const stateGet = defineFact<string | null>({
  name: 'state.get',
  description: 'The text stored under a guild variable by `state.set` / `state.incr`, or null when unset.',
  schema: { type: ['string', 'null'] },
  params: { type: 'object', required: ['key'], properties: { key: keySchema }, additionalProperties: false },
  cost: 'io',
  examples: ['3', null],
  resolve: (ctx, params) => ctx.state.get(VARS_FEATURE, String(params?.key)),
});

const stateNumber = defineFact<number>({
  name: 'state.number',
  description:
    'A guild variable read as a number (0 when unset or not a number), e.g. a counter kept with `state.incr`.',
  schema: { type: 'number' },
  params: { type: 'object', required: ['key'], properties: { key: keySchema }, additionalProperties: false },
  cost: 'io',
  examples: [0, 3],
  resolve: async (ctx, params) => {
    const raw = await ctx.state.get(VARS_FEATURE, String(params?.key));
    const n = raw === null ? 0 : Number(raw);
    return Number.isFinite(n) ? n : 0;
  },
});

const stateSet = defineAction<{ key: string; value: string | number | boolean; ttl?: string | number }>({
  name: 'state.set',
  description:
    'Stores a value in a guild variable (optionally expiring after `ttl`). Read it with the `state.get` fact.',
  params: {
    type: 'object',
    required: ['key', 'value'],
    properties: { key: keySchema, value: { type: ['string', 'number', 'boolean'] }, ttl: durationSchema },
    additionalProperties: false,
  },
  result: { type: 'object', properties: { value: { type: 'string' } } },
  examples: [{ key: 'last-welcome', value: '{{ user.id }}', ttl: '1d' }],
  async run(params, ctx) {
    const value = String(params.value);
    if (value.length > 10_000)
      throw badValue(`The value for "${params.key}" is ${value.length} characters long (at most 10,000).`);
    await ctx.state.set(
      VARS_FEATURE,
      params.key,
      value,
      params.ttl === undefined ? undefined : parseDuration(params.ttl),
    );
    return { value };
  },
});

const stateIncr = defineAction<{ key: string; by?: number; ttl?: string | number }>({
  name: 'state.incr',
  description:
    'Adds `by` (default 1) to a guild counter and returns the new value as `{ value }`; `ttl` applies when the counter is created.',
  params: {
    type: 'object',
    required: ['key'],
    properties: { key: keySchema, by: { type: 'integer', default: 1 }, ttl: durationSchema },
    additionalProperties: false,
  },
  result: { type: 'object', properties: { value: { type: 'integer' } } },
  examples: [{ key: 'warnings.{{ user.id }}', by: 1, ttl: '30d' }],
  async run(params, ctx) {
    const value = await ctx.state.incr(
      VARS_FEATURE,
      params.key,
      params.by ?? 1,
      params.ttl === undefined ? undefined : parseDuration(params.ttl),
    );
    return { value };
  },
});

const stateDelete = defineAction<{ key: string }>({
  name: 'state.delete',
  description: 'Removes a guild variable.',
  params: { type: 'object', required: ['key'], properties: { key: keySchema }, additionalProperties: false },
  examples: [{ key: 'warnings.{{ user.id }}' }],
  async run(params, ctx) {
    await ctx.state.del(VARS_FEATURE, params.key);
  },
});

/** The event `event.emit` sends when it is given no `type`: rules chain on it with `if: { fact: event.name, … }`. */
export const CUSTOM_EVENT = 'event.custom';

const eventEmit = defineAction<{ type?: string; name?: string; payload?: JsonObject }>({
  name: 'event.emit',
  description:
    "Emits an event that re-enters this guild's rules after the current run (nesting is limited, so rules cannot loop forever). Without `type` it emits `event.custom` with `name` in its payload.",
  params: {
    type: 'object',
    properties: {
      type: {
        type: 'string',
        pattern: '^[a-z][a-z0-9-]*(\\.[a-zA-Z][a-zA-Z0-9]*)+$',
        description: 'Event name; default `event.custom`.',
      },
      name: {
        type: 'string',
        minLength: 1,
        maxLength: 100,
        description: 'For `event.custom`: a name rules can match (`event.name`).',
      },
      payload: { type: 'object', description: 'The event payload (placeholders allowed).' },
    },
    additionalProperties: false,
  },
  examples: [{ name: 'strike', payload: { userId: '{{ user.id }}' } }],
  run(params, ctx) {
    const payload: JsonObject = { ...(params.payload ?? {}) };
    if (params.name !== undefined) payload.name = params.name;
    ctx.emit(params.type ?? CUSTOM_EVENT, payload);
    // Nothing to wait for: answers directly (the run goes on at once).
  },
});

const logTrace = defineAction<{ message: string; data?: Json }>({
  name: 'log.trace',
  description: "Adds a note to the run's trace (visible in the studio and in `rulecord test` output). Changes nothing.",
  params: {
    type: 'object',
    required: ['message'],
    properties: { message: { type: 'string', maxLength: 2000 }, data: {} },
    additionalProperties: false,
  },
  examples: [{ message: 'caps ratio was {{ facts.message.capsRatio }}' }],
  run(params, ctx) {
    runOf(ctx)?.note(params.message, params.data);
    ctx.log.debug({ note: params.message }, 'log.trace');
  },
});

const customEvent = defineEvent({
  name: CUSTOM_EVENT,
  description:
    'An event a rule emitted with `event.emit` (no `type`): `name` says which, the rest is the payload it gave.',
  payload: { type: 'object', properties: { name: { type: 'string' } } },
  examples: [{ name: 'strike', userId: '334455667788990011', count: 3 }],
});

const timerFired = defineEvent({
  name: 'timer.fired',
  description: 'A timer fired that no rule runtime handles itself (a module or the server scheduled it directly).',
  payload: {
    type: 'object',
    required: ['timerId', 'kind', 'dueAt'],
    properties: { timerId: { type: 'string' }, kind: { type: 'string' }, data: {}, dueAt: { type: 'integer' } },
  },
  examples: [{ timerId: 'reminder-1', kind: 'reminder', data: { text: 'standup' }, dueAt: 1_700_000_000_000 }],
});

/**
 * The engine's own module: guild variables (`state.*`), `event.emit`, `log.trace`, and the `event.custom` / `timer.fired` events
 * (`schedule.tick` belongs to the catalog's `schedule` module). Register it with the catalog modules: `createRegistry([coreModule, ...catalog])`.
 */
export const coreModule = defineModule({
  id: 'core',
  version: '1.0.0',
  name: 'Core',
  description: 'Engine-level facts and actions: guild variables, emitting events, trace notes, the timer.fired event.',
  areas: ['state', 'event', 'log', 'timer', 'schedule'],
  facts: [stateGet, stateNumber],
  actions: [stateSet, stateIncr, stateDelete, eventEmit, logTrace],
  events: [customEvent, timerFired],
});

const withCoreCache = new WeakMap<Registry, Registry>();

/** The registry itself when it has the core module, else (once per registry, cached) a registry that adds it. */
export function withCoreModule(registry: Registry): Registry {
  if (registry.module(coreModule.id)) return registry;
  let extended = withCoreCache.get(registry);
  if (!extended) {
    extended = createRegistry([coreModule, ...registry.modules]);
    withCoreCache.set(registry, extended);
  }
  return extended;
}
