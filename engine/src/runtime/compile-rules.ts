import { createHash } from 'node:crypto';
import type { Problem } from '../errors/error.js';
import { RulecordError } from '../errors/error.js';
import type { Concurrency, JsonObject, LimitKey, RuleMode, WhereFilter } from '../model/document.js';
import type { ActionDefinition, JsonSchema } from '../model/module.js';
import type { Trace } from '../trace/model.js';
import { RUNTIME_CODES } from './codes.js';
import type { CompiledCondition, ConditionProgram, Registry, ResolvedRule, ResolvedRuleSet } from './deps.js';
import { ConditionSet, deepFreeze, parseDuration } from './deps.js';
import type { CompiledValue } from './variables.js';
import { compileValue } from './variables.js';
import { validateParams } from './params.js';
import { whereCondition } from './where.js';
import { factPlan, type FactPlan } from './facts.js';

export interface CompiledActionStep {
  kind: 'action';
  index: number;
  pointer: string;
  name: string;
  definition: ActionDefinition;
  params: CompiledValue;
  /** Static parameters valid for the action's schema, defaults applied: nothing to check at run time. */
  paramsChecked: boolean;
  retry: { attempts: number; backoffMs: number };
  onError: 'stop' | 'continue';
  as: string | undefined;
}
export interface CompiledWaitStep {
  kind: 'wait';
  index: number;
  pointer: string;
  ms: number;
}
export type CompiledStep = CompiledActionStep | CompiledWaitStep;

export interface CompiledRule {
  /** Position in the set: rules of one event run in this order. */
  order: number;
  id: string;
  pointer: string;
  template: ResolvedRule['template'];
  tags: string[] | undefined;
  /** The `rule` part of this rule's traces (shared by all of them). */
  traceRule: Trace['rule'];
  on: string[];
  mode: RuleMode;
  where: WhereFilter | undefined;
  /** `where` compiled into the rule set's ConditionSet (over `WHERE_FACTS`); null when it lets every event through. */
  whereCondition: CompiledCondition | null;
  condition: CompiledCondition | null;
  steps: CompiledStep[];
  /** Hash of `then`: a parked run resumes only while its rule's steps are unchanged. */
  stepsHash: string;
  cooldown: { per: LimitKey; ms: number } | undefined;
  rate: { per: LimitKey; max: number; ms: number } | undefined;
  concurrency: { mode: Concurrency; per: LimitKey };
  /** Upper bound of how long a run may stay parked (sum of waits), for lock TTLs. */
  parkMs: number;
}

/** Rules an event may reach, in document order, with their `where` and conditions as one program. */
export interface Candidates {
  rules: CompiledRule[];
  program: ConditionProgram;
  /** Whether any rule of the event type is in enforce mode (only then is a redelivery marker written). */
  enforces: boolean;
}

interface TypeIndex {
  /** Rules without a `where.channel.in`, in order. */
  any: Candidates;
  /** Per channel named in some `where.channel.in`: the rules listing it and the rules of `any`, in document order. */
  byChannel: Map<string, Candidates>;
  /** Every rule of the event type, in order (when filtered runs are traced). */
  all: Candidates;
}

/** One guild's loaded rule set: what `Engine.load` swaps in atomically. */
export interface GuildRules {
  guildId: string;
  version: string;
  settings: Record<string, JsonObject>;
  rules: CompiledRule[];
  byId: Map<string, CompiledRule>;
  byType: Map<string, TypeIndex>;
  /** Every rule's condition, compiled together: one event's memo is shared by all of them. */
  conditions: ConditionSet;
  /** How an event reads the set's fact slots (`factPlan`), made once the set is complete. */
  factPlan: FactPlan;
  loadedAt: number;
}

const STEP_OPTIONS = new Set(['retry', 'onError', 'as']);

export function hashOf(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value ?? null))
    .digest('hex')
    .slice(0, 16);
}

/** Top-level `default`s of a settings schema, applied under the guild's own values. */
function withDefaults(schema: JsonSchema | undefined, value: JsonObject | undefined): JsonObject {
  const out: JsonObject = { ...(value ?? {}) };
  const props = (schema?.properties ?? {}) as Record<string, { default?: unknown }>;
  for (const [key, prop] of Object.entries(props)) {
    if (out[key] === undefined && prop && typeof prop === 'object' && prop.default !== undefined) {
      out[key] = structuredClone(prop.default) as JsonObject[string];
    }
  }
  return out;
}

