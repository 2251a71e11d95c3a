import type { AgentVersion } from '@agentspan/protocol';
import type { AgentVersionRecord } from '../../store/records.js';

export const agentVersionView = (version: AgentVersionRecord): AgentVersion => ({
  type: 'agent_version',
  id: version.id,
  account_id: version.account_id,
  agent_id: version.agent_id,
  name: version.name,
  external_identifier: version.external_identifier,
  description: version.description,
  agent_schema_version_id: version.agent_schema_version_id,
  sdk: version.sdk,
  inserted_at: version.inserted_at,
});

/** A write's answer carrying the agent version. */
export const agentVersionAnswer = (version: AgentVersionRecord, status = 200) => ({
  status,
  json: JSON.stringify({ status: 'success', details: agentVersionView(version) }),
});
