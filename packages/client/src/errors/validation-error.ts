import { PrefactorApiError } from './api-error.js';

/** 400 or 422: the request was rejected; `errors` maps each field path to its messages. */
export class PrefactorValidationError extends PrefactorApiError {
  override name = 'PrefactorValidationError';
  readonly errors: Record<string, string[]>;

  constructor(message: string, code: string, statusCode: number, errors: Record<string, string[]>) {
    super(message, code, statusCode);
    this.errors = errors;
  }
}
