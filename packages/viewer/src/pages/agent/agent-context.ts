// What the agent page loads once and each of its tabs reads; a file of its own so the tabs never
// import the page that renders them.
import type { Agent, AgentDeploymentWithHistory } from '@agentspan/protocol';
import type { Named } from '../../api.js';
import type { ReportedVersion } from '../../api/deployments.js';

/** What every tab may read: loaded once for the page. */
export interface AgentContext {
  agent: Agent;
  environments: Named[];
  deployments: AgentDeploymentWithHistory[];
  versions: ReportedVersion[];
  environmentId: string | null;
  reload: () => void;
}

export const versionName = (versions: ReportedVersion[], id: string | null) => {
  const v = id ? versions.find((x) => x.id === id) : undefined;
  return v ? (v.name ?? v.external_identifier ?? v.id) : (id ?? 'none');
};
export const environmentName = (environments: Named[], id: string) => environments.find((e) => e.id === id)?.name ?? id;
