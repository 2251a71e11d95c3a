import type { AgentSchemaVersionForCreate } from '@agentspan/protocol';
import { assertAccountScope } from '../agents/agent-rules.js';
import { fieldError } from '../errors.js';
import { defineOperation } from '../operation.js';
import { schemaVersionView } from '../views/schema-version-view.js';
import { ensureSchemaDocument, schemaDocument } from './schema-documents.js';

/**
 * POST /agent_schema_version: a schema version of an agent of the account (account-scoped tokens
 * only), by the rule registrations follow: a known external_identifier with the same content
 * answers that version (200); with other content it is a new version (201), never refused.
 */
export const createSchemaVersion = defineOperation<AgentSchemaVersionForCreate>('agent_schema_versions/create', (params, context) => {
  const { caller, catalogs } = context;
  assertAccountScope(caller, 'creating agent schema versions');
  // The document is what a registration's agent_schema_version would be: the details less the agent.
  const document = schemaDocument(params, 'details', context, ['agent_id']);
  return async (tx) => {
    if (!(await tx.getAgent(caller.accountId, params.agent_id))) {
      throw fieldError('details.agent_id', `names no agent of this account (${params.agent_id}); create it with POST /api/v1/agent first`);
    }
    const { version, created, alerts } = await ensureSchemaDocument(tx, caller, params.agent_id, document);
    const repeats = (await tx.countSchemaVersions(caller.accountId, params.agent_id, params.external_identifier)) - 1;
    const json = JSON.stringify({ status: 'success', details: schemaVersionView(version, repeats, catalogs) });
    return { status: created ? 201 : 200, json, alerts };
  };
});
