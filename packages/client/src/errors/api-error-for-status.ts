import { PrefactorApiError } from './api-error.js';
import { PrefactorAuthError } from './auth-error.js';
import { PrefactorNotFoundError } from './not-found-error.js';
import { PrefactorValidationError } from './validation-error.js';

/**
 * Picks the error class for an error status from its JSON object body. The body is read
 * leniently (a proxy may answer with its own JSON): missing fields fall back to defaults.
 */
export function apiErrorForStatus(status: number, body: Record<string, unknown>, request: string): PrefactorApiError {
  const error = errorOfStatus(status, body, request);
  error.requestId = typeof body.request_id === 'string' ? body.request_id : undefined;
  return error;
}

function errorOfStatus(status: number, body: Record<string, unknown>, request: string): PrefactorApiError {
  const code = typeof body.code === 'string' ? body.code : 'unknown';
  const detail = typeof body.message === 'string' ? body.message : `HTTP ${status}`;
  const message = `${request} answered ${status} ${code}: ${detail}`;
  if (status === 401 || status === 403) return new PrefactorAuthError(message, code, status);
  if (status === 404) return new PrefactorNotFoundError(message, code, status);
  if (status === 400 || status === 422) {
    return new PrefactorValidationError(message, code, status, fieldErrors(body.errors));
  }
  return new PrefactorApiError(message, code, status);
}

function fieldErrors(value: unknown): Record<string, string[]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const errors: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(value)) {
    errors[field] = Array.isArray(messages) ? messages.map(String) : [String(messages)];
  }
  return errors;
}
