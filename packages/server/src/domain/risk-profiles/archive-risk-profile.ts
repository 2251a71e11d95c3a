import { assertAccountScope } from '../agents/agent-rules.js';
import { defineOperation } from '../operation.js';
import { riskProfileAnswer } from '../views/risk-profile-view.js';
import { agentCountOf, assertLive, lockedRiskProfile } from './risk-profile-rules.js';

export interface RiskProfileActionParams {
  risk_profile_id: string;
}

/**
 * DELETE /risk_profile/{id}: archives it rather than erasing it, so what was scored under it stays
 * explained. It stays readable; no agent can be newly assigned it, and agents assigned it keep it.
 * Archiving one already archived is 409. The row lock waits for agent writes assigning it (they hold it shared).
 */
export const archiveRiskProfile = defineOperation<RiskProfileActionParams>('risk_profiles/archive', (params, { caller }) => {
  assertAccountScope(caller, 'archiving a risk profile');
  return async (tx) => {
    const profile = await lockedRiskProfile(tx, caller.accountId, params.risk_profile_id);
    assertLive(profile, 'archiving it again');
    const archived = { ...profile, archived_at: caller.now, updated_at: caller.now };
    await tx.updateRiskProfile(archived);
    return riskProfileAnswer(archived, await agentCountOf(tx, caller.accountId, profile.id));
  };
});
