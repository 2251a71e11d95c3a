import type { AgentVersionForCreate } from '@agentspan/protocol';
import { StoreConflictError } from '../../store/errors.js';
import type { AgentVersionRecord } from '../../store/records.js';
import { assertAccountScope } from '../agents/agent-rules.js';
import { conflict, fieldError } from '../errors.js';
import { newId } from '../ids.js';
import { defineOperation } from '../operation.js';
import { agentVersionAnswer } from '../views/agent-version-view.js';

/** POST /agent_version: a new version of an agent of the account (account-scoped tokens only). */
export const createAgentVersion = defineOperation<AgentVersionForCreate>('agent_versions/create', (params, { caller }) => {
  assertAccountScope(caller, 'creating agent versions');
  return async (tx) => {
    if (!(await tx.getAgent(caller.accountId, params.agent_id))) {
      throw fieldError('details.agent_id', `names no agent of this account (${params.agent_id}); create it with POST /api/v1/agent first`);
    }
    const schemaVersionId = params.agent_schema_version_id ?? null;
    if (schemaVersionId !== null && (await tx.getSchemaVersion(caller.accountId, schemaVersionId))?.agent_id !== params.agent_id) {
      throw fieldError(
        'details.agent_schema_version_id',
        `names no schema version of agent ${params.agent_id} (${schemaVersionId}); declare one with POST /api/v1/agent_schema_version first, or list the agent's with GET /api/v1/agent_schema_version?agent_id=${params.agent_id}`,
      );
    }
    const version: AgentVersionRecord = {
      account_id: caller.accountId,
      id: params.id ?? newId(caller.accountId),
      agent_id: params.agent_id,
      name: params.name ?? params.external_identifier,
      external_identifier: params.external_identifier,
      description: params.description ?? null,
      agent_schema_version_id: schemaVersionId,
      sdk: null,
      inserted_at: caller.now,
    };
    if (await tx.getAgentVersion(caller.accountId, version.id)) {
      throw conflict(`agent version id ${version.id} is already taken in this account; choose another id or omit it`);
    }
    const stored = await ensureNew(() => tx.ensureAgentVersion(version), version);
    if (stored.id !== version.id) {
      throw conflict(
        `agent ${params.agent_id} already has a version with external_identifier ${JSON.stringify(params.external_identifier)} (${stored.id}); read it with GET /api/v1/agent_version/${stored.id}`,
      );
    }
    return agentVersionAnswer(stored, 201);
  };
});

async function ensureNew(insert: () => Promise<AgentVersionRecord>, version: AgentVersionRecord): Promise<AgentVersionRecord> {
  try {
    return await insert();
  } catch (error) {
    // A concurrent create took the id after the check above.
    if (error instanceof StoreConflictError)
      throw conflict(`agent version id ${version.id} is already taken in this account; choose another id or omit it`);
    throw error;
  }
}
