import type { FastifyPluginAsync } from 'fastify';

/**
 * Everything the HTTP API needs from the process that hosts it. The server composition (`server/src/http`) builds
 * this once and registers `apiRoutes` under `/api`.
 */
export interface ApiDeps {
  /** Extra fields are added as the API grows; all new ones are optional so the composition keeps compiling. */
  [key: string]: unknown;
}

/** The Rulecord HTTP API as one fastify plugin (register it with `{ prefix: '/api' }`). */
export const apiRoutes: FastifyPluginAsync<ApiDeps> = async (app) => {
  app.get('/ping', async () => ({ ok: true }));
};
