import { PrefactorClientError } from './errors/client-error.js';

export type Time = Date | string;

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/;

/**
 * A time as the wire carries it: ISO-8601 UTC. A string without an offset is read as UTC
 * (as the server reads Python's naive datetimes); one already in UTC is kept as written,
 * so sub-millisecond digits survive.
 */
export function wireTime(operation: string, field: string, value: Time): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalidTime(operation, field, 'an invalid Date');
    return value.toISOString();
  }
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value)) {
    throw invalidTime(operation, field, typeof value === 'string' ? `"${value}"` : typeof value);
  }
  const text = HAS_OFFSET.test(value) ? value : `${value}Z`;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw invalidTime(operation, field, `"${value}"`);
  return text.endsWith('Z') ? text : new Date(ms).toISOString();
}

/** Same as wireTime, passing absent (undefined or null) through. */
export function optionalWireTime(operation: string, field: string, value: Time | null | undefined) {
  return value === undefined || value === null ? undefined : wireTime(operation, field, value);
}

function invalidTime(operation: string, field: string, got: string) {
  return new PrefactorClientError(`${operation}: ${field} must be a Date or an ISO-8601 string such as "2025-01-31T12:00:00Z"; got ${got}`);
}
