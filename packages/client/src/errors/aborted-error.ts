import { PrefactorClientError } from './client-error.js';

/** The caller's AbortSignal fired; `cause` is the signal's reason. Never retried. */
export class PrefactorAbortedError extends PrefactorClientError {
  override name = 'PrefactorAbortedError';
}
