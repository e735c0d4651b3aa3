import type { FastifyRequest } from 'fastify';
import type { ApiContext } from '../context.js';
import { validationError } from '../errors.js';
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

/** Parses `If-Match: "3"` / `3` / `W/"3"`; undefined when absent; 'invalid' for anything else. */
export function parseIfMatch(header: string | undefined): number | undefined | 'invalid' {
  if (header === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  return m?.[1] === undefined ? 'invalid' : Number(m[1]);
}

/**
 * The version a change is based on: `If-Match` or the body's `expectedVersion` (undefined when neither is sent).
 * Throws a 400 when If-Match is not a version or the two disagree.
 */
export function expectedVersionOf(request: FastifyRequest, bodyValue: number | undefined): number | undefined {
  const header = parseIfMatch(request.headers['if-match']);
  if (header === 'invalid')
    throw validationError([
      {
        in: 'headers',
        pointer: '/if-match',
        code: 'RC_API_IF_MATCH',
        message: 'If-Match must be the version number you loaded, like "3".',
        fix: 'Send the ETag of GET ruleset.',
      },
    ]);
  if (header !== undefined && bodyValue !== undefined && header !== bodyValue)
    throw validationError([
      {
        in: 'body',
        pointer: '/expectedVersion',
        code: 'RC_API_IF_MATCH',
        message: 'expectedVersion and If-Match disagree.',
      },
    ]);
  return bodyValue ?? header;
}
