// Rule set versions, diff, plan/apply and change notifications (owner: api).
export { RuleSetStore, writeAudit, ensureGuild } from './store.js';
export type { RuleSetVersion, RuleSetVersionSummary, AuditEntry } from './store.js';
export { RuleSetService, checkDocument, TIER_LIMITS } from './service.js';
export type { Plan, CheckResult, DocumentPlace } from './service.js';
export { diffJson, diffRules, deepEqual } from './diff.js';
export type { Change, RuleChanges } from './diff.js';
export { inProcessInvalidation, processInvalidation, redisInvalidation, INVALIDATION_CHANNEL } from './invalidation.js';
export type { InvalidationBus, RuleSetChange } from './invalidation.js';
