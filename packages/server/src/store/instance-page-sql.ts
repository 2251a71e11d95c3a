import type { InstanceSortField } from '@agentspan/protocol';
import type { InstanceListQuery } from './records.js';
import { COUNT_COLUMNS } from './span-usage.js';

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

/** The rates of a price the cost sort multiplies by, in the order of `COUNT_COLUMNS`. */
export const PRICE_RATES = ['input', 'output', 'cache_read', 'cache_write', 'reasoning'] as const;

/** What differs between the engines in a page of instances. */
export interface InstancePageDialect {
  /** Writes the n-th parameter. */
  placeholder(n: number): string;
  /**
   * The query of the ids of instances with a span matching the words, through the engine's
   * full-text index (it makes its parameters with `param`, in the order its text uses them).
   */
  search(param: (value: unknown) => string, accountId: string, words: readonly string[]): string;
  /** `later − earlier` in microseconds, exact, of two canonical timestamps (SQL expressions). */
  micros(later: string, earlier: string): string;
  /** The rows `(model, input, output, cache_read, cache_write, reasoning)` of the prices JSON parameter. */
  prices(param: string): string;
}

/**
 * What a sort by cost, duration or tokens orders by: one value per instance, computed over its rows
 * (`instance_usage` summed by model first: PostgreSQL keeps one row per writer). Cost follows
 * `priceUsages`: the priced tokens' sum, null when tokens are there and none is priced, 0 without.
 */
function sortKey(field: InstanceSortField, dialect: InstancePageDialect): string | undefined {
  const models = `(SELECT model, ${COUNT_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ')} FROM instance_usage
      WHERE account_id = i.account_id AND agent_instance_id = i.id GROUP BY model) AS u`;
  switch (field) {
    case 'duration_ms':
      return `CASE WHEN i.started_at IS NOT NULL AND i.finished_at IS NOT NULL THEN ${dialect.micros('i.finished_at', 'i.started_at')} END`;
    case 'total_tokens':
      return `coalesce((SELECT sum(total) FROM instance_usage WHERE account_id = i.account_id AND agent_instance_id = i.id), 0)`;
    case 'cost_usd': {
      const cost = PRICE_RATES.map((c) => `u.${c} * p.${c}`).join(' + ');
      return `(SELECT CASE WHEN count(p.model) > 0 OR count(CASE WHEN u.total > 0 THEN 1 END) = 0 THEN coalesce(sum(${cost}), 0) END
      FROM ${models} LEFT JOIN prices p ON p.model = u.model AND u.total > 0)`;
    }
    case 'started_at':
    case 'id':
      return undefined;
  }
}

/**
 * One page of the instance listing for either engine. The cursor and `until` fold into one upper
 * bound, whichever is lower, so the index scan starts in the right place. A sort by cost, duration
 * or tokens computes its key for every instance the filters keep (offset pages only).
 */
export function instancePageSql(query: InstanceListQuery, dialect: InstancePageDialect): InstancePageSql {
  const { placeholder, search } = dialect;
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return placeholder(values.length);
  };
  const { field, direction } = query.sort ?? { field: 'started_at', direction: 'desc' };
  // The prices come first in the text, so their parameter is the first (the count statement carries them unused).
  const priced = field === 'cost_usd' ? `WITH prices AS (${dialect.prices(param(query.prices ?? '[]'))}) ` : '';
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
  const count = `${priced}SELECT CAST(COUNT(*) AS INTEGER) AS n FROM agent_instances i WHERE ${where.join(' AND ')}`;
  const countValues = [...values];
  const key = sortKey(field, dialect);
  const byTime = `${LISTED_AT} ${direction}, i.id ${direction}`;
  const order = field === 'id' ? `i.id ${direction}` : key === undefined ? byTime : `${key} ${direction} NULLS LAST, ${byTime}`;
  // Positional placeholders (SQLite): the limit's before the offset's.
  const limit = param(query.limit);
  const offset = query.offset === undefined ? '' : ` OFFSET ${param(query.offset)}`;
  const text = `${priced}SELECT i.*, a.name AS agent_name, ${LISTED_AT} AS listed_at
    FROM agent_instances i JOIN agents a ON a.account_id = i.account_id AND a.id = i.agent_id
    WHERE ${where.join(' AND ')}
    ORDER BY ${order} LIMIT ${limit}${offset}`;
  const shape =
    [query.agent_id, query.status, query.since, query.environment_id, query.agent_version_id, query.purpose]
      .map((v) => (v === undefined ? '0' : '1'))
      .join('') + (searching ? '1' : '0');
  const paging = (query.sort === undefined ? '' : `_${field}_${direction}`) + (query.offset === undefined ? '' : '_offset');
  return { shape: shape + paging, text, values, count, countValues };
}
