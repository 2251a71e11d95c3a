import type { Analytics, AnalyticsMeasure, AnalyticsQuery, AnalyticsRow } from '@agentspan/protocol';
import type { RollupQuery, RollupRow } from '../../store/analytics-sql.js';
import { addInto, quantileMs, type Histogram } from '../../store/duration-histogram.js';
import type { ReadTx } from '../../store/store.js';
import type { Caller } from '../caller.js';
import { priceUsages, type TokenPrice, type TokenUsage } from '../prices/cost.js';
import { accountPriceTable } from '../prices/price-table.js';
import { timestampFromMs } from '../timestamps.js';
import { successJson } from '../views/envelope.js';
import { bucketStart, readAnalyticsQuery, type AnalyticsRead } from './analytics-query.js';

const TOKEN_MEASURES = ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens', 'total_tokens'] as const;
const QUANTILES: Partial<Record<AnalyticsMeasure, number>> = { duration_p50: 0.5, duration_p90: 0.9, duration_p95: 0.95, duration_p99: 0.99 };

/** One answer row (or the totals) as it is summed. */
class Tally {
  n = 0;
  errors = 0;
  finished = 0;
  durationMs = 0;
  tokens = [0, 0, 0, 0, 0, 0];
  histogram: Histogram = new Map();
  /** Token sums by model ('' for none), to price. */
  byModel = new Map<string, number[]>();

  constructor(
    readonly bucket: string | null,
    readonly key: Record<string, string>,
  ) {}

  addCounts(row: RollupRow) {
    this.n += row.n;
    this.errors += row.errors;
    this.finished += row.finished;
    this.durationMs += row.duration_ms;
    if (row.histogram) addInto(this.histogram, row.histogram);
  }

  addTokens(row: RollupRow, model: string) {
    row.tokens.forEach((t, i) => (this.tokens[i]! += t));
    let sums = this.byModel.get(model);
    if (!sums) this.byModel.set(model, (sums = [0, 0, 0, 0, 0, 0]));
    row.tokens.forEach((t, i) => (sums[i]! += t));
  }

  measures(read: AnalyticsRead, prices: ReadonlyMap<string, TokenPrice>, unpriced: Set<string>): AnalyticsRow {
    const out: AnalyticsRow = {};
    for (const measure of read.measures) {
      const quantile = QUANTILES[measure];
      const tokenAt = (TOKEN_MEASURES as readonly string[]).indexOf(measure);
      if (measure === 'spans' || measure === 'runs') out[measure] = this.n;
      else if (measure === 'errors') out.errors = this.errors;
      else if (measure === 'error_rate') out.error_rate = this.n > 0 ? this.errors / this.n : null;
      else if (measure === 'duration_avg') out.duration_avg = this.finished > 0 ? round(this.durationMs / this.finished) : null;
      else if (quantile !== undefined) out[measure] = this.finished > 0 ? nullableRound(quantileMs(this.histogram, quantile)) : null;
      else if (tokenAt >= 0) out[measure] = this.tokens[tokenAt]!;
      else if (measure === 'cost_usd') {
        const usages: TokenUsage[] = [...this.byModel].map(([model, t]) => ({
          model: model === '' ? null : model,
          input: t[0]!,
          output: t[1]!,
          cache_read: t[2]!,
          cache_write: t[3]!,
          reasoning: t[4]!,
        }));
        const priced = priceUsages(usages, prices);
        out.cost_usd = priced.cost;
        out.unpriced_models = priced.unpriced_models;
        for (const model of priced.unpriced_models) unpriced.add(model);
      }
    }
    return out;
  }
}

/** Durations to the microsecond: the histogram's precision is far coarser, and the JSON stays short. */
const round = (ms: number) => Math.round(ms * 1000) / 1000;
const nullableRound = (ms: number | null) => (ms === null ? null : round(ms));

/** The key a rollup period's data counts under at the answer's granularity. */
function bucketOf(period: string, read: AnalyticsRead): string | null {
  if (read.granularity === null) return null;
  const ms = Date.parse(period.length === 13 ? `${period}:00:00Z` : `${period}T00:00:00Z`);
  return timestampFromMs(bucketStart(ms, read.granularity));
}

