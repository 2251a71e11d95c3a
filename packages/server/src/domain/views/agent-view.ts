import type { Agent, AgentInstanceCounts } from '@agentspan/protocol';
import type { AgentRecord, InstanceStatusCounts } from '../../store/records.js';
import { availableActions } from '../agents/agent-rules.js';

/** The Agent resource; `instance_counts` only when they were asked for. */
export function agentView(agent: AgentRecord, counts?: InstanceStatusCounts): Agent {
  const view: Agent = {
    type: 'agent',
    id: agent.id,
    name: agent.name,
    description: agent.description,
    external_identifier: agent.external_identifier,
    status: agent.status,
    owner_person_id: agent.owner_person_id,
    risk_profile_id: agent.risk_profile_id,
    team_id: agent.team_id,
    available_actions: availableActions(agent),
    inserted_at: agent.inserted_at,
    updated_at: agent.updated_at,
  };
  if (counts) view.instance_counts = instanceCounts(counts);
  return view;
}

function instanceCounts(counts: InstanceStatusCounts): AgentInstanceCounts {
  const [pending, active, complete, failed, cancelled, terminated] = (
    ['pending', 'active', 'complete', 'failed', 'cancelled', 'terminated'] as const
  ).map((status) => counts[status] ?? 0) as [number, number, number, number, number, number];
  const finished = complete + failed + cancelled + terminated;
  return { total: pending + active + finished, pending, active, complete, failed, cancelled, terminated, finished };
}

/** A write's answer carrying the agent. */
export const agentAnswer = (agent: AgentRecord, status = 200) => ({
  status,
  json: JSON.stringify({ status: 'success', details: agentView(agent) }),
});
