import type { SpanFields } from '../spans/new-span.js';
import type { Timestamp } from '../timestamps.js';

/** The service a span's resource names (`service.name`, `service.version`). */
export interface ServiceIdentity {
  name: string;
  version: string | null;
}

/**
 * One traced span as it will be stored: its own fields made (ids, times, payloads, title and
 * summary), still without its account, agent and instance, which its trace gives it.
 */
export interface ReceivedSpan extends SpanFields {
  /** 32 lowercase hex digits: the agent instance's id. */
  traceId: string;
  service: ServiceIdentity;
  status: 'complete' | 'failed';
  finished_at: Timestamp;
}

export interface SpanRejection {
  /** The span's id when it could be read, else where it sits in the request. */
  span: string;
  reason: string;
}

/** The spans an export carries, each made ready to store or rejected with its reason. */
export interface ReadExport {
  spans: ReceivedSpan[];
  rejected: SpanRejection[];
  /** Values cut to the longest a value may be, across the request. */
  truncated: number;
}
