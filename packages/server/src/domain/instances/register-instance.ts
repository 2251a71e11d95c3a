import type { AgentSchemaVersionForRegister, RegisterInstanceBody } from '@agentspan/protocol';
import { StoreConflictError } from '../../store/errors.js';
import { conflict } from '../errors.js';
import { assertJsonTextWithin, LIMIT_FLAGS } from '../request-limits.js';
import { newId } from '../ids.js';
import { defineOperation } from '../operation.js';
import { admitInstance } from '../agents/agent-rules.js';
import { resolveDeployment } from './resolve-deployment.js';
import { instanceAnswer } from './instance-access.js';
import { newInstance } from './new-instance.js';
import { schemaDocumentHash } from '../schema-catalogs.js';

/** The schema version document as stored: declared parts only, explicit nulls dropped. */
function schemaDocument(doc: RegisterInstanceBody['agent_schema_version']): AgentSchemaVersionForRegister {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(doc ?? {})) if (value != null) result[name] = value;
  return result;
}

/**
 * POST /agent_instance/register: a new pending instance on the deployment the token or the body
 * names. Versions with a known external_identifier are reused; schema versions too when their document is the same (other content under it is a new schema version).
 */
export const registerInstance = defineOperation<RegisterInstanceBody>('agent_instances/register', (params, { caller, catalogs, limits }) => {
  const document = schemaDocument(params.agent_schema_version);
  const documentJson = JSON.stringify(document);
  assertJsonTextWithin(
    documentJson,
    'agent_schema_version',
    limits.schemaDocumentBytes,
    LIMIT_FLAGS.schemaDocumentBytes,
    'declare fewer or smaller span types, or move long descriptions out of the schemas',
  );
  catalogs.forDocument(documentJson, document); // 422 for a schema that does not compile, before any write
  const version = params.agent_version ?? {};

  return async (tx) => {
    const deployment = await resolveDeployment(tx, caller, params);
    await admitInstance(tx, caller, deployment.agent_id);
    const agentVersion = await tx.ensureAgentVersion({
      account_id: caller.accountId,
      id: newId(caller.accountId),
      agent_id: deployment.agent_id,
      name: version.name ?? null,
      external_identifier: version.external_identifier ?? null,
      description: version.description ?? null,
      inserted_at: caller.now,
    });
    const schemaVersion = await tx.ensureSchemaVersion({
      account_id: caller.accountId,
      id: newId(caller.accountId),
      agent_id: deployment.agent_id,
      external_identifier: document.external_identifier ?? null,
      document_json: documentJson,
      document_hash: schemaDocumentHash(documentJson),
      inserted_at: caller.now,
    });
    if (params.update_current_version !== false || deployment.current_version_id === null) {
      await tx.setDeploymentVersion(caller.accountId, deployment.id, agentVersion.id, caller.now, caller.tokenId);
    }
    const instance = newInstance(caller, {
      id: params.id ?? newId(caller.accountId),
      agent_id: deployment.agent_id,
      agent_version_id: agentVersion.id,
      schema_version_id: schemaVersion.id,
      environment_id: deployment.environment_id,
      agent_deployment_id: deployment.id,
      status: 'pending',
      purpose: params.purpose ?? 'live',
      started_at: null,
    });
    try {
      await tx.insertInstance(instance);
    } catch (error) {
      if (error instanceof StoreConflictError) {
        throw conflict(`agent instance id ${instance.id} is already taken in this account; choose another id or omit it`);
      }
      throw error;
    }
    return instanceAnswer(tx, instance, 201);
  };
});
