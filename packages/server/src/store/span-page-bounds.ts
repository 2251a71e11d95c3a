import type { SpanListQuery } from './records.js';

/** Sorts after every canonical timestamp. */
const END_OF_TIME = '9999-12-31T23:59:59.999999Z';

/** Where one page of an instance's spans starts and ends, in (started_at, id) order. */
export interface SpanPageBounds {
  /** The page holds spans with (started_at, id) strictly greater than (afterTime, afterId)… */
  afterTime: string;
  afterId: string;
  /** …and started_at at most this. */
  untilTime: string;
}

/**
 * Folds start_time and the cursor into one lower bound, whichever is later: engines compare it as
 * one row value, an index condition on (agent_instance_id, started_at, id), so the scan starts in
 * the right place instead of filtering. start_time is inclusive (every id sorts after ''); the
 * cursor is exclusive.
 */
export function spanPageBounds(query: SpanListQuery): SpanPageBounds {
  const untilTime = query.end_time ?? END_OF_TIME;
  if (query.after && query.after.started_at >= (query.start_time ?? '')) {
    return { afterTime: query.after.started_at, afterId: query.after.id, untilTime };
  }
  return { afterTime: query.start_time ?? '', afterId: '', untilTime };
}
