import type { AgentVersionListResponse, AgentVersionResponse, ListAgentVersionsQuery, ShowAgentVersionQuery } from '@agentspan/protocol';
import type { ReadTx } from '../../store/store.js';
import type { Principal } from '../caller.js';
import { fieldError, notFound } from '../errors.js';
import { listPage, pageOf, pageRequest } from '../listing/list-page.js';
import { agentRiskAnswer } from '../risk/agent-rollup.js';
import { agentVersionView } from '../views/agent-version-view.js';

/** GET /agent_version/{id}: any token of the account, as agents are read; with the version's risk rollup when asked. */
export async function getAgentVersion(
  tx: ReadTx,
  principal: Principal,
  id: string,
  query: ShowAgentVersionQuery = {},
): Promise<AgentVersionResponse> {
  const version = await tx.getAgentVersion(principal.accountId, id);
  if (!version) throw notFound('agent version', id);
  if (query.environment_id !== undefined && !(await tx.getEnvironment(principal.accountId, query.environment_id))) {
    throw fieldError('environment_id', `names no environment of this account (${query.environment_id}); list them with GET /api/v1/environment`);
  }
  if (!query.include_risk_rollup) return { status: 'success', details: agentVersionView(version) };
  const agent = await tx.getAgent(principal.accountId, version.agent_id);
  if (!agent) throw notFound('agent version', id);
  const risk = await agentRiskAnswer(tx, agent, query.environment_id, version);
  return { status: 'success', details: { ...agentVersionView(version), ...risk } };
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
