// The agent API as the agent pages read and change it.
import type { Agent, AgentForCreate, AgentForUpdate, OffsetPagination } from '@agentspan/protocol';
import { ApiFailure, query, request, type Named } from '../api.js';

export const AGENTS_PAGE_SIZE = 20;

export interface AgentPage {
  agents: Agent[];
  pagination: OffsetPagination | null;
}

const agentPath = (id: string) => `/api/v1/agent/${encodeURIComponent(id)}`;

export const agentsApi = {
  /** A page of agents by name, each with its summary (runs and failures in 24 h, last run, runs by risk) over the environment when named. */
  async list(offset: number, environmentId: string | null = null, pageSize = AGENTS_PAGE_SIZE): Promise<AgentPage> {
    const path = `/api/v1/agent${query({
      sorting: 'name',
      'pagination[offset]': offset,
      'pagination[page_size]': pageSize,
      include_summary: 'true',
      environment_id: environmentId ?? undefined,
    })}`;
    const answer = await request<{ summaries: Agent[]; pagination: OffsetPagination | null }>('GET', path);
    return { agents: answer.summaries, pagination: answer.pagination };
  },
  /** The agent with its risk rollup, exceedances and runs by risk level (over one environment's runs when named). */
  async show(agentId: string, environmentId: string | null): Promise<Agent> {
    const path = `/api/v1/agent/show${query({ agent_id: agentId, environment_id: environmentId ?? undefined, include_risk_rollup: 'true' })}`;
    return (await request<{ details: Agent }>('GET', path)).details;
  },
  async create(details: AgentForCreate): Promise<Agent> {
    return (await request<{ details: Agent }>('POST', '/api/v1/agent', { details })).details;
  },
  async update(agentId: string, details: AgentForUpdate): Promise<Agent> {
    return (await request<{ details: Agent }>('PUT', agentPath(agentId), { details })).details;
  },
  async act(agentId: string, action: 'retire' | 'reinstate' | 'delete'): Promise<Agent> {
    const answer =
      action === 'delete'
        ? await request<{ details: Agent }>('DELETE', agentPath(agentId), {})
        : await request<{ details: Agent }>('POST', `${agentPath(agentId)}/${action}`, {});
    return answer.details;
  },
  /** Live risk profiles, for choosing one and naming it. */
  async riskProfiles(): Promise<Named[]> {
    return (await request<{ summaries: Named[] }>('GET', '/api/v1/risk_profile?pagination[page_size]=100')).summaries;
  },
};

/** The message of a failure, for a page that shows it as text. */
export const failureText = (failure: unknown): string =>
  failure instanceof ApiFailure ? failure.message : failure instanceof Error ? failure.message : String(failure);

/** The server's message for one field (`details.name`), if it named that field. */
export const fieldError = (failure: unknown, field: string): string | undefined =>
  failure instanceof ApiFailure ? failure.errors[field]?.join('; ') : undefined;
