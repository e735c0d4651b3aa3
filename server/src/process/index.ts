export { defineRole, ROLE_ORDER } from './role.js';
export type { ProcessContext, RoleDefinition, RoleName, RunningRole } from './role.js';
export { roleLoaders } from './roles/index.js';
export { runUntilSignal, startProcess, stopOnSignal } from './runtime.js';
export type { RunningProcess, StartProcessOptions } from './runtime.js';
export { connectRedis, evictionPolicy } from './redis.js';
