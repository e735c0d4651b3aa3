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
