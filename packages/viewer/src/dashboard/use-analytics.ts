import { useEffect, useState } from 'preact/hooks';
import { ApiFailure } from '../api.js';
import { analytics, analyticsPath, bucketOf, type Analytics, type AnalyticsQuery } from '../api/analytics.js';

/**
 * One chart's answer: undefined while it loads, null when the server has no analytics; `error`
 * is the server's refusal in its own words.
 */
export interface ChartAnswer {
  answer: Analytics | null | undefined;
  error: string | null;
}

export function useAnalytics(q: AnalyticsQuery): ChartAnswer {
  const path = analyticsPath(q);
  const [state, setState] = useState<ChartAnswer & { path: string }>({ path: '', answer: undefined, error: null });
  useEffect(() => {
    let stale = false;
    analytics(q).then(
      (answer) => !stale && setState({ path, answer, error: null }),
      (failure: unknown) => !stale && setState({ path, answer: undefined, error: failure instanceof ApiFailure ? failure.message : String(failure) }),
    );
    return () => {
      stale = true;
    };
  }, [path]);
  return state.path === path ? state : { answer: undefined, error: null };
}

/** A chart's rows by bucket (ms), for filling the buckets the answer leaves out. */
export function rowsByBucket(answer: Analytics): Map<number, Analytics['rows']> {
  const byBucket = new Map<number, Analytics['rows']>();
  for (const row of answer.rows) {
    const at = bucketOf(row);
    if (at === null) continue;
    byBucket.set(at, [...(byBucket.get(at) ?? []), row]);
  }
  return byBucket;
}
