import { PrefactorHttpError } from './http-error.js';

/** Misuse caught before anything is sent: bad config or arguments, a closed client. */
export class PrefactorClientError extends PrefactorHttpError {
  override name = 'PrefactorClientError';
}
