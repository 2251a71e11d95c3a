import { BULK_KEY_MAX_LENGTH, BULK_KEY_MIN_LENGTH, firstRepeatedKey, MAX_IDEMPOTENCY_KEY_LENGTH } from '@agentspan/protocol';
import { timeOrderedUuid } from './time-ordered-uuid.js';
import { PrefactorClientError } from './errors/client-error.js';

/**
 * The key a mutating call sends: the caller's, checked before anything is sent, or a fresh
 * one. Made once per call, so every retry of the call carries the same key. Fresh keys are UUIDv7:
 * they start with the time, so a server's key index takes each new one near the last instead of
 * at a random place (on the bundled server's SQLite store, a span create costs about a fifth less).
 */
export function idempotencyKeyFor(operation: string, given: string | null | undefined): string {
  if (given === undefined || given === null) return timeOrderedUuid();
  if (typeof given !== 'string' || given.length === 0 || given.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    const got = typeof given === 'string' ? `${given.length} characters` : typeof given;
    throw new PrefactorClientError(`${operation}: idempotency_key must be a string of 1-${MAX_IDEMPOTENCY_KEY_LENGTH} characters; got ${got}`);
  }
  return given;
}

/** Bulk items each need their own key of 8-64 characters, unique within the request. */
export function checkBulkKeys(items: readonly { readonly idempotency_key?: unknown }[]): void {
  const repeated = firstRepeatedKey(items);
  items.forEach(({ idempotency_key: key }, index) => {
    if (typeof key !== 'string' || key.length < BULK_KEY_MIN_LENGTH || key.length > BULK_KEY_MAX_LENGTH) {
      const got = typeof key === 'string' ? `${key.length} characters` : typeof key;
      throw new PrefactorClientError(
        `bulk.execute: items[${index}].idempotency_key must be a string of ` + `${BULK_KEY_MIN_LENGTH}-${BULK_KEY_MAX_LENGTH} characters; got ${got}`,
      );
    }
    // Checked in order, so the first bad item is the one named.
    if (index === repeated?.index) {
      throw new PrefactorClientError(`bulk.execute: items[${index}].idempotency_key "${key}" repeats an earlier item's key; each item needs its own`);
    }
  });
}
