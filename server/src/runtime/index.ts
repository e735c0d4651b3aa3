// The engine in the server processes (owner: server-runtime).
export { EngineHost, createInvalidationBus, createTraceStore } from './host.js';
export type { EngineHostOptions, GuildLoad, HostTraces } from './host.js';
export { createProcessServices, servicesOf } from './services.js';
export type { ProcessServices, ProcessServicesOptions } from './services.js';
