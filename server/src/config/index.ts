export { configSchema, secretVariables } from './schema.js';
export type { Config, ConfigVariable } from './schema.js';
export { ConfigError, loadConfig } from './load.js';
export type { LoadConfigOptions } from './load.js';
