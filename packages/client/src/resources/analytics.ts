import {
  AnalyticsResponse,
  type Analytics,
  type AnalyticsDimension,
  type AnalyticsGranularity,
  type AnalyticsMeasure,
  type AnalyticsView,
} from '@agentspan/protocol';
import type { HttpCore } from '../http-core.js';
import { queryString } from '../list-query.js';
import { operation, type CallOptions } from '../operation.js';
import { optionalWireTime, type Time } from '../wire-time.js';

/** A filter: one value or several (any of them). */
type Filter = string | readonly string[] | null;

export interface AnalyticsQueryParams {
  /** `spans` (default) or `runs`. */
  view?: AnalyticsView | null;
  /** Default `spans,errors` (or `runs,errors`). */
  measures?: readonly AnalyticsMeasure[] | null;
  /** At most three dimensions to group by. */
  by?: readonly AnalyticsDimension[] | null;
  /** Absent: one row per group over the whole range. */
  granularity?: AnalyticsGranularity | null;
  /** Start of the range (read from its UTC hour). Default: `to` − 24 h. */
  from?: Time | null;
  /** End of the range, exclusive. Default: now. */
  to?: Time | null;
  agent_id?: Filter;
  agent_version_id?: Filter;
  environment_id?: Filter;
  model?: Filter;
  span_type?: Filter;
  status?: Filter;
  purpose?: Filter;
  /** A requested measure or dimension (or `bucket`), `-` first for descending. */
  order_by?: string | null;
  limit?: number | null;
}

const QUERY = operation('analytics.query', 'GET', AnalyticsResponse, (b) => b.details);
const LISTS = ['measures', 'by', 'agent_id', 'agent_version_id', 'environment_id', 'model', 'span_type', 'status', 'purpose'] as const;

/** `/api/v1/analytics` (this project's server): one chart's measures, grouped and bucketed, read from rollups the server keeps. */
export class AnalyticsResource {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** GET /api/v1/analytics?…: the rows (only where data exists), the totals over all matching data, and the unpriced models. */
  async query(params: AnalyticsQueryParams = {}, options?: CallOptions): Promise<Analytics> {
    const query = new URLSearchParams();
    for (const field of ['from', 'to'] as const) {
      const time = optionalWireTime(QUERY.name, field, params[field]);
      if (time !== undefined) query.set(field, time);
    }
    for (const field of LISTS) {
      const value = params[field];
      if (value != null) query.set(field, typeof value === 'string' ? value : value.join(','));
    }
    for (const field of ['view', 'granularity', 'order_by', 'limit'] as const) {
      const value = params[field];
      if (value != null) query.set(field, String(value));
    }
    return this.#core.call(QUERY, `/api/v1/analytics${queryString(query)}`, undefined, options);
  }
}
