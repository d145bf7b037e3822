/** An error the emulator answers with: the `__type` code, the message and the HTTP status. */
import { statusOfErrorCode } from './faults.js';

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra response headers (an injected fault's `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: string,
    message: string,
    status = statusOfErrorCode(code),
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.headers = headers;
  }
}
