import type { Agent, AgentSpan, AgentVersion, Environment, InstanceRisk } from '@agentspan/protocol';
import { query, request } from '../api.js';

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
  /** A span with its type's score and level under the agent's current profile. */
  async spanWithRisk(id: string): Promise<AgentSpan> {
    return (await request<{ details: AgentSpan }>('GET', `/api/v1/agent_spans/${encodeURIComponent(id)}?include_risk_level=true`)).details;
  },
};

/** How a version is named to a reader: its name, else the identifier it was registered with, else its id. */
export const versionLabel = (v: AgentVersion | undefined, id: string) => v?.name ?? v?.external_identifier ?? id;
