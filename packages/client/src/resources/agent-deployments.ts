import {
  AgentDeploymentListResponse,
  AgentDeploymentResponse,
  AgentDeploymentWithHistoryResponse,
  type AgentDeployment,
  type AgentDeploymentSortField,
  type AgentDeploymentVersionChange,
  type AgentDeploymentWithHistory,
} from '@agentspan/protocol';
import type { HttpCore } from '../http-core.js';
import { idempotencyKeyFor } from '../idempotency.js';
import { queryString, setListParams, type ListPageParams } from '../list-query.js';
import { operation, type CallOptions } from '../operation.js';
import { pathSegment } from '../path-segment.js';

export interface CreateAgentDeploymentParams {
  agent_id: string;
  environment_id: string;
  id?: string | null;
  /** A version of the agent to start on; none when absent. */
  current_version_id?: string | null;
  idempotency_key?: string | null;
}

export interface UpdateAgentDeploymentParams {
  /** Another version of the agent, or null to clear it; absent changes nothing. */
  current_version_id?: string | null;
  idempotency_key?: string | null;
}

export interface ListAgentDeploymentsParams extends ListPageParams<AgentDeploymentSortField> {
  agent_id: string;
  environment_id?: string;
}

export interface AgentDeploymentActionParams {
  idempotency_key?: string | null;
}

const CREATE = operation('agentDeployments.create', 'POST', AgentDeploymentResponse, (b) => b.details);
const GET = operation('agentDeployments.get', 'GET', AgentDeploymentWithHistoryResponse, (b) => b.details);
const HISTORY = operation('agentDeployments.history', 'GET', AgentDeploymentWithHistoryResponse, (b) => b.details.history);
// Without list parameters the server answers the CLI's `details`; with any, a list page's `summaries`.
const LIST = operation('agentDeployments.list', 'GET', AgentDeploymentListResponse, (b) => ('summaries' in b ? b.summaries : b.details));
const UPDATE = operation('agentDeployments.update', 'PUT', AgentDeploymentResponse, (b) => b.details);
const DELETE = operation('agentDeployments.delete', 'DELETE', AgentDeploymentResponse, (b) => b.details);

/** `/api/v1/agent_deployment`: an agent's deployments, one per environment, as the official CLI's `agent_deployments` commands call them (account-scoped tokens). */
export class AgentDeployments {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** POST /api/v1/agent_deployment with `{"details": {...}, "idempotency_key": "..."}`. */
  create(params: CreateAgentDeploymentParams, options?: CallOptions): Promise<AgentDeployment> {
    const details: Record<string, unknown> = { agent_id: params.agent_id, environment_id: params.environment_id };
    for (const field of ['id', 'current_version_id'] as const) if (params[field] != null) details[field] = params[field];
    const idempotency_key = idempotencyKeyFor(CREATE.name, params.idempotency_key);
    return this.#core.call(CREATE, '/api/v1/agent_deployment', { details, idempotency_key }, options);
  }

  /** GET /api/v1/agent_deployment/{id}: the deployment with the history of its current version. */
  get(deploymentId: string, options?: CallOptions): Promise<AgentDeploymentWithHistory> {
    return this.#core.call(GET, `/api/v1/agent_deployment/${pathSegment(GET.name, 'agent_deployment_id', deploymentId)}`, undefined, options);
  }

  /** Each change of the deployment's current version, oldest first (from GET /api/v1/agent_deployment/{id}). */
  history(deploymentId: string, options?: CallOptions): Promise<AgentDeploymentVersionChange[]> {
    return this.#core.call(HISTORY, `/api/v1/agent_deployment/${pathSegment(HISTORY.name, 'agent_deployment_id', deploymentId)}`, undefined, options);
  }

  /** GET /api/v1/agent_deployment?agent_id=… (`environment_id`, `pagination[…]`, `sorting[…]`); oldest first by default. */
  list(params: ListAgentDeploymentsParams, options?: CallOptions): Promise<AgentDeployment[]> {
    const query = new URLSearchParams({ agent_id: params.agent_id });
    if (params.environment_id !== undefined) query.set('environment_id', params.environment_id);
    setListParams(query, params);
    return this.#core.call(LIST, `/api/v1/agent_deployment${queryString(query)}`, undefined, options);
  }

  /** PUT /api/v1/agent_deployment/{id} with `{"details": {"current_version_id": …}}`; null is sent and clears it. */
  update(deploymentId: string, params: UpdateAgentDeploymentParams, options?: CallOptions): Promise<AgentDeployment> {
    const path = `/api/v1/agent_deployment/${pathSegment(UPDATE.name, 'agent_deployment_id', deploymentId)}`;
    const details: Record<string, unknown> = {};
    if (params.current_version_id !== undefined) details.current_version_id = params.current_version_id;
    const idempotency_key = idempotencyKeyFor(UPDATE.name, params.idempotency_key);
    return this.#core.call(UPDATE, path, { details, idempotency_key }, options);
  }

  /** DELETE /api/v1/agent_deployment/{id}: only one no instance ran on and no token is scoped to (409 otherwise); returns it as it was. */
  delete(deploymentId: string, params: AgentDeploymentActionParams = {}, options?: CallOptions): Promise<AgentDeployment> {
    const path = `/api/v1/agent_deployment/${pathSegment(DELETE.name, 'agent_deployment_id', deploymentId)}`;
    const idempotency_key = idempotencyKeyFor(DELETE.name, params.idempotency_key);
    return this.#core.call(DELETE, path, { idempotency_key }, options);
  }
}
