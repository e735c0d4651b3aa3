/**
 * The runtime's view of the other engine parts (schema & registry, condition compiler). Everything the runtime needs
 * from them goes through this one file, so the seams are visible in one place.
 *
 * TEMPORARY stand-ins until engine/src/{schema,compile,model/registry,model/duration} land; replaced by re-exports.
 */
import type { Problem } from '../errors/error.js';
import type { JsonObject, Rule } from '../model/document.js';
import type { Tier } from '../model/module.js';

// ---- A: schema & registry ----

export { parseDuration } from '../model/duration.js';
export { createRegistry } from '../model/registry.js';
export type { Registry } from '../model/registry.js';
import type { Registry } from '../model/registry.js';

export interface ResolvedRule extends Rule {
  pointer: string;
  template?: { id: string; version: number; useId: string };
}
export interface ResolvedRuleSet {
  guild: string;
  modules: Record<string, JsonObject>;
  rules: ResolvedRule[];
}

export function validateRuleSet(
  doc: unknown,
  _registry: Registry,
  _options: { tier: Tier },
): { ok: true; problems: Problem[]; ruleSet: ResolvedRuleSet } | { ok: false; problems: Problem[] } {
  const d = doc as { guild?: unknown; modules?: Record<string, JsonObject>; rules?: Rule[] };
  if (!d || typeof d.guild !== 'string' || !Array.isArray(d.rules)) {
    return { ok: false, problems: [{ code: 'RC_SCHEMA', message: 'not a rule set', pointer: '', severity: 'error' }] };
  }
  return {
    ok: true,
    problems: [],
    ruleSet: { guild: d.guild, modules: d.modules ?? {}, rules: d.rules.map((r, i) => ({ ...r, pointer: `/rules/${i}` })) },
  };
}

// ---- B: conditions ----

export { PENDING, compileCondition } from '../compile/compiler.js';
export type { CompiledCondition, FactReader, LeafResult } from '../compile/compiler.js';
