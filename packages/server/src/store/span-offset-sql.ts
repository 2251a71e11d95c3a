import type { SpanOffsetQuery } from './records.js';

/** Sorts after every canonical timestamp. */
const END_OF_TIME = '9999-12-31T23:59:59.999999Z';

export interface SpanOffsetSql {
  /** One text per statement shape, to name and cache prepared statements by. */
  shape: string;
  /** Takes `values`, then limit and offset. */
  page: string;
  /** Takes `values`; answers `n`. */
  count: string;
  values: unknown[];
}

/**
 * An offset page of one instance's spans, or of every instance's of one agent, over the same
 * (scope, started_at, id) index the cursor pages walk (spans_by_instance_time, spans_by_agent_time):
 * start_time and end_time bound the index range, LIMIT and OFFSET take the page from it.
 */
export function spanOffsetSql(query: SpanOffsetQuery, placeholder: (n: number) => string): SpanOffsetSql {
  const scope = query.agent_id !== undefined ? 'agent_id' : 'agent_instance_id';
  const values = [query.account_id, query.agent_id ?? query.agent_instance_id, query.start_time ?? '', query.end_time ?? END_OF_TIME];
  const filter = `account_id = ${placeholder(1)} AND ${scope} = ${placeholder(2)} AND started_at >= ${placeholder(3)} AND started_at <= ${placeholder(4)}`;
  const { field, direction } = query.sort;
  const order = field === 'id' ? `id ${direction}` : `started_at ${direction}, id ${direction}`;
  return {
    shape: `${scope}_${field}_${direction}`,
    page: `SELECT * FROM spans WHERE ${filter} ORDER BY ${order} LIMIT ${placeholder(5)} OFFSET ${placeholder(6)}`,
    count: `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM spans WHERE ${filter}`,
    values,
  };
}
