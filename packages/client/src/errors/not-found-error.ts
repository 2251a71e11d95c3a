import { PrefactorApiError } from './api-error.js';

/** 404: no such resource in the token's account. */
export class PrefactorNotFoundError extends PrefactorApiError {
  override name = 'PrefactorNotFoundError';
}
