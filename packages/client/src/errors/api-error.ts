import { PrefactorHttpError } from './http-error.js';

/** The server answered with an error status; `code` is the body's error code ("unknown" when it had none). */
export class PrefactorApiError extends PrefactorHttpError {
  override name = 'PrefactorApiError';
  readonly code: string;
  readonly statusCode: number;
  /** The server's id of the request (the body's `request_id`), to find its log lines; undefined when it sent none. */
  requestId: string | undefined;

  constructor(message: string, code: string, statusCode: number) {
    super(message);
    this.code = code;
    this.statusCode = statusCode;
  }
}