function compileSteps(rule: ResolvedRule, registry: Registry, problems: Problem[]): CompiledStep[] {
  const steps: CompiledStep[] = [];
  rule.then.forEach((raw, index) => {
    const pointer = `${rule.pointer}/then/${index}`;
    const step = raw as Record<string, unknown>;
    if ('wait' in step) {
      try {
        steps.push({ kind: 'wait', index, pointer, ms: parseDuration(step.wait as string) });
      } catch (e) {
        problems.push(problemOf(e, `${pointer}/wait`));
      }
      return;
    }
    const names = Object.keys(step).filter((k) => !STEP_OPTIONS.has(k));
    const name = names[0];
    if (names.length !== 1 || name === undefined) {
      problems.push({
        code: 'RC_BAD_STEP',
        message: `step ${index} of rule "${rule.id}" must name exactly one action`,
        pointer,
        severity: 'error',
      });
      return;
    }
    const definition = registry.action(name);
    if (!definition) {
      problems.push({
        code: RUNTIME_CODES.RC_UNKNOWN_ACTION,
        message: `unknown action "${name}"`,
        pointer,
        severity: 'error',
      });
      return;
    }
    const retry = step.retry as { attempts?: number; backoff?: string | number } | undefined;
    let backoffMs = 500;
    try {
      if (retry?.backoff !== undefined) backoffMs = parseDuration(retry.backoff);
    } catch (e) {
      problems.push(problemOf(e, `${pointer}/retry/backoff`));
    }
    let params = compileValue(
      step[name] ?? {},
      `${pointer}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`,
      problems,
    );
    let paramsChecked = false;
    if (!params.dynamic) {
      // Validated once here, on a copy that receives the schema's defaults; an invalid one is reported when it runs.
      const value = structuredClone(params.value);
      try {
        validateParams(definition as ActionDefinition, value, pointer);
        // Frozen: every run hands this one object to the action and keeps it in its trace (no copy per run).
        params = { ...params, value: deepFreeze(value) };
        paramsChecked = true;
      } catch {
        paramsChecked = false;
      }
    }
    steps.push({
      kind: 'action',
      index,
      pointer,
      name,
      definition: definition as ActionDefinition,
      params,
      paramsChecked,
      retry: { attempts: Math.max(1, Math.floor(retry?.attempts ?? 1)), backoffMs },
      onError: step.onError === 'continue' ? 'continue' : 'stop',
      as: typeof step.as === 'string' ? step.as : undefined,
    });
  });
  return steps;
}

function problemOf(e: unknown, pointer: string): Problem {
  if (e instanceof RulecordError) {
    return {
      code: e.code,
      message: e.message,
      pointer: e.pointer ?? pointer,
      ...(e.fix ? { fix: e.fix } : {}),
      severity: 'error',
    };
  }
  return {
    code: RUNTIME_CODES.RC_RULE_COMPILE,
    message: e instanceof Error ? e.message : String(e),
    pointer,
    severity: 'error',
  };
}

/** Relative cost of reading a fact, for ordering siblings cheapest first: payload fields, then cheap facts, then io. */
export function factCostOf(registry: Registry): (fact: string) => number {
  return (fact) => {
    if (fact === 'now' || fact === 'event' || fact.startsWith('event.') || fact.startsWith('@where.')) return 0;
    return registry.fact(fact)?.cost === 'io' ? 50 : 2;
  };
}

