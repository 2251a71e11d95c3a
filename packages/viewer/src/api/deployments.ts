// What the agent page's tabs read: deployments and their history, versions, schema versions, runs, deployment tokens.
import type {
  AgentDeployment,
  AgentDeploymentWithHistory,
  AgentSchemaVersion,
  AgentVersion,
  ApiToken,
  ListedAgentInstance,
} from '@agentspan/protocol';
import { query, request, type Page } from '../api.js';

export interface RunFilters {
  agent_id: string;
  environment_id?: string | null;
  agent_version_id?: string;
  status?: string;
  risk_level?: string;
  purpose?: string;
}

/** A version as the agent page reads it: with the runtime it last registered with (`sdk`, from `X-Prefactor-SDK`). */
export type ReportedVersion = AgentVersion;

export const agentTabsApi = {
  /** Each environment's deployment of the agent, with the history of its current version. */
  async deployments(agentId: string): Promise<AgentDeploymentWithHistory[]> {
    const list = (await request<{ details: AgentDeployment[] }>('GET', `/api/v1/agent_deployment${query({ agent_id: agentId })}`)).details;
    return Promise.all(
      list.map(
        async (d) => (await request<{ details: AgentDeploymentWithHistory }>('GET', `/api/v1/agent_deployment/${encodeURIComponent(d.id)}`)).details,
      ),
    );
  },
  async versions(agentId: string): Promise<ReportedVersion[]> {
    const path = `/api/v1/agent_version${query({ agent_id: agentId, 'pagination[page_size]': 100, 'sorting[field]': 'inserted_at', 'sorting[direction]': 'desc' })}`;
    return (await request<{ summaries: ReportedVersion[] }>('GET', path)).summaries;
  },
  /** The version with its risk rollup: declared and observed risk, and its runs by level (in the environment when named). */
  async versionRisk(versionId: string, environmentId: string | null): Promise<AgentVersion> {
    const path = `/api/v1/agent_version/${encodeURIComponent(versionId)}${query({ include_risk_rollup: 'true', environment_id: environmentId ?? undefined })}`;
    return (await request<{ details: AgentVersion }>('GET', path)).details;
  },
  async schemaVersions(agentId: string): Promise<AgentSchemaVersion[]> {
    const path = `/api/v1/agent_schema_version${query({ agent_id: agentId, 'pagination[page_size]': 100, 'sorting[field]': 'inserted_at', 'sorting[direction]': 'desc' })}`;
    return (await request<{ summaries: AgentSchemaVersion[] }>('GET', path)).summaries;
  },
  async runs(filters: RunFilters, cursor?: string, limit = 25): Promise<Page<ListedAgentInstance>> {
    const answer = await request<{ details: ListedAgentInstance[]; pagination: { next_cursor: string | null } }>(
      'GET',
      `/api/v1/agent_instance${query({ ...filters, environment_id: filters.environment_id ?? undefined, cursor, limit })}`,
    );
    return { items: answer.details, nextCursor: answer.pagination.next_cursor };
  },
  /** The agent's deployment tokens (the token list names each token's agent). */
  async tokens(agentId: string): Promise<ApiToken[]> {
    const all = (await request<{ details: ApiToken[] }>('GET', '/api/v1/api_token')).details;
    return all.filter((t) => t.token_scope === 'agent_deployment' && t.agent_id === agentId);
  },
  /** Issues a deployment token; the answer's `token` is the secret, which the server cannot show again. */
  async createToken(agentId: string, environmentId: string): Promise<{ details: ApiToken; token: string }> {
    return request('POST', '/api/v1/api_token', { details: { token_scope: 'agent_deployment', agent_id: agentId, environment_id: environmentId } });
  },
  async tokenAction(tokenId: string, action: 'suspend' | 'activate' | 'revoke' | 'delete'): Promise<void> {
    const path = `/api/v1/api_token/${encodeURIComponent(tokenId)}`;
    await (action === 'delete' ? request('DELETE', path, {}) : request('POST', `${path}/${action}`, {}));
  },
};