/** Values as the answer shows them: ids as strings, '' (no model, no stored instance) as null. */
const shown = (value: string | undefined) => (value === undefined || value === '' ? null : value);

function compare(a: AnalyticsRow, b: AnalyticsRow, column: string): number {
  const x = a[column];
  const y = b[column];
  if (x === y) return 0;
  // Nulls (and absent values) last, whichever way the column sorts.
  if (x === null || x === undefined) return Number.POSITIVE_INFINITY;
  if (y === null || y === undefined) return Number.NEGATIVE_INFINITY;
  return x < y ? -1 : 1;
}

function sortRows(rows: AnalyticsRow[], read: AnalyticsRead) {
  const keys: Array<{ by: string; descending: boolean }> = read.order
    ? [read.order]
    : [...(read.granularity === null ? [] : [{ by: 'bucket', descending: false }]), { by: read.measures[0]!, descending: true }];
  rows.sort((a, b) => {
    for (const { by, descending } of keys) {
      const c = compare(a, b, by);
      if (c === 0) continue;
      return Number.isFinite(c) && descending ? -c : Math.sign(c);
    }
    return 0;
  });
}

/**
 * GET /analytics: the view's measures over a range, grouped by up to three dimensions and bucketed
 * by hour, day or week, from the rollups the writes keep (never the spans). Cost is priced now from
 * token sums by model, so a price change re-prices history; unpriced models are named, never $0.
 */
export async function readAnalytics(tx: ReadTx, caller: Caller, query: AnalyticsQuery): Promise<string> {
  const read = readAnalyticsQuery(query, caller.now);
  const wantsCost = read.measures.includes('cost_usd');
  const wantsTokens = wantsCost || read.measures.some((m) => (TOKEN_MEASURES as readonly string[]).includes(m));
  const base = { account_id: caller.accountId, ranges: read.ranges, filters: read.filters, histogram: read.measures.some((m) => m in QUANTILES) };
  const groups = new Map<string, Tally>();
  const totals = new Tally(null, {});
  const tallyOf = (row: RollupRow) => {
    const bucket = bucketOf(row.period, read);
    const id = [bucket ?? '', ...read.by.map((d) => row.key[d] ?? '')].join('\0');
    let tally = groups.get(id);
    if (!tally) groups.set(id, (tally = new Tally(bucket, row.key)));
    return tally;
  };
  const spans = read.view === 'spans';
  const counted: RollupQuery = {
    ...base,
    table: spans ? 'span_rollups' : 'run_rollups',
    group: [...read.by, ...(spans && wantsCost && !read.by.includes('model') ? ['model'] : [])],
  };
  for (const row of await tx.rollups(counted)) {
    if (row.n === 0 && row.finished === 0 && row.tokens.every((t) => t === 0)) continue;
    const tally = tallyOf(row);
    tally.addCounts(row);
    totals.addCounts(row);
    if (spans) {
      tally.addTokens(row, row.key.model ?? '');
      totals.addTokens(row, row.key.model ?? '');
    }
  }
  if (!spans && wantsTokens) {
    const tokens: RollupQuery = { ...base, histogram: false, table: 'run_rollup_tokens', group: [...read.by, 'model'] };
    for (const row of await tx.rollups(tokens)) {
      if (row.tokens.every((t) => t === 0)) continue;
      tallyOf(row).addTokens(row, row.key.model ?? '');
      totals.addTokens(row, row.key.model ?? '');
    }
  }
  const prices = wantsCost ? await accountPriceTable(tx, caller.accountId) : new Map<string, TokenPrice>();
  const unpriced = new Set<string>();
  const rows = [...groups.values()].map((tally) => ({
    ...(tally.bucket === null ? {} : { bucket: tally.bucket }),
    ...Object.fromEntries(read.by.map((d) => [d, shown(tally.key[d])])),
    ...tally.measures(read, prices, unpriced),
  }));
  sortRows(rows, read);
  const details: Analytics = {
    view: read.view,
    from: read.from,
    to: read.to,
    granularity: read.granularity,
    measures: read.measures,
    by: read.by,
    rows: rows.slice(0, read.limit),
    totals: totals.measures(read, prices, unpriced),
    unpriced_models: [...unpriced].sort(),
    priced_at: caller.now,
  };
  return successJson(JSON.stringify(details));
}
