import { MAX_AGENT_NAME_LENGTH } from '@agentspan/protocol';
import type { DeploymentRecord } from '../../store/records.js';
import type { WriteTx } from '../../store/store.js';
import { admitInstance } from '../agents/agent-rules.js';
import { newAgent } from '../agents/new-agent.js';
import type { Caller } from '../caller.js';
import { newId } from '../ids.js';
import { resolveDeployment } from '../instances/resolve-deployment.js';
import { schemaDocumentHash } from '../schema-catalogs.js';
import type { ServiceIdentity } from './received-spans.js';

/** The schema version every traced instance registers: it declares no span types, so any schema_name goes. */
export const TRACE_SCHEMA_IDENTIFIER = 'otlp';
const TRACE_SCHEMA_DOCUMENT = JSON.stringify({ external_identifier: TRACE_SCHEMA_IDENTIFIER });
const TRACE_SCHEMA_HASH = schemaDocumentHash(TRACE_SCHEMA_DOCUMENT);
/** The version of a service that sends no `service.version`. */
export const UNVERSIONED = 'unversioned';

export interface TraceRegistration {
  deployment: DeploymentRecord;
  agentVersionId: string;
  schemaVersionId: string;
}

/**
 * Where the instance of a new trace registers. An account-scoped token: on the agent whose
 * external_identifier is the service's name, created (named after it) on first sight, in the
 * account's only environment. A deployment-scoped token: on its own deployment, whatever the
 * service is called, as a registration with that token would. The agent admits the instance as it
 * admits any (a retired agent refuses it); the version is the service's version. The run is
 * scored against the schema version that agent version names: a user governs an OTLP-fed agent by
 * creating the version ahead of its traces, naming a schema version that declares the OTLP span
 * types (`gen_ai:chat`, …). Traces are never validated against it: OTLP spans are stored as sent.
 */
export async function traceRegistration(tx: WriteTx, caller: Caller, service: ServiceIdentity): Promise<TraceRegistration> {
  let agentId: string | undefined;
  if (caller.scope === 'account') {
    const name = service.name.slice(0, MAX_AGENT_NAME_LENGTH);
    const agent = await tx.findAgentByExternalIdentifier(caller.accountId, name);
    agentId = agent?.id;
    if (!agentId) {
      agentId = newId(caller.accountId);
      // A concurrent export of the same new service fails this insert with a conflict; it runs again and finds the agent.
      await tx.insertAgent(
        newAgent(caller.accountId, caller.now, { id: agentId, name, description: `OpenTelemetry service ${name}`, external_identifier: name }),
      );
    }
  }
  const deployment = await resolveDeployment(tx, caller, { agent_id: agentId });
  await admitInstance(tx, caller, deployment.agent_id);
  const version = (service.version ?? UNVERSIONED).slice(0, MAX_AGENT_NAME_LENGTH);
  // A version made here names no schema version: OTLP sends no declarations.
  const agentVersion = await tx.ensureAgentVersion({
    account_id: caller.accountId,
    id: newId(caller.accountId),
    agent_id: deployment.agent_id,
    name: version,
    external_identifier: version,
    description: null,
    agent_schema_version_id: null,
    sdk: null,
    inserted_at: caller.now,
  });
  const schemaVersionId = agentVersion.agent_schema_version_id ?? (await traceSchemaVersion(tx, caller, deployment.agent_id));
  await tx.setDeploymentVersion(caller.accountId, deployment.id, agentVersion.id, caller.now, caller.tokenId);
  return { deployment, agentVersionId: agentVersion.id, schemaVersionId };
}

/** The schema version of traces nothing is declared for: it declares no span types, so any schema_name goes. */
async function traceSchemaVersion(tx: WriteTx, caller: Caller, agentId: string): Promise<string> {
  const schemaVersion = await tx.ensureSchemaVersion({
    account_id: caller.accountId,
    id: newId(caller.accountId),
    agent_id: agentId,
    external_identifier: TRACE_SCHEMA_IDENTIFIER,
    document_json: TRACE_SCHEMA_DOCUMENT,
    document_hash: TRACE_SCHEMA_HASH,
    inserted_at: caller.now,
  });
  return schemaVersion.id;
}
