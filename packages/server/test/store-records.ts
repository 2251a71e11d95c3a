import type { WriteTx } from '../src/index.js';
import type { InstanceRecord, SpanRecord } from '../src/store/records.js';

export const T0 = '2024-05-01T12:00:00.000000Z';
export const at = (second: number) => `2024-05-01T12:00:${String(second).padStart(2, '0')}.000000Z`;

/** An account with one agent, deployment, version, schema version and instance: enough rows for store tests. */
export async function seedInstance(tx: WriteTx, accountId: string, instanceId = 'inst-1'): Promise<InstanceRecord> {
  await tx.insertAccount({ id: accountId, name: accountId, inserted_at: T0 });
  await tx.insertEnvironment({
    account_id: accountId,
    id: 'env-1',
    name: 'default',
    purpose: 'production',
    description: null,
    inserted_at: T0,
    updated_at: T0,
  });
  await tx.insertAgent({
    account_id: accountId,
    id: 'agent-1',
    name: 'agent',
    description: null,
    external_identifier: null,
    owner_person_id: null,
    risk_profile_id: null,
    team_id: null,
    status: 'active',
    first_instance_at: T0,
    inserted_at: T0,
    updated_at: T0,
  });
  const deployment = await tx.ensureDeployment({
    account_id: accountId,
    id: 'dep-1',
    agent_id: 'agent-1',
    environment_id: 'env-1',
    current_version_id: null,
    inserted_at: T0,
    updated_at: T0,
  });
  const instance: InstanceRecord = {
    account_id: accountId,
    id: instanceId,
    agent_id: 'agent-1',
    agent_version_id: 'ver-1',
    schema_version_id: 'sv-1',
    environment_id: 'env-1',
    agent_deployment_id: deployment.id,
    status: 'pending',
    purpose: 'live',
    started_at: null,
    finished_at: null,
    termination_reason: null,
    terminated_by_token_id: null,
    quality_payloads_json: '{}',
    quality_summaries_json: '{}',
    inserted_at: T0,
    updated_at: T0,
  };
  await tx.insertInstance(instance);
  return instance;
}

export function spanRow(accountId: string, id: string, startedAt: string, status: SpanRecord['status'] = 'active'): SpanRecord {
  return {
    account_id: accountId,
    id,
    agent_id: 'agent-1',
    agent_instance_id: 'inst-1',
    parent_span_id: null,
    schema_name: 'agent:llm',
    schema_title: null,
    status,
    payload_json: '{"q":1}',
    result_payload_json: null,
    summary: null,
    started_at: startedAt,
    finished_at: null,
    inserted_at: startedAt,
    updated_at: startedAt,
    schema_validation: null,
  };
}
