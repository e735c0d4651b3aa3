export {};
// server-foundation: configuration, logging, database, HTTP shell, process roles, CLI.
export * from './config/index.js';
export { createLogger, redactPaths } from './logging/logger.js';
export type { Logger } from './logging/logger.js';
export * from './db/index.js';
export * from './http/index.js';
export * from './process/index.js';
export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, defineCommand, parseArgs } from './cli/command.js';
export type { Command, CommandContext, CommandEntry } from './cli/command.js';
export { loadCommand, runCli } from './cli/run.js';
export { formatError } from './cli/format-error.js';
export { SERVER_ERROR_CODES } from './errors.js';
export type { ServerErrorInfo } from './errors.js';
// api: HTTP API plugin, auth, rule set versions / diff / plan / change notifications.
export {
  apiRoutes,
  API_ERRORS,
  ApiError,
  DEFAULT_RATE_LIMITS,
  DEFAULT_SANDBOX_GUILD_ID,
  traceFeed,
} from './api/index.js';
export type { ApiDeps, ApiErrorCode, ApiProblem, RateLimitSettings, TraceFeed, TraceFilter } from './api/index.js';
export * from './auth/index.js';
export * from './rulesets/index.js';
// engine-ports: the TimerStore on PostgreSQL/PGlite.
export { KnexTimerStore } from './db/timer-store.js';
// server-runtime: the engine in the server processes (engine host, per-process shared services).
export * from './runtime/index.js';
