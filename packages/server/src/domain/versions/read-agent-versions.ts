import type { AgentVersionListResponse, AgentVersionResponse, ListAgentVersionsQuery } from '@agentspan/protocol';
import type { ReadTx } from '../../store/store.js';
import type { Principal } from '../caller.js';
import { fieldError, notFound } from '../errors.js';
import { listPage, pageOf, pageRequest } from '../listing/list-page.js';
import { agentVersionView } from '../views/agent-version-view.js';

/** GET /agent_version/{id}: any token of the account, as agents are read. */
export async function getAgentVersion(tx: ReadTx, principal: Principal, id: string): Promise<AgentVersionResponse> {
  const version = await tx.getAgentVersion(principal.accountId, id);
  if (!version) throw notFound('agent version', id);
  return { status: 'success', details: agentVersionView(version) };
}

/** GET /agent_version?agent_id=…: the agent's versions (read whole, a handful per agent), oldest first unless sorted. */
export async function listAgentVersions(tx: ReadTx, principal: Principal, query: ListAgentVersionsQuery): Promise<AgentVersionListResponse> {
  if (!(await tx.getAgent(principal.accountId, query.agent_id))) {
    throw fieldError('agent_id', `names no agent of this account (${query.agent_id}); list agents with GET /api/v1/agent`);
  }
  const page = pageRequest(query, { field: 'inserted_at', direction: 'asc' });
  const { rows, total } = pageOf(await tx.listAgentVersions(principal.accountId, query.agent_id), page);
  return listPage(rows.map(agentVersionView), total, page);
}
