import { PrefactorHttpError } from './http-error.js';

/** The request never got an answer: DNS, refused or reset connection. Retried. */
export class PrefactorConnectionError extends PrefactorHttpError {
  override name = 'PrefactorConnectionError';
}
