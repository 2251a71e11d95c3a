import type { SpanListQuery } from './records.js';
import { TABLE_COLUMNS } from './table-columns.js';

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

/** The span columns an outline reads: all but the payloads, which may be most of a row's bytes. */
const OUTLINE_COLUMNS = TABLE_COLUMNS.spans.filter((column) => column !== 'payload_json' && column !== 'result_payload_json').join(', ');

/**
 * One page of an instance's spans, or of one span's children (`children`), in (started_at, id)
 * order; whole rows or outlines. Parameters, `param(n)` for the n-th: account, [parent,] instance,
 * afterTime, afterId, untilTime, limit. The bounds are one row value, so the engine walks
 * spans_by_instance_time from the lower bound instead of filtering.
 */
export function spanPageSql(param: (n: number) => string, { children, outline }: { children: boolean; outline: boolean }): string {
  let n = 0;
  const next = () => param(++n);
  const account = next();
  const parent = children ? ` AND parent_span_id = ${next()}` : '';
  const instance = next();
  return `SELECT ${outline ? OUTLINE_COLUMNS : '*'} FROM spans WHERE account_id = ${account}${parent} AND agent_instance_id = ${instance}
         AND (started_at, id) > (${next()}, ${next()}) AND started_at <= ${next()}
       ORDER BY started_at, id LIMIT ${next()}`;
}