export function compileRule(
  rule: ResolvedRule,
  order: number,
  registry: Registry,
  problems: Problem[],
  conditions: ConditionSet = new ConditionSet({ factCost: factCostOf(registry) }),
): CompiledRule | null {
  const before = problems.length;
  let condition: CompiledCondition | null = null;
  if (rule.if !== undefined) {
    try {
      condition = conditions.compile(rule.if, { pointer: `${rule.pointer}/if` });
    } catch (e) {
      problems.push(problemOf(e, `${rule.pointer}/if`));
    }
  }
  const whereCond = whereCondition(rule.where);
  const compiledWhere = whereCond === null ? null : conditions.compile(whereCond, { pointer: `${rule.pointer}/where` });
  const steps = compileSteps(rule, registry, problems);
  let cooldown: CompiledRule['cooldown'];
  let rate: CompiledRule['rate'];
  try {
    if (rule.limits?.cooldown)
      cooldown = { per: rule.limits.cooldown.per, ms: parseDuration(rule.limits.cooldown.window) };
  } catch (e) {
    problems.push(problemOf(e, `${rule.pointer}/limits/cooldown/window`));
  }
  try {
    if (rule.limits?.rate)
      rate = { per: rule.limits.rate.per, max: rule.limits.rate.max, ms: parseDuration(rule.limits.rate.window) };
  } catch (e) {
    problems.push(problemOf(e, `${rule.pointer}/limits/rate/window`));
  }
  const c = rule.concurrency;
  const concurrency =
    typeof c === 'string'
      ? { mode: c, per: 'user' as LimitKey }
      : { mode: c?.mode ?? 'parallel', per: c?.per ?? 'user' };
  if (problems.length > before) return null;
  return {
    order,
    id: rule.id,
    pointer: rule.pointer,
    template: rule.template,
    tags: rule.tags && rule.tags.length > 0 ? rule.tags : undefined,
    traceRule: Object.freeze({
      id: rule.id,
      pointer: rule.pointer,
      ...(rule.tags && rule.tags.length > 0 ? { tags: rule.tags } : {}),
      ...(rule.template ? { template: rule.template } : {}),
    }),
    on: Array.isArray(rule.on) ? rule.on : [rule.on],
    mode: rule.mode ?? 'enforce',
    where: rule.where,
    whereCondition: compiledWhere,
    condition,
    steps,
    stepsHash: hashOf(rule.then),
    cooldown,
    rate,
    concurrency,
    parkMs: steps.reduce((sum, s) => sum + (s.kind === 'wait' ? s.ms : 0), 0),
  };
}

/** Compiles a validated rule set into the router's index. Disabled rules are left out. */
export function compileRuleSet(
  ruleSet: ResolvedRuleSet,
  registry: Registry,
  loadedAt: number,
): { ok: true; rules: GuildRules; problems: Problem[] } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const rules: CompiledRule[] = [];
  const conditions = new ConditionSet({ factCost: factCostOf(registry) });
  ruleSet.rules.forEach((rule, order) => {
    if (rule.enabled === false) return;
    const compiled = compileRule(rule, order, registry, problems, conditions);
    if (compiled) rules.push(compiled);
  });
  if (problems.some((p) => p.severity === 'error')) return { ok: false, problems };

  const lists = new Map<string, { any: CompiledRule[]; byChannel: Map<string, CompiledRule[]>; all: CompiledRule[] }>();
  for (const rule of rules) {
    for (const type of rule.on) {
      let index = lists.get(type);
      if (!index) {
        index = { any: [], byChannel: new Map(), all: [] };
        lists.set(type, index);
      }
      index.all.push(rule);
      const channels = rule.where?.channel?.in;
      if (channels && channels.length > 0) {
        for (const ch of new Set(channels)) {
          const list = index.byChannel.get(ch) ?? [];
          list.push(rule);
          index.byChannel.set(ch, list);
        }
      } else index.any.push(rule);
    }
  }
  const byType = new Map<string, TypeIndex>();
  for (const [type, index] of lists) {
    const enforces = index.all.some((r) => r.mode === 'enforce');
    const candidates = (list: CompiledRule[]): Candidates => ({
      rules: list,
      program: conditions.program(list.map((r) => ({ where: r.whereCondition, condition: r.condition }))),
      enforces,
    });
    // Each channel's list holds the rules without a channel filter too, in document order: routing allocates nothing.
    const byChannel = new Map<string, Candidates>();
    for (const [ch, list] of index.byChannel)
      byChannel.set(ch, candidates([...index.any, ...list].sort((a, b) => a.order - b.order)));
    byType.set(type, {
      any: candidates(index.any),
      byChannel,
      all: candidates(index.all),
    });
  }
  conditions.prepare();
  const settings: Record<string, JsonObject> = {};
  for (const m of registry.modules) {
    if (m.settings || ruleSet.modules[m.id]) settings[m.id] = withDefaults(m.settings, ruleSet.modules[m.id]);
  }
  return {
    ok: true,
    problems,
    rules: {
      guildId: ruleSet.guild,
      version: hashOf(ruleSet),
      settings,
      rules,
      byId: new Map(rules.map((r) => [r.id, r])),
      byType,
      conditions,
      factPlan: factPlan(conditions, registry),
      loadedAt,
    },
  };
}

/** The rules an event of `type` in `channelId` may reach, in document order. */
export function route(
  rules: GuildRules,
  type: string,
  channelId: string | undefined,
  everyRule: boolean,
): Candidates | undefined {
  const index = rules.byType.get(type);
  if (!index) return undefined;
  if (everyRule) return index.all;
  const inChannel = channelId === undefined ? undefined : index.byChannel.get(channelId);
  return inChannel ?? index.any;
}
