// The one public entry of @rulecord/engine. Other packages import only this.
export type * from './model/document.js';
export * from './model/module.js';
export type * from './clock/clock.js';
export type * from './state/port.js';
export type * from './timers/port.js';
export type * from './discord/port.js';
export * from './errors/error.js';
// ports (engine-ports)
export { SystemClock, VirtualClock, isSettableClock } from './clock/system.js';
export { stateKey, stateFeaturePrefix, DEFAULT_STATE_PREFIX } from './state/key.js';
export { InMemoryStateStore } from './state/memory.js';
export { RedisStateStore } from './state/redis.js';
// conditions (engine-conditions)
export * from './compile/index.js';
// durations (used by the catalog; engine-schema owns model/duration.ts)
export { parseDuration, formatDuration, isDuration, durationSchema, DURATION_PATTERN } from './model/duration.js';
export { InMemoryTimerStore } from './timers/memory.js';
export { InProcessScheduler } from './timers/in-process.js';
export type { InProcessSchedulerOptions } from './timers/in-process.js';
export { nextCronOccurrence } from './timers/cron.js';
export { fireOccurrence, backoffDelay, DEFAULT_RETRY, DEFAULT_LEASE_MS } from './timers/fire.js';
export type { RetryPolicy, FireOutcome, OccurrenceRef } from './timers/fire.js';
export { checkNewTimer } from './timers/validate.js';
// runtime, traces, simulator (engine-runtime)
export { Engine, TIMER_KINDS, ENGINE_STATE, resumeTimerId } from './runtime/engine.js';
export { applyV8Settings } from './runtime/v8-settings.js';
export type { EngineOptions, EngineLimits, RunSummary, RunSummaryAction, ParkedRun } from './runtime/engine.js';
export { coreModule, withCoreModule, VARS_FEATURE, CUSTOM_EVENT } from './runtime/core-module.js';
export { RUNTIME_CODES } from './runtime/codes.js';
export { checkWhere, eventUserId, eventChannelId, eventRoles, eventIsBot } from './runtime/where.js';
export {
  VARIABLE_ROOTS,
  VARIABLE_FILTERS,
  UNRESOLVED,
  compileValue as compileVariables,
  renderValue as renderVariables,
  renderTemplate as renderVariableString,
} from './runtime/variables.js';
export type {
  VariableRoot,
  VariableScope,
  CompiledValue as CompiledVariables,
  Placeholder,
} from './runtime/variables.js';
export { TRACE_OUTCOMES } from './trace/model.js';
export type * from './trace/model.js';
export { InMemoryTraceStore, DEFAULT_TRACE_RETENTION, deferredTrace } from './trace/store.js';
export type {
  TraceStore,
  GuildTraces,
  TraceQuery,
  TraceRetention,
  TraceListener,
  TraceSubscription,
  DeferredTrace,
  DeferredTraces,
  DeferredRecorder,
} from './trace/store.js';
export { BullMQScheduler } from './timers/bullmq.js';
export type { BullMQSchedulerOptions, FailedTimerJob } from './timers/bullmq.js';
export { timerJobId, parseTimerJobId } from './timers/job-id.js';
// document schema, registry, templates, validation (engine-schema)
export { createRegistry, parseTemplateRef, KEBAB_ID, ITEM_NAME } from './model/registry.js';
export type { Registry } from './model/registry.js';
export { joinPointer, escapePointerToken, parsePointer, getAtPointer } from './model/pointer.js';
export { instantiateTemplate, substituteInputs } from './model/template.js';
export type { ResolvedRule } from './model/template.js';
export {
  coreDocumentSchema,
  coreDefinitions,
  DOCUMENT_SCHEMA_ID,
  RULE_ID_PATTERN,
  NAME_PATTERN,
  STEP_NAME_PATTERN,
  TEMPLATE_REF_PATTERN,
} from './schema/core.js';
export {
  documentSchema,
  compiledRegistry,
  checkRegistrySchemas,
  coreDocumentValidator,
} from './schema/document-schema.js';
export type { CompiledRegistry } from './schema/document-schema.js';
export { validateRuleSet } from './schema/validate.js';
export type { ResolvedRuleSet, ValidationResult } from './schema/validate.js';
export {
  placeholderTolerant,
  hasPlaceholder,
  singlePlaceholder,
  placeholderExpressions,
  placeholderSpans,
  placeholderPart,
  PLACEHOLDER_SCHEMA,
} from './schema/placeholders.js';
export type { PlaceholderSpan } from './schema/placeholders.js';
export { createAjv, translateAjvErrors } from './schema/ajv.js';
export type { TranslateOptions } from './schema/ajv.js';
export { suggest, didYouMean, editDistance } from './schema/suggest.js';
export { ENGINE_ERROR_CODES, errorCodeInfo } from './errors/codes.js';
export type { ErrorCodeInfo, EngineErrorCode } from './errors/codes.js';
export { simulate, SIM_START } from './simulator/simulate.js';
export type { SimInput, SimStep, SimAction, SimResult } from './simulator/simulate.js';
export { simWorldSchema, simStepSchema, simInputSchema, checkSimInput } from './simulator/schema.js';
export { EVENT_SHORTHANDS, buildPayload as buildSimulatedPayload } from './simulator/shorthands.js';
export type { EventShorthand, ShorthandContext } from './simulator/shorthands.js';
export { RecordingDiscord, BOT_USER_ID } from './discord/recording.js';
export type { WorldSpec, WorldMessage, GuildWorld } from './discord/recording.js';
export { PORT_ERROR_CODES } from './timers/codes.js';
export { RedisTraceStore } from './trace/redis.js';
export type { RedisTraceStoreOptions } from './trace/redis.js';
