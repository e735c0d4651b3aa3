/**
 * A lean reference pipeline built from the engine's public parts only — compiled conditions (`where` folded in as
 * leaves), facts resolved lazily from the same registry with the PENDING protocol and memoised per event, the rate
 * on a StateStore, the redelivery marker, and action planning (params rendered with the runtime's variables) — but
 * without traces, limits or concurrency. It shows what route + facts + conditions + planning cost on their own, next
 * to the full `Engine.dispatch`; it is not a second engine.
 */
import type { Problem } from '../src/errors/error.js';
import type { JsonObject, RuleEvent } from '../src/model/document.js';
import type { FactContext, FactDefinition } from '../src/model/module.js';
import type { Registry } from '../src/model/registry.js';
import type { StateStore } from '../src/state/port.js';
import type { Clock } from '../src/clock/clock.js';
import type { DiscordPort } from '../src/discord/port.js';
import { PENDING, compileCondition, getPath, type CompiledCondition, type FactReader } from '../src/compile/index.js';
import { compileValue, renderValue, type CompiledValue, type VariableRoot } from '../src/runtime/variables.js';
import { fullCondition } from './automod.js';
import type { Rule } from '../src/model/document.js';

interface LeanRule {
  id: string;
  condition: CompiledCondition;
  actions: { name: string; params: CompiledValue }[];
}

export interface PlannedAction {
  rule: string;
  action: string;
  params: unknown;
}

export class LeanPipeline {
  private readonly guilds = new Map<string, LeanRule[]>();
  private readonly facts = new Map<string, FactDefinition>();

  constructor(
    private readonly registry: Registry,
    private readonly state: StateStore,
    private readonly clock: Clock,
    private readonly discord: DiscordPort,
  ) {}

  load(guildId: string, rules: Rule[]): void {
    const problems: Problem[] = [];
    this.guilds.set(
      guildId,
      rules.map((rule, i) => ({
        id: rule.id,
        condition: compileCondition(fullCondition(rule), { pointer: `/rules/${i}/if` }),
        actions: rule.then.map((step, k) => {
          const [name, params] = Object.entries(step)[0] as [string, unknown];
          return { name, params: compileValue(params, `/rules/${i}/then/${k}`, problems) };
        }),
      })),
    );
    if (problems.length > 0) throw new Error(JSON.stringify(problems));
  }

  /** Routes one event and returns the ids of the rules that fired, with the planned actions. */
  async dispatch(event: RuleEvent, plan: PlannedAction[]): Promise<string> {
    const rules = this.guilds.get(event.guildId);
    if (!rules) return '';
    const state = this.state.forGuild(event.guildId);
    if (!(await state.setIfAbsent('engine.event', event.id, '1', 86_400_000))) return '';
    const memo = new Map<string, unknown>();
    const pending = new Map<string, Promise<void>>();
    const payload = event.payload;
    const registry = this.registry;
    const ctx = {
      event,
      guildId: event.guildId,
      clock: this.clock,
      state,
      discord: this.discord.forGuild(event.guildId),
      services: {},
      settings: () => ({}),
      fact: async () => undefined,
    } as unknown as FactContext;
    const read: FactReader = (name, params) => {
      const key = params === undefined ? name : `${name}|${JSON.stringify(params)}`;
      if (memo.has(key)) return memo.get(key);
      if (name.startsWith('event.')) {
        const v = getPath(payload, name.slice(6));
        memo.set(key, v);
        return v;
      }
      let def = this.facts.get(name);
      if (!def) {
        def = registry.fact(name);
        if (!def) return undefined;
        this.facts.set(name, def);
      }
      const v = def.resolve(ctx, params);
      if (v instanceof Promise) {
        pending.set(
          key,
          v.then((x) => {
            memo.set(key, x);
          }),
        );
        return PENDING;
      }
      memo.set(key, v);
      return v;
    };
    let fired = '';
    for (const rule of rules) {
      let r = rule.condition.evaluate(read, null);
      while (r === PENDING) {
        await Promise.all(pending.values());
        pending.clear();
        r = rule.condition.evaluate(read, null);
      }
      if (!r) continue;
      fired += `${rule.id} `;
      const scope = (root: VariableRoot, path: readonly string[]) =>
        root === 'event' ? getPath(payload, path.join('.')) : undefined;
      for (const a of rule.actions)
        plan.push({ rule: rule.id, action: a.name, params: await renderValue(a.params, scope) });
    }
    return fired;
  }
}

export type { JsonObject };
