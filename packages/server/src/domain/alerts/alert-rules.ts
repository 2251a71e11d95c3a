// What opens an alert, what it says and what makes two the same: one home for both kinds, so the
// writes that open them (after a run's spans are counted, inside a schema version's or a
// profile's write) agree.
import type { AlertEventKind, AlertRiskLevel, RiskExceedance, RiskLevel } from '@agentspan/protocol';
import type { AlertRecord } from '../../store/records.js';
import type { WriteTx } from '../../store/store.js';
import { newId } from '../ids.js';
import type { RiskAssessment } from '../risk/score.js';

/** An alert a committed write opened, raised or acknowledged: sent as an event once it commits. */
export interface AlertChange {
  kind: AlertEventKind;
  alert: AlertRecord;
}

/** Whether a run at this level opens (or raises) an alert. */
export const alertsAt = (level: RiskLevel): level is AlertRiskLevel => level === 'high' || level === 'critical';

const RANK: Record<AlertRiskLevel, number> = { high: 0, critical: 1 };

/** One alert per run. */
export const runAlertKey = (instanceId: string) => JSON.stringify(['run_risk', instanceId]);

/** One alert per schema version × profile × span type × category or action exceeded. */
export const exceedanceAlertKey = (schemaVersionId: string, profileId: string, exceedance: RiskExceedance) =>
  JSON.stringify(['declared_risk_exceedance', schemaVersionId, profileId, exceedance.span_type, exceedance.kind, exceedance.name]);

export interface RiskyRun {
  account_id: string;
  id: string;
  agent_id: string;
  environment_id: string;
  /** The schema version the run was scored against: its own. */
  schema_version_id: string;
}

export const runAlertMessage = (run: RiskyRun, risk: RiskAssessment, profile: { id: string; name: string }) =>
  `run ${run.id} reached ${risk.level} risk (score ${risk.score}) under risk profile ${profile.name} (${profile.id})`;

/** The alert a run at a high or critical level opens, at `now`. */
export function runAlert(
  run: RiskyRun,
  risk: RiskAssessment & { level: AlertRiskLevel },
  profile: { id: string; name: string },
  now: string,
): AlertRecord {
  return {
    account_id: run.account_id,
    id: newId(run.account_id),
    dedupe_key: runAlertKey(run.id),
    alert_type: 'run_risk',
    status: 'open',
    agent_id: run.agent_id,
    agent_instance_id: run.id,
    agent_schema_version_id: run.schema_version_id,
    environment_id: run.environment_id,
    risk_profile_id: profile.id,
    risk_level: risk.level,
    risk_score: risk.score,
    span_type: null,
    exceeds_kind: null,
    exceeds_name: null,
    message: runAlertMessage(run, risk, profile),
    opened_at: now,
    updated_at: now,
    acknowledged_at: null,
    acknowledged_note: null,
    acknowledged_by: null,
  };
}

/** The alert a span type's declaration beyond the profile opens, at `now`. */
export function exceedanceAlert(
  version: { account_id: string; id: string; agent_id: string },
  profile: { id: string; name: string },
  exceedance: RiskExceedance,
  now: string,
): AlertRecord {
  const what = exceedance.kind === 'category' ? `data category ${exceedance.name} as included` : `action ${exceedance.name} as allowed`;
  return {
    account_id: version.account_id,
    id: newId(version.account_id),
    dedupe_key: exceedanceAlertKey(version.id, profile.id, exceedance),
    alert_type: 'declared_risk_exceedance',
    status: 'open',
    agent_id: version.agent_id,
    agent_instance_id: null,
    agent_schema_version_id: version.id,
    environment_id: null,
    risk_profile_id: profile.id,
    risk_level: null,
    risk_score: null,
    span_type: exceedance.span_type,
    exceeds_kind: exceedance.kind,
    exceeds_name: exceedance.name,
    message: `span type ${exceedance.span_type} of schema version ${version.id} declares ${what}, which risk profile ${profile.name} (${profile.id}) does not include`,
    opened_at: now,
    updated_at: now,
    acknowledged_at: null,
    acknowledged_note: null,
    acknowledged_by: null,
  };
}

/**
 * Stores a run's alert: opens it, or raises the one the run has when its level climbed (an
 * acknowledged one opens again: it was acknowledged at a lower level). A level the alert already
 * has, or a lower one, changes nothing. Concurrent writers of the same run meet on its dedupe key.
 */
export async function storeRunAlert(tx: WriteTx, alert: AlertRecord): Promise<AlertChange | undefined> {
  if (await tx.insertAlertIfAbsent(alert)) return { kind: 'alert.opened', alert };
  const held = await tx.lockAlertByKey(alert.account_id, alert.dedupe_key);
  if (!held || held.risk_level === null || alert.risk_level === null || RANK[alert.risk_level] <= RANK[held.risk_level]) return undefined;
  const raised: AlertRecord = {
    ...held,
    status: 'open',
    risk_level: alert.risk_level,
    risk_score: alert.risk_score,
    risk_profile_id: held.risk_profile_id,
    message: alert.message,
    updated_at: alert.updated_at,
    acknowledged_at: null,
    acknowledged_note: null,
    acknowledged_by: null,
  };
  await tx.updateAlert(raised);
  return { kind: 'alert.opened', alert: raised };
}

/** Whether a held alert at `held` would be raised by a run now at `level`. */
export const climbs = (held: AlertRiskLevel | null, level: AlertRiskLevel) => held === null || RANK[level] > RANK[held];
