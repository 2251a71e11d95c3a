// `GET /api/v1/analytics`: one request per chart, answered from the server's rollups (the viewer
// never downloads spans to count them). Zero buckets are not sent, so `bucketStarts` names every
// bucket of the window for the charts to fill.
import type { Analytics, AnalyticsDimension, AnalyticsGranularity, AnalyticsMeasure, AnalyticsRow, AnalyticsView } from '@agentspan/protocol';
import { ApiFailure, query, request } from '../api.js';

export type { Analytics, AnalyticsRow } from '@agentspan/protocol';
export type Granularity = AnalyticsGranularity;

/** A chart's request as the viewer builds it (lists as arrays); `analyticsPath` writes the query string. */
export interface AnalyticsQuery {
  view: AnalyticsView;
  measures: readonly AnalyticsMeasure[];
  by?: readonly AnalyticsDimension[];
  granularity?: Granularity;
  from: string;
  to: string;
  agent_id?: string | null;
  environment_id?: string | null;
  span_type?: readonly string[];
  order_by?: string;
  limit?: number;
}

export const analyticsPath = (q: AnalyticsQuery): string =>
  `/api/v1/analytics${query({
    view: q.view,
    measures: q.measures.join(','),
    by: q.by?.join(','),
    granularity: q.granularity,
    from: q.from,
    to: q.to,
    agent_id: q.agent_id ?? undefined,
    environment_id: q.environment_id ?? undefined,
    span_type: q.span_type?.join(','),
    order_by: q.order_by,
    limit: q.limit,
  })}`;

/** The answer's details; null when this server has no analytics (404). */
export async function analytics(q: AnalyticsQuery): Promise<Analytics | null> {
  try {
    return (await request<{ details: Analytics }>('GET', analyticsPath(q))).details;
  } catch (failure) {
    if (failure instanceof ApiFailure && failure.status === 404) return null;
    throw failure;
  }
}

/** A measure of a row as a number; null when absent or null (no data, or unpriced). */
export const measure = (row: AnalyticsRow | undefined, name: string): number | null => {
  const value = row?.[name];
  return typeof value === 'number' ? value : null;
};

/** The rows that used tokens: by model, the spans that called none (no model, no tokens) are no model's. */
export const withTokens = (rows: AnalyticsRow[]): AnalyticsRow[] => rows.filter((row) => (measure(row, 'total_tokens') ?? 0) > 0);

/** A row's list of unpriced models (present when cost is asked). */
export const unpricedOf = (row: AnalyticsRow | undefined): string[] => {
  const value = row?.unpriced_models;
  return Array.isArray(value) ? value : [];
};

/** A row's bucket start in ms; null for a row without one (no granularity). */
export const bucketOf = (row: AnalyticsRow): number | null => (typeof row.bucket === 'string' ? Date.parse(row.bucket) : null);

/** The time ranges the dashboard offers, with the granularity each is drawn at. */
export const RANGES = {
  '24h': { label: '24 hours', ms: 24 * 3_600_000, granularity: 'hour' },
  '7d': { label: '7 days', ms: 7 * 24 * 3_600_000, granularity: 'hour' },
  '30d': { label: '30 days', ms: 30 * 24 * 3_600_000, granularity: 'day' },
} as const satisfies Record<string, { label: string; ms: number; granularity: Granularity }>;
export type RangeName = keyof typeof RANGES;
export const isRange = (value: string | null): value is RangeName => value !== null && value in RANGES;

const STEP: Record<Granularity, number> = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };

/** The bucket a time falls in, as the server starts them: hours and days in UTC, weeks on Monday 00:00 UTC. */
export function bucketStart(at: number, granularity: Granularity): number {
  if (granularity === 'hour') return Math.floor(at / STEP.hour) * STEP.hour;
  const day = Math.floor(at / STEP.day) * STEP.day;
  if (granularity === 'day') return day;
  const weekday = (new Date(day).getUTCDay() + 6) % 7;
  return day - weekday * STEP.day;
}

/** Every bucket start from `from` to `to`, as the ISO text rows carry in `bucket`. */
export function bucketStarts(from: string, to: string, granularity: Granularity): string[] {
  const starts: string[] = [];
  const end = Date.parse(to);
  for (let at = bucketStart(Date.parse(from), granularity); at < end; at += STEP[granularity]) starts.push(new Date(at).toISOString());
  return starts;
}
