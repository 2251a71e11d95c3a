import { PrefactorApiError } from './api-error.js';

/** 401 or 403: the token is missing, unknown, or may not do this. */
export class PrefactorAuthError extends PrefactorApiError {
  override name = 'PrefactorAuthError';
}
