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
 * The statement parts (`WITH …`) a sort by cost or tokens reads: each run of the account with usage
 * and its key, computed in one pass over the account's `instance_usage` (summed by model first:
 * PostgreSQL keeps one row per writer). Cost follows `priceUsages`: the priced tokens' sum, null when
 * tokens are there and none is priced. `param` makes the parameters, the prices' first.
 */
function runKeys(field: InstanceSortField, query: InstanceListQuery, dialect: InstancePageDialect, param: (value: unknown) => string): string {
  if (field !== 'cost_usd' && field !== 'total_tokens') return '';
  // Materialized: the prices' JSON is read once, not once per run.
  const prices = field === 'cost_usd' ? `prices AS MATERIALIZED (${dialect.prices(param(query.prices ?? '[]'))}), ` : '';
  const byModel = `run_models AS MATERIALIZED (SELECT agent_instance_id, model, ${COUNT_COLUMNS.map((c) => `CAST(sum(${c}) AS BIGINT) AS ${c}`).join(', ')}
      FROM instance_usage WHERE account_id = ${param(query.account_id)} GROUP BY agent_instance_id, model)`;
  const cost = PRICE_RATES.map((c) => `u.${c} * p.${c}`).join(' + ');
  const key =
    field === 'cost_usd'
      ? `CASE WHEN count(p.model) > 0 OR count(CASE WHEN u.total > 0 THEN 1 END) = 0 THEN coalesce(sum(${cost}), 0) END`
      : 'sum(u.total)';
  const join = field === 'cost_usd' ? 'LEFT JOIN prices p ON p.model = u.model AND u.total > 0' : '';
  return `WITH ${prices}${byModel}, run_keys AS MATERIALIZED (SELECT u.agent_instance_id, ${key} AS sort_key FROM run_models u ${join}
      GROUP BY u.agent_instance_id) `;
}

/** What a sort by cost, duration or tokens orders by: a run without usage costs 0 and holds 0 tokens. */
function sortKey(field: InstanceSortField, dialect: InstancePageDialect): string | undefined {
  switch (field) {
    case 'duration_ms':
      return `CASE WHEN i.started_at IS NOT NULL AND i.finished_at IS NOT NULL THEN ${dialect.micros('i.finished_at', 'i.started_at')} END`;
    case 'total_tokens':
    case 'cost_usd':
      return 'CASE WHEN k.agent_instance_id IS NULL THEN 0 ELSE k.sort_key END';
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
  // First in the text, so their parameters are the first (the count statement carries them unused).
  const keyed = runKeys(field, query, dialect, param);
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
  const count = `${keyed}SELECT CAST(COUNT(*) AS INTEGER) AS n FROM agent_instances i WHERE ${where.join(' AND ')}`;
  const countValues = [...values];
  const key = sortKey(field, dialect);
  const byTime = `${LISTED_AT} ${direction}, i.id ${direction}`;
  const order = field === 'id' ? `i.id ${direction}` : key === undefined ? byTime : `${key} ${direction} NULLS LAST, ${byTime}`;
  // Positional placeholders (SQLite): the limit's before the offset's.
  const limit = param(query.limit);
  const offset = query.offset === undefined ? '' : ` OFFSET ${param(query.offset)}`;
  const text = `${keyed}SELECT i.*, a.name AS agent_name, ${LISTED_AT} AS listed_at
    FROM agent_instances i JOIN agents a ON a.account_id = i.account_id AND a.id = i.agent_id${
      keyed === '' ? '' : ' LEFT JOIN run_keys k ON k.agent_instance_id = i.id'
    }
    WHERE ${where.join(' AND ')}
    ORDER BY ${order} LIMIT ${limit}${offset}`;
  const shape =
    [query.agent_id, query.status, query.since, query.environment_id, query.agent_version_id, query.purpose]
      .map((v) => (v === undefined ? '0' : '1'))
      .join('') + (searching ? '1' : '0');
  const paging = (query.sort === undefined ? '' : `_${field}_${direction}`) + (query.offset === undefined ? '' : '_offset');
  return { shape: shape + paging, text, values, count, countValues };
}
