// Declarations beyond the agreed risk open alerts inside the write that makes them so: a new
// schema version, an agent newly assigned a profile, a profile whose categories or actions
// changed. The exceedances are the rollup's (risk/rollup.ts); this only stores them.
import type { WriteTx } from '../../store/store.js';
import { declarationsOf, profileOf } from '../risk/run-risk.js';
import { riskExceedances } from '../risk/rollup.js';
import type { ScoringProfile } from '../risk/score.js';
import { exceedanceAlert, type AlertChange } from './alert-rules.js';

// Agents of a profile read this many at a time.
const AGENT_PAGE = 500;

/** Opens the alerts of one schema version's exceedances under `profile` (those not open yet); the ones opened. */
async function versionAlerts(
  tx: WriteTx,
  version: { account_id: string; id: string; agent_id: string },
  profile: ScoringProfile,
  now: string,
): Promise<AlertChange[]> {
  const exceedances = riskExceedances(profile, await declarationsOf(tx, version.account_id, version.id)) ?? [];
  const opened: AlertChange[] = [];
  for (const exceedance of exceedances) {
    const alert = exceedanceAlert(version, profile, exceedance, now);
    if (await tx.insertAlertIfAbsent(alert)) opened.push({ kind: 'alert.opened', alert });
  }
  return opened;
}

/** A new schema version of an agent: its exceedances under the agent's profile (none without one). */
export async function schemaVersionAlerts(
  tx: WriteTx,
  version: { account_id: string; id: string; agent_id: string },
  now: string,
): Promise<AlertChange[]> {
  const profile = await profileOf(tx, version.account_id, version.agent_id);
  return profile === null ? [] : versionAlerts(tx, version, profile, now);
}

/** Every schema version of the agent, under its profile as this transaction leaves it. */
export async function agentAlerts(tx: WriteTx, accountId: string, agentId: string, now: string): Promise<AlertChange[]> {
  const profile = await profileOf(tx, accountId, agentId);
  if (profile === null) return [];
  const opened: AlertChange[] = [];
  for (const version of await tx.listSchemaVersions(accountId, agentId)) opened.push(...(await versionAlerts(tx, version, profile, now)));
  return opened;
}

/** Every agent assigned the profile, each over all its schema versions (a profile's categories or actions changed). */
export async function profileAlerts(tx: WriteTx, accountId: string, profileId: string, now: string): Promise<AlertChange[]> {
  const opened: AlertChange[] = [];
  for (let offset = 0; ; offset += AGENT_PAGE) {
    const { rows } = await tx.listAgents({ account_id: accountId, labels: { risk_profile_id: profileId }, offset, limit: AGENT_PAGE });
    for (const agent of rows) opened.push(...(await agentAlerts(tx, accountId, agent.id, now)));
    if (rows.length < AGENT_PAGE) return opened;
  }
}
