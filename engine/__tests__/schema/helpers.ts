import { createRegistry, validateRuleSet, type Problem, type Tier } from '@rulecord/engine';
import { testModules } from './fixtures/modules.js';

export const registry = createRegistry(testModules);

export function doc(rules: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'rulecord/v1', kind: 'RuleSet', guild: '112233', ...extra, rules };
}

/** A minimal valid rule, with overrides. */
export function rule(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'r', on: 'message.create', then: [{ 'message.delete': {} }], ...overrides };
}

export function problems(document: unknown, tier: Tier = 'free'): Problem[] {
  return validateRuleSet(document, registry, { tier }).problems;
}

/** `code @ pointer` of every error, for compact assertions. */
export function errors(document: unknown, tier: Tier = 'free'): string[] {
  return problems(document, tier)
    .filter((p) => p.severity === 'error')
    .map((p) => `${p.code} @ ${p.pointer}`);
}
