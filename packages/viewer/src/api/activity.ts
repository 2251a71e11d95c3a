// `GET /api/v1/activity`: counts by status per time bucket, computed by the server (the charts never download spans).
import { ApiFailure, query, request } from '../api.js';

export interface ActivityBucket {
  start: string;
  counts: Record<string, number>;
}

export interface ActivityGroup {
  agent_id: string;
  totals: Record<string, number>;
  buckets?: ActivityBucket[];
}

export interface Activity {
  subject: 'spans' | 'runs';
  from: string;
  to: string;
  bucket: string;
  statuses: string[];
  buckets: ActivityBucket[];
  totals: Record<string, number>;
  groups?: ActivityGroup[];
}

export interface ActivityQuery {
  subject: 'spans' | 'runs';
  environment_id?: string | null;
  agent_id?: string;
  group_by?: 'agent_id';
}

/** The last 24 hours (the aggregate's default span) by hour; null when this server has no activity aggregate (404). */
export async function activity(q: ActivityQuery): Promise<Activity | null> {
  const path = `/api/v1/activity${query({
    subject: q.subject,
    bucket: 'hour',
    environment_id: q.environment_id ?? undefined,
    agent_id: q.agent_id,
    group_by: q.group_by,
  })}`;
  try {
    return (await request<{ details: Activity }>('GET', path)).details;
  } catch (failure) {
    if (failure instanceof ApiFailure && failure.status === 404) return null;
    throw failure;
  }
}

export const sumCounts = (counts: Record<string, number> | undefined): number => Object.values(counts ?? {}).reduce((a, b) => a + b, 0);
