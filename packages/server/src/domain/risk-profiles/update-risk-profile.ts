import type { RiskProfileForUpdate } from '@agentspan/protocol';
import type { RiskProfileRecord } from '../../store/records.js';
import { assertAccountScope } from '../agents/agent-rules.js';
import { profileAlerts } from '../alerts/exceedance-alerts.js';
import { fieldError } from '../errors.js';
import { defineOperation } from '../operation.js';
import { riskProfileAnswer } from '../views/risk-profile-view.js';
import { agentCountOf, assertLive, lockedRiskProfile } from './risk-profile-rules.js';
import { changedSettings, settingsColumns, storedSettings } from './risk-profile-settings.js';

export interface RiskProfileUpdateParams {
  risk_profile_id: string;
  details: RiskProfileForUpdate;
}

/**
 * PUT /risk_profile/{id}: what is present changes, down to one field of one category, action or
 * threshold; the thresholds that result must still rise strictly. An archived profile is kept as it was (409).
 */
export const updateRiskProfile = defineOperation<RiskProfileUpdateParams>('risk_profiles/update', (params, { caller }) => {
  assertAccountScope(caller, 'updating a risk profile');
  const { details } = params;
  const name = details.name;
  if (name === null) throw fieldError('details.name', 'cannot be cleared; leave it out to keep the current name');
  return async (tx) => {
    const profile = await lockedRiskProfile(tx, caller.accountId, params.risk_profile_id);
    assertLive(profile, 'updating it');
    const settings = changedSettings(storedSettings(profile), details);
    const updated: RiskProfileRecord = {
      ...profile,
      ...(name !== undefined ? { name } : {}),
      ...(details.description !== undefined ? { description: details.description } : {}),
      ...settingsColumns(settings),
    };
    const changed = (['name', 'description', 'categories_json', 'actions_json', 'thresholds_json'] as const).some((f) => updated[f] !== profile[f]);
    if (changed) {
      updated.updated_at = caller.now;
      await tx.updateRiskProfile(updated);
    }
    // What the profile agrees to changed: every agent assigned it is held against it again.
    const agreed = updated.categories_json !== profile.categories_json || updated.actions_json !== profile.actions_json;
    const alerts = agreed ? await profileAlerts(tx, caller.accountId, profile.id, caller.now) : [];
    return { ...riskProfileAnswer(updated, await agentCountOf(tx, caller.accountId, profile.id)), alerts };
  };
});
