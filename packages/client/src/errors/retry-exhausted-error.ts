import { PrefactorHttpError } from './http-error.js';

/** Every attempt failed with a retryable error; `lastError` is the final attempt's error. */
export class PrefactorRetryExhaustedError extends PrefactorHttpError {
  override name = 'PrefactorRetryExhaustedError';
  readonly lastError: PrefactorHttpError;
  readonly attempts: number;

  constructor(message: string, lastError: PrefactorHttpError, attempts: number) {
    super(message, { cause: lastError });
    this.lastError = lastError;
    this.attempts = attempts;
  }
}
