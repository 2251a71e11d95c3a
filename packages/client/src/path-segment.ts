import { PrefactorClientError } from './errors/client-error.js';

/** An id placed in a URL path: required, and encoded so it can never change the path. */
export function pathSegment(operation: string, field: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new PrefactorClientError(`${operation}: ${field} must be a non-empty string; got ${JSON.stringify(value) ?? 'undefined'}`);
  }
  return encodeURIComponent(value);
}
