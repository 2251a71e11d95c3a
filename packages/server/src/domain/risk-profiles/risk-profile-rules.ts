import type { RiskProfileRecord } from '../../store/records.js';
import type { ReadTx, WriteTx } from '../../store/store.js';
import { fieldError, invalidAction, notFound } from '../errors.js';

/** The profile, locked for a change; 404 when the account has none of that id. */
export async function lockedRiskProfile(tx: WriteTx, accountId: string, id: string): Promise<RiskProfileRecord> {
  const profile = await tx.lockRiskProfile(accountId, id);
  if (!profile) throw notFound('risk profile', id);
  return profile;
}

/**
 * 409 for a change to an archived profile: it is kept as it was when archived, so what was scored
 * under it stays explained.
 */
export function assertLive(profile: RiskProfileRecord, action: string): void {
  if (profile.archived_at !== null) {
    throw invalidAction(
      `risk profile ${profile.id} (${profile.name}) was archived at ${profile.archived_at} and is kept as it was; ${action} is not possible`,
    );
  }
}

/** How many agents are assigned the profile now. */
export const agentCountOf = async (tx: ReadTx, accountId: string, id: string) => (await tx.riskProfileAgentCounts(accountId)).get(id) ?? 0;

/**
 * Checks, inside an agent write, that `id` may be newly assigned to an agent: a profile of the
 * account (422 at `field` otherwise) that is not archived (409). The shared lock keeps a concurrent
 * archive from committing between the check and the agent's write.
 */
export async function assertAssignable(tx: WriteTx, accountId: string, id: string, field: string): Promise<void> {
  const profile = await tx.lockRiskProfileShared(accountId, id);
  if (!profile)
    throw fieldError(field, `names no risk profile of this account (${id}); create one with POST /api/v1/risk_profile, or send null for none`);
  if (profile.archived_at !== null) {
    throw invalidAction(
      `risk profile ${id} (${profile.name}) is archived and cannot be assigned to an agent; agents assigned it before keep it; choose a live profile`,
    );
  }
}
