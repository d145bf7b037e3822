/**
 * The one error normaliser: whatever a call threw becomes a `CallError` carrying only what
 * classification and logs need (name, HTTP status, Retry-After, a short message) — never the
 * request, its headers or its credentials.
 */

/** The operation of an error that did not come from a CloudTrail call (a bug). */
export const INTERNAL = 'internal';

export class CallError extends Error {
  readonly operation: string;
  readonly httpStatusCode: number | undefined;
  /** What the server's Retry-After asked for, in milliseconds from when the error arrived. */
  readonly retryAfterMs: number | undefined;
  constructor(
    operation: string,
    name: string,
    message: string,
    details: { httpStatusCode?: number | undefined; retryAfterMs?: number | undefined } = {},
  ) {
    super(message);
    this.name = name;
    this.operation = operation;
    this.httpStatusCode = details.httpStatusCode;
    this.retryAfterMs = details.retryAfterMs;
  }
}

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const MAX_MESSAGE_LENGTH = 300;

/** `error` as a CallError of `operation`; `retryAfterMs` comes from the adapter, which can read it. */
export function toCallError(
  error: unknown,
  operation: string = INTERNAL,
  retryAfterMs?: number,
): CallError {
  if (error instanceof CallError) return error;
  const shape = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  // Node network errors carry the useful name in `code` (ECONNRESET, ETIMEDOUT, …).
  const code =
    typeof shape.code === 'string' && /^E[A-Z]+$/.test(shape.code) ? shape.code : undefined;
  const name = code ?? (typeof shape.name === 'string' && shape.name !== '' ? shape.name : 'Error');
  const message =
    typeof shape.message === 'string'
      ? shape.message.slice(0, MAX_MESSAGE_LENGTH)
      : String(error).slice(0, MAX_MESSAGE_LENGTH);
  return new CallError(operation, name, message, {
    httpStatusCode: shape.$metadata?.httpStatusCode,
    retryAfterMs,
  });
}
