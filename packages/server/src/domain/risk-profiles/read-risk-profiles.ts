import type { ListRiskProfilesQuery, RiskProfileListResponse, RiskProfileResponse } from '@agentspan/protocol';
import type { ReadTx } from '../../store/store.js';
import { assertAccountScope } from '../agents/agent-rules.js';
import type { Principal } from '../caller.js';
import { notFound } from '../errors.js';
import { listPage, pageOf, pageRequest } from '../listing/list-page.js';
import { riskProfileView } from '../views/risk-profile-view.js';

/** GET /risk_profile/{id}: archived ones too, so what was scored under them stays explained. */
export async function getRiskProfile(tx: ReadTx, principal: Principal, id: string): Promise<RiskProfileResponse> {
  assertAccountScope(principal, 'reading risk profiles');
  const profile = await tx.getRiskProfile(principal.accountId, id);
  if (!profile) throw notFound('risk profile', id);
  const counts = await tx.riskProfileAgentCounts(principal.accountId);
  return { status: 'success', details: riskProfileView(profile, counts.get(profile.id) ?? 0) };
}

/** GET /risk_profile: the account's live profiles (a few per account, read whole), oldest first unless sorted; archived ones on request. */
export async function listRiskProfiles(tx: ReadTx, principal: Principal, query: ListRiskProfilesQuery): Promise<RiskProfileListResponse> {
  assertAccountScope(principal, 'reading risk profiles');
  const page = pageRequest(query, { field: 'inserted_at', direction: 'asc' });
  const profiles = (await tx.listRiskProfiles(principal.accountId)).filter((p) => query.include_archived === true || p.archived_at === null);
  const { rows, total } = pageOf(profiles, page);
  const counts = await tx.riskProfileAgentCounts(principal.accountId);
  return listPage(
    rows.map((profile) => riskProfileView(profile, counts.get(profile.id) ?? 0)),
    total,
    page,
  );
}
