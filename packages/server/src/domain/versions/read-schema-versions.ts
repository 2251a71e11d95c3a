import type {
  AgentSchemaVersionList,
  AgentSchemaVersionListPage,
  AgentSchemaVersionResponse,
  ListAgentSchemaVersionsQuery,
} from '@agentspan/protocol';
import type { ReadTx } from '../../store/store.js';
import { assertAccountScope } from '../agents/agent-rules.js';
import type { Principal } from '../caller.js';
import { fieldError, notFound } from '../errors.js';
import { asksForListPage, listPage, pageOf, pageRequest } from '../listing/list-page.js';
import type { SchemaCatalogs } from '../schema-catalogs.js';
import { repeatsIn, schemaVersionView } from '../views/schema-version-view.js';

/** GET /agent_schema_version/{id}: an admin read, for account-scoped tokens. */
export async function getSchemaVersion(tx: ReadTx, principal: Principal, catalogs: SchemaCatalogs, id: string): Promise<AgentSchemaVersionResponse> {
  assertAccountScope(principal, 'reading agent schema versions');
  const version = await tx.getSchemaVersion(principal.accountId, id);
  if (!version) throw notFound('agent schema version', id);
  const known = version.external_identifier;
  const repeats = known === null ? 0 : (await tx.countSchemaVersions(principal.accountId, version.agent_id, known)) - 1;
  return { status: 'success', details: schemaVersionView(version, repeats, catalogs) };
}

/**
 * GET /agent_schema_version?agent_id=…: the agent's schema versions (read whole, a handful per
 * agent), oldest first unless sorted. As the official CLI reads it (`details`) when the query names
 * no list parameter; a list page (`summaries`) when it names `pagination[…]` or `sorting[…]`.
 */
export async function listSchemaVersions(
  tx: ReadTx,
  principal: Principal,
  catalogs: SchemaCatalogs,
  query: ListAgentSchemaVersionsQuery,
): Promise<AgentSchemaVersionList | AgentSchemaVersionListPage> {
  assertAccountScope(principal, 'listing agent schema versions');
  const asksForPage = asksForListPage(query, { paging: [], sorting: [] });
  if (!(await tx.getAgent(principal.accountId, query.agent_id))) {
    throw fieldError('agent_id', `names no agent of this account (${query.agent_id}); list agents with GET /api/v1/agent`);
  }
  const versions = await tx.listSchemaVersions(principal.accountId, query.agent_id);
  const repeats = repeatsIn(versions);
  const view = (version: (typeof versions)[number]) => schemaVersionView(version, repeats(version), catalogs);
  if (!asksForPage) return { status: 'success', details: versions.map(view) };
  const page = pageRequest(query, { field: 'inserted_at', direction: 'asc' });
  const { rows, total } = pageOf(versions, page);
  return listPage(rows.map(view), total, page);
}
