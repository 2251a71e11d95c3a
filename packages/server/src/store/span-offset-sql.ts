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
 * An offset page of one instance's spans, or of every instance's of one agent. An instance's page
 * walks spans_by_instance_time in order: start_time and end_time bound the index range, LIMIT and
 * OFFSET take the page from it.
 *
 * An agent's page reads the same index, instance by instance of the agent (a span belongs to its
 * instance's agent, fixed when the instance registered): the keys alone are sorted and the page's
 * rows fetched after, so the sort never carries payloads. No index is kept by agent, because every
 * span stored would maintain one more b-tree, keyed by a time other runs of the agent share, for a
 * list the dashboard reads now and then.
 *
 * The count without time bounds is the sum of the instances' span counters (kept in step by every
 * write), not a count of the index range on every page.
 */
export function spanOffsetSql(query: SpanOffsetQuery, placeholder: (n: number) => string): SpanOffsetSql {
  const values = [query.account_id, query.agent_id ?? query.agent_instance_id, query.start_time ?? '', query.end_time ?? END_OF_TIME];
  const { field, direction } = query.sort;
  const order = (table: string) => (field === 'id' ? `${table}.id ${direction}` : `${table}.started_at ${direction}, ${table}.id ${direction}`);
  const times = (table: string) => `${table}.started_at >= ${placeholder(3)} AND ${table}.started_at <= ${placeholder(4)}`;
  const pageOf = `LIMIT ${placeholder(5)} OFFSET ${placeholder(6)}`;
  const bounded = query.start_time !== undefined || query.end_time !== undefined;
  const pageValues = (limit: number, offset: number) => [...values, limit, offset];
  if (query.agent_id === undefined) {
    const filter = `s.account_id = ${placeholder(1)} AND s.agent_instance_id = ${placeholder(2)} AND ${times('s')}`;
    return {
      shape: `instance_${field}_${direction}${bounded ? '_bounded' : ''}`,
      page: `SELECT * FROM spans AS s WHERE ${filter} ORDER BY ${order('s')} ${pageOf}`,
      pageValues,
      count: bounded
        ? `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM spans AS s WHERE ${filter}`
        : `SELECT CAST(COALESCE(SUM(n), 0) AS INTEGER) AS n FROM span_counts WHERE account_id = ${placeholder(1)} AND agent_instance_id = ${placeholder(2)}`,
      countValues: bounded ? values : values.slice(0, 2),
    };
  }
  // CROSS JOIN: SQLite keeps the instances outermost instead of scanning every span of the account.
  const ofAgent = `agent_instances AS i CROSS JOIN spans AS k
    WHERE i.account_id = ${placeholder(1)} AND i.agent_id = ${placeholder(2)}
      AND k.account_id = i.account_id AND k.agent_instance_id = i.id AND ${times('k')}`;
  return {
    shape: `agent_id_${field}_${direction}${bounded ? '_bounded' : ''}`,
    page: `SELECT s.* FROM (SELECT k.account_id, k.id FROM ${ofAgent} ORDER BY ${order('k')} ${pageOf}) AS p
      JOIN spans AS s ON s.account_id = p.account_id AND s.id = p.id ORDER BY ${order('s')}`,
    pageValues,
    count: bounded
      ? `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM ${ofAgent}`
      : `SELECT CAST(COALESCE(SUM(c.n), 0) AS INTEGER) AS n FROM agent_instances AS i CROSS JOIN span_counts AS c
         WHERE i.account_id = ${placeholder(1)} AND i.agent_id = ${placeholder(2)} AND c.account_id = i.account_id AND c.agent_instance_id = i.id`,
    countValues: bounded ? values : values.slice(0, 2),
  };
}
