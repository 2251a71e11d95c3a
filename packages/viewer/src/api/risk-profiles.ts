import type { ActionSetting, Agent, CategorySetting, DataAction, DataCategory, RiskProfile, RiskThresholds } from '@agentspan/protocol';
import { query, request } from '../api.js';

/** What the create and edit form sends: every category, action and threshold, so the page shows what is stored. */
export interface RiskProfileDraft {
  name: string;
  description: string | null;
  categories: Record<DataCategory, CategorySetting>;
  actions: Record<DataAction, ActionSetting>;
  thresholds: RiskThresholds;
}

const path = (id: string) => `/api/v1/risk_profile/${encodeURIComponent(id)}`;

export const riskProfiles = {
  async list(includeArchived = false): Promise<RiskProfile[]> {
    const search = query({ include_archived: includeArchived ? 'true' : undefined, 'pagination[page_size]': 100, 'sorting[field]': 'name' });
    return (await request<{ summaries: RiskProfile[] }>('GET', `/api/v1/risk_profile${search}`)).summaries;
  },
  async get(id: string): Promise<RiskProfile> {
    return (await request<{ details: RiskProfile }>('GET', path(id))).details;
  },
  async create(details: RiskProfileDraft): Promise<RiskProfile> {
    return (await request<{ details: RiskProfile }>('POST', '/api/v1/risk_profile', { details })).details;
  },
  async update(id: string, details: RiskProfileDraft): Promise<RiskProfile> {
    return (await request<{ details: RiskProfile }>('PUT', path(id), { details })).details;
  },
  /** DELETE archives: kept for the record, no longer assignable. */
  async archive(id: string): Promise<RiskProfile> {
    return (await request<{ details: RiskProfile }>('DELETE', path(id))).details;
  },
  /** The agents assigned the profile now. */
  async agentsUsing(id: string): Promise<Agent[]> {
    const search = query({ risk_profile_id: id, sorting: 'name', 'pagination[page_size]': 100 });
    return (await request<{ summaries: Agent[] }>('GET', `/api/v1/agent${search}`)).summaries;
  },
};
