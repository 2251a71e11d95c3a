import type { RegisterInstanceBody } from '@agentspan/protocol';
import { StoreConflictError } from '../../store/errors.js';
import { conflict } from '../errors.js';
import { newId } from '../ids.js';
import { defineOperation } from '../operation.js';
import { admitInstance } from '../agents/agent-rules.js';
import { resolveDeployment } from './resolve-deployment.js';
import { instanceAnswer } from './instance-access.js';
import { newInstance } from './new-instance.js';
import { ensureSchemaDocument, schemaDocument } from '../versions/schema-documents.js';

/** The body, and the X-Prefactor-SDK header it came with (the route adds it; bulk items have none of their own). */
export type RegisterInstanceParams = RegisterInstanceBody & { sdk?: string | null };

/**
 * POST /agent_instance/register: a new pending instance on the deployment the token or the body
 * names. Versions with a known external_identifier are reused; schema versions too when their document is the same (other content under it is a new schema version).
 * The version keeps the runtime its newest registration reported; one that reports none leaves it.
 */
export const registerInstance = defineOperation<RegisterInstanceParams>('agent_instances/register', (params, context) => {
  const { caller } = context;
  const document = schemaDocument(params.agent_schema_version, 'agent_schema_version', context);
  const version = params.agent_version ?? {};

  return async (tx) => {
    const deployment = await resolveDeployment(tx, caller, params);
    await admitInstance(tx, caller, deployment.agent_id, version.name);
    const { version: schemaVersion, alerts } = await ensureSchemaDocument(tx, caller, deployment.agent_id, document);
    // A version first seen here declares its span types in the schema version registered with it;
    // a known version keeps the one it names.
    const agentVersion = await tx.ensureAgentVersion({
      account_id: caller.accountId,
      id: newId(caller.accountId),
      agent_id: deployment.agent_id,
      name: version.name ?? null,
      external_identifier: version.external_identifier ?? null,
      description: version.description ?? null,
      agent_schema_version_id: schemaVersion.id,
      sdk: params.sdk ?? null,
      inserted_at: caller.now,
    });
    if (params.sdk && agentVersion.sdk !== params.sdk) await tx.setAgentVersionSdk(caller.accountId, agentVersion.id, params.sdk);
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
    return { ...(await instanceAnswer(tx, instance, 201)), alerts };
  };
});
