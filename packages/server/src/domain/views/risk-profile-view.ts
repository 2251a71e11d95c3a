import type { RiskProfile } from '@agentspan/protocol';
import type { RiskProfileRecord } from '../../store/records.js';
import { storedSettings } from '../risk-profiles/risk-profile-settings.js';

/** The RiskProfile resource: all 17 categories and 6 actions, and how many agents are assigned it now. */
export function riskProfileView(profile: RiskProfileRecord, agentCount: number): RiskProfile {
  const { categories, actions, thresholds } = storedSettings(profile);
  return {
    type: 'risk_profile',
    id: profile.id,
    account_id: profile.account_id,
    name: profile.name,
    description: profile.description,
    categories,
    actions,
    thresholds,
    agent_count: agentCount,
    archived_at: profile.archived_at,
    inserted_at: profile.inserted_at,
    updated_at: profile.updated_at,
  };
}

/** A write's answer carrying the profile. */
export const riskProfileAnswer = (profile: RiskProfileRecord, agentCount: number, status = 200) => ({
  status,
  json: JSON.stringify({ status: 'success', details: riskProfileView(profile, agentCount) }),
});
