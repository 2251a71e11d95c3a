import {
  ANALYTICS_DIMENSIONS,
  ANALYTICS_FILTERS,
  ANALYTICS_MEASURES,
  DEFAULT_ANALYTICS_LIMIT,
  DEFAULT_ANALYTICS_MEASURES,
  DEFAULT_ANALYTICS_RANGE_MS,
  INSTANCE_PURPOSES,
  INSTANCE_STATUSES,
  MAX_ANALYTICS_BUCKETS,
  MAX_ANALYTICS_DIMENSIONS,
  SPAN_STATUSES,
  type AnalyticsDimension,
  type AnalyticsGranularity,
  type AnalyticsMeasure,
  type AnalyticsQuery,
  type AnalyticsView,
} from '@agentspan/protocol';
import type { PeriodRange } from '../../store/analytics-sql.js';
import { fieldError } from '../errors.js';
import { parseTimestamp, timestampFromMs, type Timestamp } from '../timestamps.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const STEP_MS: Record<AnalyticsGranularity, number> = { hour: HOUR_MS, day: DAY_MS, week: 7 * DAY_MS };

/** A query checked and read into the rollups' terms. */
export interface AnalyticsRead {
  view: AnalyticsView;
  measures: AnalyticsMeasure[];
  by: AnalyticsDimension[];
  granularity: AnalyticsGranularity | null;
  /** The first hour read (the answer's `from`) and `to` as given. */
  from: Timestamp;
  to: Timestamp;
  ranges: PeriodRange[];
  filters: Array<[AnalyticsDimension, string[]]>;
  order: { by: string; descending: boolean } | null;
  limit: number;
}

const list = (text: string) => [...new Set(text.split(',').map((item) => item.trim()))];

function members<T extends string>(field: string, text: string, allowed: readonly T[], what: string): T[] {
  const items = list(text);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item)) {
      throw fieldError(
        field,
        `${item === '' ? 'has an empty item' : `names ${JSON.stringify(item)}`}, not one of the ${what}: ${allowed.join(', ')}`,
      );
    }
  }
  return items as T[];
}

const hourKey = (ms: number) => timestampFromMs(ms).slice(0, 13);
const dayKey = (ms: number) => timestampFromMs(ms).slice(0, 10);

/**
 * The rollup rows that cover [first, end) (whole hours): whole UTC days from the day rows, the
 * hours before the first and after the last whole day from the hour rows, so a month reads about
 * thirty rows per key instead of seven hundred. Hourly answers read hours only.
 */
function rangesOf(first: number, end: number, hourly: boolean): PeriodRange[] {
  const firstDay = Math.ceil(first / DAY_MS) * DAY_MS;
  const endDay = Math.floor(end / DAY_MS) * DAY_MS;
  if (hourly || firstDay >= endDay) return [{ grain: 'h', first: hourKey(first), end: hourKey(end) }];
  const ranges: PeriodRange[] = [{ grain: 'd', first: dayKey(firstDay), end: dayKey(endDay) }];
  if (first < firstDay) ranges.push({ grain: 'h', first: hourKey(first), end: hourKey(firstDay) });
  if (endDay < end) ranges.push({ grain: 'h', first: hourKey(endDay), end: hourKey(end) });
  return ranges;
}

/** The start (ms) of the bucket holding `ms`: weeks start Monday 00:00 UTC. */
export function bucketStart(ms: number, granularity: AnalyticsGranularity): number {
  if (granularity === 'week') {
    const day = Math.floor(ms / DAY_MS) * DAY_MS;
    return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS;
  }
  return Math.floor(ms / STEP_MS[granularity]) * STEP_MS[granularity];
}

/** GET /analytics's parameters checked: every wrong one a 422 naming it and what it may be. */
export function readAnalyticsQuery(query: AnalyticsQuery, now: Timestamp): AnalyticsRead {
  const view = query.view ?? 'spans';
  const measures =
    query.measures === undefined
      ? [...DEFAULT_ANALYTICS_MEASURES[view]]
      : members('measures', query.measures, ANALYTICS_MEASURES[view], `${view} view's measures`);
  const dimensions = ANALYTICS_DIMENSIONS[view] as readonly AnalyticsDimension[];
  const by = query.by === undefined ? [] : members('by', query.by, dimensions, `${view} view's dimensions`);
  if (by.length > MAX_ANALYTICS_DIMENSIONS) throw fieldError('by', `names ${by.length} dimensions; group by at most ${MAX_ANALYTICS_DIMENSIONS}`);
  const filters: Array<[AnalyticsDimension, string[]]> = [];
  for (const name of ANALYTICS_FILTERS) {
    const text = query[name];
    if (text === undefined) continue;
    if (!dimensions.includes(name)) throw fieldError(name, `is not a dimension of the ${view} view, whose filters are ${dimensions.join(', ')}`);
    const values =
      name === 'status'
        ? members(name, text, view === 'spans' ? SPAN_STATUSES : INSTANCE_STATUSES, 'statuses')
        : name === 'purpose'
          ? members(name, text, INSTANCE_PURPOSES, 'purposes')
          : list(text);
    if (values.includes('')) throw fieldError(name, 'has an empty item; send a comma list of values');
    filters.push([name, values]);
  }
  const granularity = query.granularity ?? null;
  const to = query.to === undefined ? now : parseTimestamp(query.to, 'to');
  const fromMs = query.from === undefined ? Date.parse(to) - DEFAULT_ANALYTICS_RANGE_MS : Date.parse(parseTimestamp(query.from, 'from'));
  const first = Math.floor(fromMs / HOUR_MS) * HOUR_MS;
  // The hour holding the instant before `to` is the last one read.
  const end = Math.floor((Date.parse(to) - 1) / HOUR_MS) * HOUR_MS + HOUR_MS;
  if (fromMs >= Date.parse(to)) throw fieldError('from', `must be before to (${to})`);
  if (granularity !== null) {
    const buckets = Math.round((bucketStart(end - 1, granularity) - bucketStart(first, granularity)) / STEP_MS[granularity]) + 1;
    if (buckets > MAX_ANALYTICS_BUCKETS) {
      throw fieldError(
        'from',
        `makes ${buckets} ${granularity} buckets, more than the ${MAX_ANALYTICS_BUCKETS} one answer holds; send a later from, an earlier to or a coarser granularity (hour, day, week)`,
      );
    }
  }
  let order: AnalyticsRead['order'] = null;
  if (query.order_by !== undefined) {
    const descending = query.order_by.startsWith('-');
    const name = descending ? query.order_by.slice(1) : query.order_by;
    const allowed = [...(granularity === null ? [] : ['bucket']), ...measures, ...by];
    if (!allowed.includes(name))
      throw fieldError(
        'order_by',
        `names ${JSON.stringify(name)}, not one of the answer's columns: ${allowed.join(', ')} (a - first for descending)`,
      );
    order = { by: name, descending };
  }
  return {
    view,
    measures,
    by,
    granularity,
    from: timestampFromMs(first),
    to,
    ranges: rangesOf(first, end, granularity === 'hour'),
    filters,
    order,
    limit: query.limit ?? DEFAULT_ANALYTICS_LIMIT,
  };
}
