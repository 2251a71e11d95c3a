import type { RiskLevel } from '@agentspan/protocol';
import { query, request } from '../api.js';

export type AlertStatus = 'open' | 'acknowledged';

/** A run scored past its profile's level, or a declared span type exceeding the agreed risk. */
export interface Alert {
  id: string;
  type: 'run_risk' | 'declared_risk_exceedance';
  status: AlertStatus;
  agent_id: string;
  agent_instance_id: string | null;
  agent_schema_version_id: string | null;
  risk_profile_id: string;
  risk_level: RiskLevel | null;
  risk_score: number | null;
  span_type: string | null;
  exceeds: { kind: 'category' | 'action'; name: string } | null;
  message: string;
  opened_at: string;
  updated_at: string;
  acknowledged_at: string | null;
  acknowledged_note: string | null;
  acknowledged_by: string | null;
}

export const alerts = {
  /** One offset page (the alert list pages as Prefactor's lists do); `cursor` is the next page's offset. */
  async list(status: AlertStatus, environmentId: string | null, cursor?: string): Promise<{ items: Alert[]; nextCursor: string | null }> {
    const params = { status, environment_id: environmentId ?? undefined, 'pagination[offset]': cursor ?? '0', 'pagination[page_size]': 50 };
    const answer = await request<{ summaries: Alert[]; pagination: { next_page_offset: number | null } }>('GET', `/api/v1/alerts${query(params)}`);
    const next = answer.pagination.next_page_offset;
    return { items: answer.summaries, nextCursor: next === null ? null : String(next) };
  },
  async acknowledge(id: string, note: string): Promise<Alert> {
    const body = note ? { note } : {};
    return (await request<{ details: Alert }>('POST', `/api/v1/alerts/${encodeURIComponent(id)}/acknowledge`, body)).details;
  },
};
