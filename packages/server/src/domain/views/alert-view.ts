import type { Alert } from '@agentspan/protocol';
import type { AlertRecord } from '../../store/records.js';
import type { ChangedResource } from '../events/changed-resource.js';

/** The Alert resource. */
export function alertView(row: AlertRecord): Alert {
  return {
    type: row.alert_type,
    id: row.id,
    status: row.status,
    agent_id: row.agent_id,
    agent_instance_id: row.agent_instance_id,
    agent_schema_version_id: row.agent_schema_version_id,
    environment_id: row.environment_id,
    risk_profile_id: row.risk_profile_id,
    risk_level: row.risk_level,
    risk_score: row.risk_score,
    span_type: row.span_type,
    exceeds: row.exceeds_kind === null || row.exceeds_name === null ? null : { kind: row.exceeds_kind, name: row.exceeds_name },
    message: row.message,
    opened_at: row.opened_at,
    updated_at: row.updated_at,
    acknowledged_at: row.acknowledged_at,
    acknowledged_note: row.acknowledged_note,
    acknowledged_by: row.acknowledged_by,
  };
}

/** An alert as the events stream carries it: of its run, or of none (an exceedance). */
export const alertResource = (row: AlertRecord): ChangedResource => ({
  instanceId: row.agent_instance_id ?? '',
  resourceId: row.id,
  json: JSON.stringify(alertView(row)),
});
