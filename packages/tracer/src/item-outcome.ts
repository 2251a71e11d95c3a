import type { BulkItem, BulkOutput } from '@agentspan/client';

/** What an item's bulk output means for it: done, refused for good, or to be sent again. */
export type ItemOutcome = 'stored' | 'rejected' | 'retry';

// Faults of the server or its database, not of the item: the same item may succeed later.
const RETRYABLE_CODES = new Set(['service_unavailable', 'internal_error', 'rate_limited', 'unknown']);

export function outcomeOf(item: BulkItem, output: BulkOutput): ItemOutcome {
  if (output.status === 'success') return 'stored';
  const code = typeof output.code === 'string' ? output.code : 'unknown';
  // A finish of something already finished (or terminated by an operator) has nothing left to do.
  if (code === 'invalid_action' && item._type.endsWith('/finish')) return 'stored';
  return RETRYABLE_CODES.has(code) ? 'retry' : 'rejected';
}

/** The control block of a success output: the reason when the instance was terminated. */
export function terminationIn(output: BulkOutput): { reason: string | null } | undefined {
  const control = output.control as { terminate?: unknown; reason?: unknown } | undefined;
  if (typeof control !== 'object' || control === null || control.terminate !== true) return undefined;
  return { reason: typeof control.reason === 'string' ? control.reason : null };
}
