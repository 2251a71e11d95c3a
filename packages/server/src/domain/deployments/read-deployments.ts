import type {
  AgentDeploymentListResponse,
  AgentDeploymentSortField,
  AgentDeploymentWithHistoryResponse,
  ListAgentDeploymentsQuery,
} from '@agentspan/protocol';
import type { ReadTx } from '../../store/store.js';
import { assertAccountScope } from '../agents/agent-rules.js';
import type { Principal } from '../caller.js';
import { fieldError, notFound } from '../errors.js';
import { asksForListPage, listPage, pageOf, pageRequest } from '../listing/list-page.js';
import { agentDeploymentView, agentDeploymentWithHistoryView } from '../views/agent-deployment-view.js';

/** GET /agent_deployment/{id}: the deployment with every change of its current version (account-scoped tokens). */
export async function getAgentDeployment(tx: ReadTx, principal: Principal, id: string): Promise<AgentDeploymentWithHistoryResponse> {
  assertAccountScope(principal, 'reading agent deployments');
  const deployment = await tx.getDeployment(principal.accountId, id);
  if (!deployment) throw notFound('agent deployment', id);
  const history = await tx.listDeploymentVersions(principal.accountId, id);
  return { status: 'success', details: agentDeploymentWithHistoryView(deployment, history) };
}

/**
 * GET /agent_deployment?agent_id=…[&environment_id=…]: the agent's deployments (one per environment,
 * read whole), oldest first unless sorted. The CLI's plain `{details: [...]}` unless the query asks
 * for a list page.
 */
export async function listAgentDeployments(tx: ReadTx, principal: Principal, query: ListAgentDeploymentsQuery): Promise<AgentDeploymentListResponse> {
  assertAccountScope(principal, 'reading agent deployments');
  const asPage = asksForListPage(query, { paging: [], sorting: [] });
  if (!(await tx.getAgent(principal.accountId, query.agent_id))) {
    throw fieldError('agent_id', `names no agent of this account (${query.agent_id}); list agents with GET /api/v1/agent`);
  }
  if (query.environment_id !== undefined && !(await tx.getEnvironment(principal.accountId, query.environment_id))) {
    throw fieldError('environment_id', `names no environment of this account (${query.environment_id}); list them with GET /api/v1/environment`);
  }
  const deployments = (await tx.listDeployments(principal.accountId)).filter(
    (deployment) =>
      deployment.agent_id === query.agent_id && (query.environment_id === undefined || deployment.environment_id === query.environment_id),
  );
  if (!asPage) return { status: 'success', details: deployments.map(agentDeploymentView) };
  const page = pageRequest<AgentDeploymentSortField>(query, { field: 'inserted_at', direction: 'asc' });
  const { rows, total } = pageOf(deployments, page);
  return listPage(rows.map(agentDeploymentView), total, page);
}
