/**
 * The runtime's view of the other engine parts (schema & registry, condition compiler). Everything the runtime needs
 * from them goes through this one file, so the seams are visible in one place.
 */

// ---- schema & registry (engine-schema) ----
export { parseDuration } from '../model/duration.js';
export { createRegistry } from '../model/registry.js';
export type { Registry } from '../model/registry.js';
export type { ResolvedRule } from '../model/template.js';
export { validateRuleSet } from '../schema/validate.js';
export type { ResolvedRuleSet } from '../schema/validate.js';

// ---- conditions (engine-conditions) ----
export { PENDING, compileCondition, ConditionSet, deepFreeze } from '../compile/compiler.js';
export type {
  CompiledCondition,
  ConditionMemo,
  ConditionProgram,
  FactReader,
  LeafResult,
} from '../compile/compiler.js';
