// `GET /api/v1/analytics`: one chart's numbers (counts, error rates, duration percentiles, tokens
// and cost) grouped by up to three dimensions and bucketed by time, answered from the server's
// rollups. Shaped after Langfuse's metrics API (view, measures, dimensions, filters, time
// dimension, order and limit), but as a plain query string, with measures named by what they are
// (`duration_p95`) rather than as measure × aggregation pairs.
import * as Type from '@sinclair/typebox';
import { type Static } from '@sinclair/typebox';
import { Nullable, PlainText, Timestamp, TimestampInput } from './common.js';
import { literals } from './schema-builders.js';

/** What is counted: spans (bucketed by `started_at`) or runs (agent instances, by their start, else their registration). */
export const ANALYTICS_VIEWS = ['spans', 'runs'] as const;
export type AnalyticsView = (typeof ANALYTICS_VIEWS)[number];

/** Measures both views answer. Durations are in ms over finished spans (or runs); tokens are each counted once, by type. */
export const ANALYTICS_COMMON_MEASURES = [
  'errors',
  'error_rate',
  'duration_p50',
  'duration_p90',
  'duration_p95',
  'duration_p99',
  'duration_avg',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'total_tokens',
  'cost_usd',
] as const;

/** The measures of each view: its count (`spans` or `runs`) and the common ones. */
export const ANALYTICS_MEASURES = {
  spans: ['spans', ...ANALYTICS_COMMON_MEASURES],
  runs: ['runs', ...ANALYTICS_COMMON_MEASURES],
} as const;
export type AnalyticsMeasure = 'spans' | 'runs' | (typeof ANALYTICS_COMMON_MEASURES)[number];

/** The dimensions each view groups and filters by. */
export const ANALYTICS_DIMENSIONS = {
  spans: ['agent_id', 'agent_version_id', 'environment_id', 'model', 'span_type', 'status'],
  runs: ['agent_id', 'agent_version_id', 'environment_id', 'status', 'purpose'],
} as const;
/** Every dimension of either view: each is also a filter parameter. */
export const ANALYTICS_FILTERS = ['agent_id', 'agent_version_id', 'environment_id', 'model', 'span_type', 'status', 'purpose'] as const;
export type AnalyticsDimension = (typeof ANALYTICS_FILTERS)[number];

/** The measures asked for when `measures` is absent. */
export const DEFAULT_ANALYTICS_MEASURES = { spans: ['spans', 'errors'], runs: ['runs', 'errors'] } as const;

export const ANALYTICS_GRANULARITIES = ['hour', 'day', 'week'] as const;
export type AnalyticsGranularity = (typeof ANALYTICS_GRANULARITIES)[number];

/** Dimensions one request groups by at most. */
export const MAX_ANALYTICS_DIMENSIONS = 3;
/** Buckets one range holds at most (at the answer's granularity, or at hours when there is none). */
export const MAX_ANALYTICS_BUCKETS = 2000;
export const DEFAULT_ANALYTICS_LIMIT = 1000;
export const MAX_ANALYTICS_LIMIT = 10000;
/** The range when `from` is absent: this long before `to`. */
export const DEFAULT_ANALYTICS_RANGE_MS = 24 * 60 * 60 * 1000;

/** A comma list in a query string (`measures=spans,errors`, `model=gpt-4o,claude-3-5-haiku`). */
const CommaList = PlainText({ minLength: 1, maxLength: 4000 });

export const AnalyticsQuery = Type.Object({
  view: Type.Optional(literals(ANALYTICS_VIEWS)),
  /** Comma list of measures of the view (default `spans,errors` or `runs,errors`). */
  measures: Type.Optional(CommaList),
  /** Comma list of at most three dimensions of the view. */
  by: Type.Optional(CommaList),
  /** Absent: one row per group over the whole range. Weeks start Monday 00:00 UTC. */
  granularity: Type.Optional(literals(ANALYTICS_GRANULARITIES)),
  /** Start of the range (ISO-8601), read from the start of its UTC hour. Default: `to` − 24 h. */
  from: Type.Optional(TimestampInput),
  /** End of the range, exclusive (ISO-8601), read to the end of the hour holding the instant before it. Default: now. */
  to: Type.Optional(TimestampInput),
  agent_id: Type.Optional(CommaList),
  agent_version_id: Type.Optional(CommaList),
  environment_id: Type.Optional(CommaList),
  model: Type.Optional(CommaList),
  span_type: Type.Optional(CommaList),
  status: Type.Optional(CommaList),
  purpose: Type.Optional(CommaList),
  /** A requested measure or dimension (or `bucket`), `-` first for descending. Default: bucket, then the first measure descending. */
  order_by: Type.Optional(PlainText({ minLength: 1, maxLength: 100 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ANALYTICS_LIMIT })),
});
export type AnalyticsQuery = Static<typeof AnalyticsQuery>;

/**
 * One row: `bucket` (with a granularity), the dimensions grouped by (ids as strings; `model` null
 * for spans with no model), the measures asked for (a rate, duration or cost is null when there is
 * nothing to compute it from), and `unpriced_models` when `cost_usd` is asked.
 */
export const AnalyticsRow = Type.Record(Type.String(), Type.Union([Type.Number(), Type.String(), Type.Null(), Type.Array(Type.String())]));
export type AnalyticsRow = Static<typeof AnalyticsRow>;

export const Analytics = Type.Object({
  view: literals(ANALYTICS_VIEWS),
  /** The range as read: `from` at the start of its hour, `to` as given (or now). */
  from: Timestamp,
  to: Timestamp,
  granularity: Nullable(literals(ANALYTICS_GRANULARITIES)),
  measures: Type.Array(Type.String()),
  by: Type.Array(Type.String()),
  /** Only where data exists (no zero-filled buckets), ordered by `order_by`, at most `limit`. */
  rows: Type.Array(AnalyticsRow),
  /** The measures over all matching data, not only the rows returned. */
  totals: AnalyticsRow,
  /** Models whose tokens are left out of `cost_usd` (no price); empty when `cost_usd` is not asked. */
  unpriced_models: Type.Array(Type.String()),
  /** When the answer was computed: cost is from the prices current then (a price change re-prices history). */
  priced_at: Timestamp,
});
export type Analytics = Static<typeof Analytics>;

export const AnalyticsResponse = Type.Object({
  status: Type.Literal('success'),
  details: Analytics,
});
export type AnalyticsResponse = Static<typeof AnalyticsResponse>;
