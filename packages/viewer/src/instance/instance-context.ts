import type { Agent, AgentInstance, AgentVersion, Environment } from '@agentspan/protocol';
import { useEffect, useState } from 'preact/hooks';
import { runs } from '../api/runs.js';

/** What an instance refers to by id, read once per agent: its agent, version and environment. */
export interface InstanceContext {
  agent: Agent | null;
  version: AgentVersion | null;
  environment: Environment | null;
}

export function useInstanceContext(instance: AgentInstance | null): InstanceContext {
  const [context, setContext] = useState<InstanceContext>({ agent: null, version: null, environment: null });
  const agentId = instance?.agent_id;
  const versionId = instance?.agent_version_id;
  const environmentId = instance?.environment_id;
  useEffect(() => {
    if (!agentId) return;
    let stale = false;
    // Each read is optional to the page: a failure leaves the id shown in place of the name.
    void Promise.all([
      runs.agent(agentId).catch(() => null),
      runs.versions(agentId).catch(() => [] as AgentVersion[]),
      runs.environments().catch(() => [] as Environment[]),
    ]).then(([agent, versions, environments]) => {
      if (stale) return;
      setContext({
        agent,
        version: versions.find((v) => v.id === versionId) ?? null,
        environment: environments.find((e) => e.id === environmentId) ?? null,
      });
    });
    return () => {
      stale = true;
    };
  }, [agentId, versionId, environmentId]);
  return context;
}
