import { PrefactorConnectionError } from './connection-error.js';

/** `connectTimeout` or `requestTimeout` ran out before the answer arrived. Retried. */
export class PrefactorTimeoutError extends PrefactorConnectionError {
  override name = 'PrefactorTimeoutError';
  readonly timeoutMs: number;

  constructor(message: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(message, options);
    this.timeoutMs = timeoutMs;
  }
}
