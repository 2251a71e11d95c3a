import type { InstanceRecord, SpanRecord } from '../../store/records.js';

/** The result a span still open when its run is terminated finishes with (status `cancelled`). */
export const terminatedResultJson = (reason: string | null): string => JSON.stringify({ terminated: true, reason });

/**
 * Whether the terminate of its instance closed the span: finished `cancelled` with the terminate's
 * result at the terminate's clock reading. The agent was not told before, so its own later finish
 * of the span is answered as the terminate left it, not refused.
 */
export const closedByTerminate = (span: SpanRecord, instance: InstanceRecord): boolean =>
  instance.status === 'terminated' &&
  span.status === 'cancelled' &&
  span.updated_at === instance.finished_at &&
  span.result_payload_json === terminatedResultJson(instance.termination_reason);
