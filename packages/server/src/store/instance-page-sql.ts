import type { InstanceListQuery } from './records.js';

/** Sorts after every canonical timestamp and every id. */
const END = '\u{10FFFF}';

/** An instance's place in the listing, as both engines index it. */
export const LISTED_AT = 'coalesce(i.started_at, i.inserted_at)';

export interface InstancePageSql {
  /** Names the statement: one per combination of filters. */
  shape: string;
  text: string;
  values: unknown[];
  /** How many instances the filters hold, with `values` before the limit (offset pages). */
  count: string;
  countValues: unknown[];
}

/**
 * One page of the instance listing for either engine: `placeholder(n)` writes the n-th parameter,
 * `search` the query of the ids of instances with a span matching the words, through the engine's
 * full-text index (it makes its parameters with `param`, in the order its text uses them). The cursor and `until` fold into one upper bound, whichever is lower, so the
 * index scan starts in the right place.
 */
export function instancePageSql(
  query: InstanceListQuery,
  placeholder: (n: number) => string,
  search: (param: (value: unknown) => string, accountId: string, words: readonly string[]) => string,
): InstancePageSql {
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return placeholder(values.length);
  };
  const where = [`i.account_id = ${param(query.account_id)}`];
  if (query.agent_id !== undefined) where.push(`i.agent_id = ${param(query.agent_id)}`);
  // With the agent's filter before it, the scan runs on agent_instances_by_environment_activity or by_agent_activity.
  if (query.environment_id !== undefined) where.push(`i.environment_id = ${param(query.environment_id)}`);
  if (query.status !== undefined) where.push(`i.status = ${param(query.status)}`);
  if (query.agent_version_id !== undefined) where.push(`i.agent_version_id = ${param(query.agent_version_id)}`);
  if (query.purpose !== undefined) where.push(`i.purpose = ${param(query.purpose)}`);
  const untilBound: [string, string] = [query.until ?? END, END];
  const after = query.after;
  const [beforeAt, beforeId] =
    after && (after.listed_at < untilBound[0] || (after.listed_at === untilBound[0] && after.id < untilBound[1]))
      ? [after.listed_at, after.id]
      : untilBound;
  where.push(`(${LISTED_AT}, i.id) < (${param(beforeAt)}, ${param(beforeId)})`);
  if (query.since !== undefined) where.push(`${LISTED_AT} >= ${param(query.since)}`);
  const searching = query.search !== undefined && query.search.length > 0;
  if (searching) where.push(`i.id IN (${search(param, query.account_id, query.search!)})`);
  const count = `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM agent_instances i WHERE ${where.join(' AND ')}`;
  const countValues = [...values];
  const { field, direction } = query.sort ?? { field: 'started_at', direction: 'desc' };
  const order = field === 'id' ? `i.id ${direction}` : `${LISTED_AT} ${direction}, i.id ${direction}`;
  // Positional placeholders (SQLite): the limit's before the offset's.
  const limit = param(query.limit);
  const offset = query.offset === undefined ? '' : ` OFFSET ${param(query.offset)}`;
  const text = `SELECT i.*, a.name AS agent_name, ${LISTED_AT} AS listed_at
    FROM agent_instances i JOIN agents a ON a.account_id = i.account_id AND a.id = i.agent_id
    WHERE ${where.join(' AND ')}
    ORDER BY ${order} LIMIT ${limit}${offset}`;
  const shape =
    [query.agent_id, query.status, query.since, query.environment_id, query.agent_version_id, query.purpose]
      .map((v) => (v === undefined ? '0' : '1'))
      .join('') + (searching ? '1' : '0');
  const paging = query.offset === undefined ? '' : `_${field}_${direction}_offset`;
  return { shape: shape + paging, text, values, count, countValues };
}
