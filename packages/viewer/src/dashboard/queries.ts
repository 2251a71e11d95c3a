// The dashboard's charts, each one `GET /api/v1/analytics` request, from the page's scope.
import { RANGES, bucketStarts, type AnalyticsQuery, type Granularity, type RangeName } from '../api/analytics.js';

/** What every chart is scoped to: the header's environment, the agent filter, the time range. */
export interface DashboardScope {
  environmentId: string | null;
  agentId: string | null;
  range: RangeName;
}

/** The window the charts share: fixed when the scope is chosen, so every chart answers the same span of time. */
export interface DashboardWindow {
  from: string;
  to: string;
  granularity: Granularity;
  buckets: string[];
}

export function windowOf(range: RangeName, now: number): DashboardWindow {
  const { ms, granularity } = RANGES[range];
  const from = new Date(now - ms).toISOString();
  const to = new Date(now).toISOString();
  return { from, to, granularity, buckets: bucketStarts(from, to, granularity) };
}

export const TOKEN_MEASURES = ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'reasoning_tokens'] as const;

export type ChartName = 'runsByStatus' | 'errorRate' | 'runLatency' | 'spanTypeLatency' | 'tokens' | 'costByModel' | 'topModels' | 'toolCalls';

/** Every chart's request: the only place the dashboard names measures and dimensions. */
export function dashboardQueries(scope: DashboardScope, w: DashboardWindow): Record<ChartName, AnalyticsQuery> {
  const base = { from: w.from, to: w.to, environment_id: scope.environmentId, agent_id: scope.agentId };
  const overTime = { ...base, granularity: w.granularity };
  return {
    runsByStatus: { ...overTime, view: 'runs', measures: ['runs'], by: ['status'] },
    errorRate: { ...overTime, view: 'runs', measures: ['runs', 'errors', 'error_rate'] },
    runLatency: { ...overTime, view: 'runs', measures: ['duration_p50', 'duration_p95', 'duration_p99'] },
    spanTypeLatency: {
      ...base,
      view: 'spans',
      measures: ['spans', 'duration_p50', 'duration_p95', 'duration_p99'],
      by: ['span_type'],
      order_by: '-duration_p95',
    },
    tokens: { ...overTime, view: 'spans', measures: [...TOKEN_MEASURES, 'total_tokens'] },
    // Tokens beside cost: spans that are no model call (no tokens) form a row of their own, left out.
    costByModel: { ...overTime, view: 'spans', measures: ['cost_usd', 'total_tokens'], by: ['model'] },
    topModels: { ...base, view: 'spans', measures: ['cost_usd', 'total_tokens', 'spans'], by: ['model'], order_by: '-cost_usd', limit: 10 },
    // Tool span types are named by their authors (`tool:call`, `langchain:tool`): all types are
    // asked for and those whose name says `tool` are shown.
    toolCalls: { ...base, view: 'spans', measures: ['spans', 'errors', 'error_rate', 'duration_p50', 'duration_p95'], by: ['span_type'] },
  };
}
