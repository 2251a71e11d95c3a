import type { Histogram } from './duration-histogram.js';
import { TOKEN_COLUMNS, type Grain } from './rollups.js';

/** The rollup tables a read answers from. */
export type RollupTable = 'span_rollups' | 'run_rollups' | 'run_rollup_tokens';

/** A stretch of periods of one grain: `first` inclusive, `end` exclusive (hour keys or day keys). */
export interface PeriodRange {
  grain: Grain;
  first: string;
  end: string;
}

/** One read of a rollup table, in the store's terms (the domain has checked every name). */
export interface RollupQuery {
  account_id: string;
  table: RollupTable;
  ranges: PeriodRange[];
  /** Key columns and the values they must hold (any of). */
  filters: Array<[column: string, values: string[]]>;
  /** Key columns rows are kept apart by, besides the period. */
  group: string[];
  /** Whether to read the duration histograms (only for percentiles: they are the widest part). */
  histogram: boolean;
}

export interface RollupRow {
  period: string;
  /** The group's key columns, by name. */
  key: Record<string, string>;
  n: number;
  errors: number;
  finished: number;
  duration_ms: number;
  /** Token sums in TOKEN_COLUMNS order (zeros for run_rollups). */
  tokens: number[];
  histogram: Histogram | null;
}

/**
 * The statement for `RollupQuery`: the ranges' rows (each range one index range of the primary
 * key, which starts with account, grain and period), summed by period and the group's columns.
 * `hist` is the engine's histogram sum (`agentspan_hist_sum(hist)`, cast as the engine needs).
 */
export function rollupSql(query: RollupQuery, param: (n: number) => string, hist: string): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const next = (value: unknown) => {
    values.push(value);
    return param(values.length);
  };
  // Each part binds its own values, in the order they appear (SQLite's `?` are positional).
  const parts = query.ranges.map((r) => {
    const range = `account_id = ${next(query.account_id)} AND grain = ${next(r.grain)} AND period >= ${next(r.first)} AND period < ${next(r.end)}`;
    const filters = query.filters.map(([column, list]) => ` AND ${column} IN (${list.map(next).join(', ')})`).join('');
    return `SELECT * FROM ${query.table} WHERE ${range}${filters}`;
  });
  const counted = query.table === 'run_rollup_tokens';
  const measures = [
    counted
      ? '0 AS n, 0 AS errors, 0 AS finished, 0 AS duration_ms'
      : "sum(n) AS n, sum(CASE WHEN status = 'failed' THEN n ELSE 0 END) AS errors, sum(finished) AS finished, sum(duration_ms) AS duration_ms",
    ...(query.table === 'run_rollups' ? [] : TOKEN_COLUMNS.map((c) => `sum(${c}) AS ${c}`)),
    ...(query.histogram && !counted ? [`${hist} AS hist`] : []),
  ];
  const group = ['period', ...query.group];
  const text = `SELECT ${group.join(', ')}, ${measures.join(', ')} FROM (${parts.join(' UNION ALL ')}) AS r GROUP BY ${group.join(', ')}`;
  return { text, values };
}

/** A result row into a `RollupRow`; `histogram` reads the engine's histogram column. */
export function rollupRow(row: Record<string, unknown>, query: RollupQuery, histogram: (value: unknown) => Histogram | null): RollupRow {
  return {
    period: row.period as string,
    key: Object.fromEntries(query.group.map((c) => [c, row[c] as string])),
    n: Number(row.n),
    errors: Number(row.errors),
    finished: Number(row.finished),
    duration_ms: Number(row.duration_ms),
    tokens: query.table === 'run_rollups' ? [0, 0, 0, 0, 0, 0] : TOKEN_COLUMNS.map((c) => Number(row[c] ?? 0)),
    histogram: 'hist' in row ? histogram(row.hist) : null,
  };
}
