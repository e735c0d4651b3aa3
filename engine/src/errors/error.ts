/**
 * Who must act on an error: the rule author (`user`: shown, never retried), nobody yet (`transient`: retried), or us
 * (`bug`: reported).
 */
export type ErrorKind = 'user' | 'transient' | 'bug';

/** One problem, with the place it is at (a JSON pointer into the document) and how to fix it. */
export interface Problem {
  code: string;
  message: string;
  /** JSON pointer into the rule document, `''` for the whole document. */
  pointer: string;
  fix?: string;
  severity: 'error' | 'warning';
}

export class RulecordError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly pointer: string | undefined;
  readonly fix: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: string,
    message: string,
    options: {
      kind?: ErrorKind;
      pointer?: string;
      fix?: string;
      details?: Record<string, unknown>;
      cause?: unknown;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RulecordError';
    this.code = code;
    this.kind = options.kind ?? 'user';
    this.pointer = options.pointer;
    this.fix = options.fix;
    this.details = options.details;
  }
}
