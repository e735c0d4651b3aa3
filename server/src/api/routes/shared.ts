import type { ApiContext } from '../context.js';
import type { RouteCollector } from '../openapi.js';

/** Options every route plugin gets: the shared context and the route collector (for the OpenAPI document). */
export interface RouteOptions {
  ctx: ApiContext;
  collector: RouteCollector;
}

/** Default body limit; routes that take a whole rule document raise theirs to `DOCUMENT_BODY_LIMIT`. */
export const DEFAULT_BODY_LIMIT = 64 * 1024;
export const DOCUMENT_BODY_LIMIT = 1024 * 1024;

/** Per-route rate limit config: `config: limit(ctx, 'write')`. Per IP, or per API token when one is sent. */
export function limit(
  ctx: ApiContext,
  kind: keyof ApiContext['rateLimits'],
): { rateLimit: { max: number; timeWindow: number } } {
  const l = ctx.rateLimits[kind];
  return { rateLimit: { max: l.max, timeWindow: l.windowMs } };
}

/** Parses `If-Match: "3"` / `3` / `W/"3"`; undefined when absent; throws on anything else. */
export function parseIfMatch(header: string | string[] | undefined): number | undefined | 'invalid' {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(value ?? '');
  return m?.[1] === undefined ? 'invalid' : Number(m[1]);
}
