import type { Agent, AgentSpan, AgentVersion, Environment, InstanceRisk, ListedAgentInstance } from '@agentspan/protocol';
import { query, request, type ListAnswer } from '../api.js';

/** Reads the instance pages need beside the instance itself: names of what it refers to, its risk. */
export const runs = {
  async agents(): Promise<Agent[]> {
    return (await request<{ summaries: Agent[] }>('GET', `/api/v1/agent${query({ sorting: 'name', 'pagination[page_size]': 100 })}`)).summaries;
  },
  async agent(id: string): Promise<Agent> {
    return (await request<{ details: Agent }>('GET', `/api/v1/agent/${encodeURIComponent(id)}`)).details;
  },
  async versions(agentId: string): Promise<AgentVersion[]> {
    const search = query({ agent_id: agentId, 'pagination[page_size]': 100, 'sorting[field]': 'inserted_at', 'sorting[direction]': 'desc' });
    return (await request<{ summaries: AgentVersion[] }>('GET', `/api/v1/agent_version${search}`)).summaries;
  },
  async environments(): Promise<Environment[]> {
    return (
      await request<{ summaries: Environment[] }>('GET', `/api/v1/environment${query({ 'pagination[page_size]': 100, 'sorting[field]': 'name' })}`)
    ).summaries;
  },
  async risk(instanceId: string): Promise<InstanceRisk> {
    return (await request<{ details: InstanceRisk }>('GET', `/api/v1/agent_instance/${encodeURIComponent(instanceId)}/risk`)).details;
  },
  /** A span with its type's score and level under the agent's current profile, and its usage priced now. */
  async spanInDetail(id: string): Promise<AgentSpan> {
    const search = query({ include_risk_level: 'true', include_usage: 'true' });
    return (await request<{ details: AgentSpan }>('GET', `/api/v1/agent_spans/${encodeURIComponent(id)}${search}`)).details;
  },
};

/** How a version is named to a reader: its name, else the identifier it was registered with, else its id. */
export const versionLabel = (v: AgentVersion | undefined, id: string) => v?.name ?? v?.external_identifier ?? id;

/** The instance list's filters, as its URL and the API name them. */
export interface RunFilters {
  status?: string | undefined;
  agent_id?: string | undefined;
  agent_version_id?: string | undefined;
  environment_id?: string | undefined;
  purpose?: string | undefined;
  /** Comma-separated levels: `high,critical`. */
  risk_level?: string | undefined;
  q?: string | undefined;
}

export async function listRuns(
  filters: RunFilters,
  cursor?: string,
  limit = 50,
): Promise<{ items: ListedAgentInstance[]; nextCursor: string | null }> {
  const answer = await request<ListAnswer<ListedAgentInstance>>('GET', `/api/v1/agent_instance${query({ ...filters, cursor, limit })}`);
  return { items: answer.details, nextCursor: answer.pagination.next_cursor };
}

/** The runs that cost most since `since`, costliest first: a sorted list answers Prefactor's list page (`summaries`). */
export async function costliestRuns(filters: { environment_id?: string | null; agent_id?: string | null; since: string }, limit = 10) {
  const search = query({
    environment_id: filters.environment_id ?? undefined,
    agent_id: filters.agent_id ?? undefined,
    since: filters.since,
    'sorting[field]': 'cost_usd',
    'sorting[direction]': 'desc',
    'pagination[page_size]': limit,
  });
  return (await request<{ summaries: ListedAgentInstance[] }>('GET', `/api/v1/agent_instance${search}`)).summaries;
}
