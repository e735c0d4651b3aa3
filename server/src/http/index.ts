export { buildHttpServer, closeGracefully, defaultStudioDir } from './server.js';
export type { HttpDeps } from './server.js';
export { checkReadiness } from './readiness.js';
export type { ReadinessCheck, ReadinessReport } from './readiness.js';
