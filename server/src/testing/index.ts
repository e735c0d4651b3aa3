// Test helpers of @rulecord/server (imported by tests only; never by production code).
export * from './services.js';
export * from './process.js';
