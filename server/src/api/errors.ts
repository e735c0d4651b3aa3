import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The closed list of error codes the HTTP API answers with, each with its HTTP status and when it happens.
 * `docs/api.md` has one table row per entry; `server/__tests__/api/errors.test.ts` keeps the two in sync.
 */
export const API_ERRORS = {
  RC_API_VALIDATION: {
    status: 400,
    summary:
      'The request (body, query or path) is invalid; `details.problems` lists every problem with its JSON pointer.',
  },
  RC_API_BAD_REQUEST: { status: 400, summary: 'The request could not be read at all (malformed JSON, bad header).' },
  RC_API_OAUTH_STATE: {
    status: 400,
    summary: 'The OAuth callback carried a missing, reused, expired or foreign `state`; no session was created.',
  },
  RC_API_UNAUTHENTICATED: {
    status: 401,
    summary: 'No valid session cookie or API token (missing, forged, expired, revoked).',
  },
  RC_API_CSRF: {
    status: 403,
    summary: 'A state-changing request with a session cookie lacked a valid CSRF token or came from a foreign origin.',
  },
  RC_API_FORBIDDEN: {
    status: 403,
    summary: 'You may not manage this guild (or the bot is not in it); the attempt is written to the security log.',
  },
  RC_API_TOKEN_SCOPE: {
    status: 403,
    summary: 'The API token is read-only, or this route needs a signed-in user rather than a token.',
  },
  RC_API_SANDBOX_REMOTE: {
    status: 403,
    summary: 'Sandbox login is only available to requests from the local machine (loopback).',
  },
  RC_API_NOT_FOUND: { status: 404, summary: 'No such route, guild resource, version, template or token.' },
  RC_API_CONFLICT: {
    status: 409,
    summary: 'The rule set changed since the version you sent in `If-Match` / `expectedVersion`; reload and retry.',
  },
  RC_API_PAYLOAD_TOO_LARGE: { status: 413, summary: 'The request body is larger than this route accepts.' },
  RC_API_UNSUPPORTED_MEDIA_TYPE: { status: 415, summary: 'The body is not `application/json`.' },
  RC_API_RATE_LIMITED: {
    status: 429,
    summary: 'Too many requests from this IP or token on this route; wait `Retry-After` seconds.',
  },
  RC_API_INTERNAL: {
    status: 500,
    summary: 'A bug on our side; the response carries a `requestId` to quote, never internals.',
  },
  RC_API_DISCORD: { status: 502, summary: 'Discord answered the OAuth or REST call with an error.' },
  RC_API_DEPENDENCY_DOWN: {
    status: 503,
    summary: 'A dependency (PostgreSQL, Redis, Discord) is unreachable; retry later.',
  },
} as const satisfies Record<string, { status: number; summary: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** One problem of a 400 answer: where (`in` + JSON pointer), what, and how to fix it. */
export interface ApiProblem {
  in: 'body' | 'query' | 'params' | 'headers' | 'document';
  pointer: string;
  code: string;
  message: string;
  fix?: string;
  severity?: 'error' | 'warning';
}

/** An error the API answers with as `{ error: { code, message, details, requestId, timestamp } }`. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly statusCode: number;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ApiErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.statusCode = API_ERRORS[code].status;
    this.details = options.details;
    this.headers = options.headers;
  }
}

export function validationError(problems: ApiProblem[]): ApiError {
  const first = problems[0];
  return new ApiError(
    'RC_API_VALIDATION',
    first
      ? `${problems.length} problem(s); first at ${first.in} ${first.pointer || '/'}: ${first.message}`
      : 'The request is invalid.',
    { details: { problems } },
  );
}

export interface ErrorBody {
  error: {
    code: ApiErrorCode;
    message: string;
    details: Record<string, unknown>;
    requestId: string;
    timestamp: string;
  };
}

/** Turns ajv errors (from a route schema) into problems with JSON pointers to the offending value. */
export function problemsFromAjv(errors: readonly ErrorObject[], where: ApiProblem['in']): ApiProblem[] {
  return errors.map((e) => {
    let pointer = e.instancePath;
    const p = e.params as Record<string, unknown>;
    if (e.keyword === 'required' && typeof p['missingProperty'] === 'string')
      pointer += `/${escapePointer(p['missingProperty'])}`;
    if (e.keyword === 'additionalProperties' && typeof p['additionalProperty'] === 'string')
      pointer += `/${escapePointer(p['additionalProperty'])}`;
    const fix =
      e.keyword === 'required'
        ? 'Add the missing property.'
        : e.keyword === 'additionalProperties'
          ? 'Remove this property; it is not part of the request.'
          : undefined;
    return {
      in: where,
      pointer,
      code: `RC_API_SCHEMA_${e.keyword.toUpperCase()}`,
      message: e.message ?? e.keyword,
      ...(fix === undefined ? {} : { fix }),
    };
  });
}

export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function toApiError(error: FastifyError | ApiError | Error): ApiError {
  if (error instanceof ApiError) return error;
  // fastify sets `validation` and `validationContext` together (body, params, querystring, headers).
  const fe = error as FastifyError & { validation?: ErrorObject[]; validationContext: string };
  if (Array.isArray(fe.validation)) {
    const where = (fe.validationContext === 'querystring' ? 'query' : fe.validationContext) as ApiProblem['in'];
    return validationError(problemsFromAjv(fe.validation, where));
  }
  // fastify's own request errors (FST_ERR_CTP_*: body too large, wrong media type, malformed or empty JSON).
  if (fe.statusCode === 413)
    return new ApiError('RC_API_PAYLOAD_TOO_LARGE', 'The request body is too large for this route.');
  if (fe.statusCode === 415) return new ApiError('RC_API_UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
  if (fe.statusCode === 400) return new ApiError('RC_API_BAD_REQUEST', `The request could not be read: ${fe.message}`);
  if (isDependencyError(error))
    return new ApiError('RC_API_DEPENDENCY_DOWN', 'A dependency is unreachable; retry later.');
  return new ApiError('RC_API_INTERNAL', 'Internal error; quote the requestId when reporting it.');
}

function isDependencyError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    (typeof code === 'string' &&
      ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', '57P01', '57P03', '08006', '08001'].includes(code)) ||
    /Connection is closed|connect ECONNREFUSED|MaxRetriesPerRequest|Unable to acquire a connection|Timeout acquiring a connection|Connection terminated/i.test(
      String((error as Error).message),
    )
  );
}

export function errorBody(error: ApiError, requestId: string, now = new Date()): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      details: error.details ?? {},
      requestId,
      timestamp: now.toISOString(),
    },
  };
}

/** The API's error handler: every error becomes the one error format; 5xx are logged with the cause, never shown. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const apiError = toApiError(error);
  if (apiError.statusCode >= 500) request.log.error({ err: error, code: apiError.code }, 'api request failed');
  if (apiError.headers) void reply.headers(apiError.headers);
  void reply.status(apiError.statusCode).type('application/json').send(errorBody(apiError, request.id));
}
