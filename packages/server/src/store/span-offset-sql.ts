import type { SpanOffsetQuery } from './records.js';

/** Sorts after every canonical timestamp. */
const END_OF_TIME = '9999-12-31T23:59:59.999999Z';

export interface SpanOffsetSql {
  /** One text per statement shape, to name and cache prepared statements by. */
  shape: string;
  /** Takes `pageValues(limit, offset)`. */
  page: string;
  pageValues(limit: number, offset: number): unknown[];
  /** Takes `countValues`; answers `n`. */
  count: string;
  countValues: unknown[];
}

/**
 * An offset page of one instance's spans, or of every instance's of one agent, over the same
 * (scope, started_at, id) index the cursor pages walk (spans_by_instance_time, spans_by_agent_time),
 * start_time and end_time bounding the index range.
 *
 * The count without time bounds is the sum of the instances' span counters (kept in step by every
 * write), not a count of the index range on every page.
 */
export function spanOffsetSql(query: SpanOffsetQuery, placeholder: (n: number) => string): SpanOffsetSql {
  const scope = query.agent_id !== undefined ? 'agent_id' : 'agent_instance_id';
  const values = [query.account_id, query.agent_id ?? query.agent_instance_id, query.start_time ?? '', query.end_time ?? END_OF_TIME];
  const filter = `account_id = ${placeholder(1)} AND ${scope} = ${placeholder(2)} AND started_at >= ${placeholder(3)} AND started_at <= ${placeholder(4)}`;
  const { field, direction } = query.sort;
  const order = field === 'id' ? `id ${direction}` : `started_at ${direction}, id ${direction}`;
  const page = `SELECT * FROM spans WHERE ${filter} ORDER BY ${order} LIMIT ${placeholder(5)} OFFSET ${placeholder(6)}`;
  const bounded = query.start_time !== undefined || query.end_time !== undefined;
  const count = bounded
    ? `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM spans WHERE ${filter}`
    : scope === 'agent_instance_id'
      ? `SELECT CAST(COALESCE(SUM(n), 0) AS INTEGER) AS n FROM span_counts WHERE account_id = ${placeholder(1)} AND agent_instance_id = ${placeholder(2)}`
      : `SELECT CAST(COALESCE(SUM(span_counts.n), 0) AS INTEGER) AS n FROM agent_instances CROSS JOIN span_counts
         WHERE agent_instances.account_id = ${placeholder(1)} AND agent_instances.agent_id = ${placeholder(2)}
           AND span_counts.account_id = agent_instances.account_id AND span_counts.agent_instance_id = agent_instances.id`;
  return {
    shape: `${scope}_${field}_${direction}${bounded ? '_bounded' : ''}`,
    page,
    pageValues: (limit, offset) => [...values, limit, offset],
    count,
    countValues: bounded ? values : values.slice(0, 2),
  };
}
