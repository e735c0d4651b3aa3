import { validateRuleSet, type Json, type JsonObject, type Problem, type Registry, type Tier } from '@rulecord/engine';
import { ApiError, validationError, type ApiProblem } from '../api/errors.js';
import { diffJson, diffRules, type Change, type RuleChanges } from './diff.js';
import type { InvalidationBus } from './invalidation.js';
import type { RuleSetStore, RuleSetVersion } from './store.js';

/** A dry run of a change: is the proposed document valid, and what would change against the live version. */
export interface Plan {
  guildId: string;
  /** The live version the plan was computed against (0 = none yet); send it back as `expectedVersion` to apply. */
  fromVersion: number;
  valid: boolean;
  problems: ApiProblem[];
  /** Entries of `rules` compared by id. */
  rules: RuleChanges;
  /** Rules after template instantiation compared by id (a template upgrade shows here). */
  resolvedRules: RuleChanges | null;
  /** Every changed value, by JSON pointer into the document. */
  changes: Change[];
  noop: boolean;
}

export interface CheckResult {
  ok: boolean;
  problems: ApiProblem[];
  resolvedRules: { id?: unknown }[] | null;
}

/** What each tier allows; checked when a rule set is validated for storing. */
export const TIER_LIMITS = {
  free: { rules: 100, templateUses: 20 },
  premium: { rules: 1000, templateUses: 200 },
} as const satisfies Record<Tier, { rules: number; templateUses: number }>;

const EMPTY_RULES: RuleChanges = { added: [], removed: [], changed: [], unchanged: 0 };

/** Validates a document for one guild with the engine (the single source of the schema), problems with pointers. */
/** Where the document sits: in the request body under `base` (`/document`), or server-built (`in: 'document'`). */
export interface DocumentPlace {
  in: ApiProblem['in'];
  base: string;
}

export function checkDocument(
  document: unknown,
  guildId: string,
  registry: Registry,
  tier: Tier,
  at: DocumentPlace = { in: 'document', base: '' },
): CheckResult {
  const problems: ApiProblem[] = [];
  const pointerBase = at.base;
  const toApi = (p: Problem): ApiProblem => ({
    in: at.in,
    pointer: pointerBase + p.pointer,
    code: p.code,
    message: p.message,
    severity: p.severity,
    ...(p.fix === undefined ? {} : { fix: p.fix }),
  });
  const result = validateRuleSet(document, registry, { tier });
  problems.push(...result.problems.map(toApi));
  const docGuild = (document as { guild?: unknown } | null)?.guild;
  if (typeof docGuild === 'string' && docGuild !== guildId) {
    problems.push({
      in: at.in,
      pointer: `${pointerBase}/guild`,
      code: 'RC_API_GUILD_MISMATCH',
      message: `The document is for guild ${docGuild}, but it was sent to guild ${guildId}.`,
      fix: `Set guild: "${guildId}" or send it to /api/guilds/${docGuild}/….`,
      severity: 'error',
    });
  }
  const entries = (document as { rules?: unknown } | null)?.rules;
  if (Array.isArray(entries)) {
    const limits = TIER_LIMITS[tier];
    const uses = entries.filter((e) => typeof e === 'object' && e !== null && 'use' in e).length;
    if (entries.length - uses > limits.rules)
      problems.push({
        in: at.in,
        pointer: `${pointerBase}/rules`,
        code: 'RC_API_TIER_LIMIT',
        message: `A ${tier} guild may have at most ${limits.rules} rules; this document has ${entries.length - uses}.`,
        fix: 'Remove rules, or upgrade the guild to premium.',
        severity: 'error',
      });
    if (uses > limits.templateUses)
      problems.push({
        in: at.in,
        pointer: `${pointerBase}/rules`,
        code: 'RC_API_TIER_LIMIT',
        message: `A ${tier} guild may use at most ${limits.templateUses} templates; this document uses ${uses}.`,
        fix: 'Remove template uses, or upgrade the guild to premium.',
        severity: 'error',
      });
  }
  const ok = result.ok && !problems.some((p) => p.severity !== 'warning');
  return { ok, problems, resolvedRules: result.ok ? (result.ruleSet.rules as unknown as { id?: unknown }[]) : null };
}

/**
 * Rule set changes as one service: validate → store a new version (with audit entry) → tell every process. An invalid
 * document throws RC_API_VALIDATION before anything is written.
 */
export class RuleSetService {
  constructor(
    readonly store: RuleSetStore,
    private readonly registry: () => Registry,
    private readonly invalidation: InvalidationBus,
    private readonly now: () => number = Date.now,
  ) {}

  async plan(guildId: string, document: unknown, at?: DocumentPlace): Promise<Plan> {
    const [live, tier] = await Promise.all([this.store.latest(guildId), this.store.tier(guildId)]);
    const check = checkDocument(document, guildId, this.registry(), tier, at);
    const liveDoc = live?.document;
    const liveRules = Array.isArray(liveDoc?.['rules']) ? (liveDoc['rules'] as { id?: unknown }[]) : [];
    const nextRules = Array.isArray((document as JsonObject | null)?.['rules'])
      ? ((document as JsonObject)['rules'] as { id?: unknown }[])
      : [];
    let resolvedRules: RuleChanges | null = null;
    if (check.resolvedRules) {
      const liveResolved = liveDoc ? checkDocument(liveDoc, guildId, this.registry(), tier).resolvedRules : [];
      resolvedRules = liveResolved ? diffRules(liveResolved, check.resolvedRules) : null;
    }
    const changes = diffJson((liveDoc ?? null) as Json, document as Json);
    return {
      guildId,
      fromVersion: live?.version ?? 0,
      valid: check.ok,
      problems: check.problems,
      rules: diffRules(liveRules, nextRules),
      resolvedRules,
      changes,
      noop: changes.length === 0,
    };
  }

  async put(input: {
    guildId: string;
    document: unknown;
    author: string;
    message: string;
    expectedVersion?: number;
    action?: string;
    at?: DocumentPlace;
  }): Promise<{ version: RuleSetVersion; previous: number; warnings: ApiProblem[] }> {
    const tier = await this.store.tier(input.guildId);
    const check = checkDocument(input.document, input.guildId, this.registry(), tier, input.at);
    if (!check.ok) throw validationError(check.problems.filter((p) => p.severity !== 'warning'));
    const { version, previous } = await this.store.append({
      guildId: input.guildId,
      document: input.document as JsonObject,
      author: input.author,
      message: input.message,
      ...(input.expectedVersion === undefined ? {} : { expectedVersion: input.expectedVersion }),
      ...(input.action === undefined ? {} : { action: input.action }),
    });
    await this.invalidation.publish({ guildId: input.guildId, version: version.version, at: this.now() });
    return { version, previous, warnings: check.problems.filter((p) => p.severity === 'warning') };
  }

  async restore(input: {
    guildId: string;
    version: number;
    author: string;
    message?: string;
    expectedVersion?: number;
  }) {
    const old = await this.store.get(input.guildId, input.version);
    if (!old)
      throw new ApiError('RC_API_NOT_FOUND', `Guild ${input.guildId} has no rule set version ${input.version}.`);
    return this.put({
      guildId: input.guildId,
      document: old.document,
      author: input.author,
      message: input.message ?? `Restore version ${input.version}`,
      action: 'ruleset.restore',
      ...(input.expectedVersion === undefined ? {} : { expectedVersion: input.expectedVersion }),
    });
  }
}

export { EMPTY_RULES };
