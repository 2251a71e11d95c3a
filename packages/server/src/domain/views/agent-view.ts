import { INSTANCE_STATUSES, OPEN_STATUSES, type Agent, type AgentInstanceCounts, type InstanceStatus } from '@agentspan/protocol';
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
  const byStatus = Object.fromEntries(INSTANCE_STATUSES.map((status) => [status, counts[status] ?? 0])) as Record<InstanceStatus, number>;
  const total = INSTANCE_STATUSES.reduce((sum, status) => sum + byStatus[status], 0);
  const open = OPEN_STATUSES.reduce((sum, status) => sum + byStatus[status], 0);
  return { total, ...byStatus, finished: total - open };
}

/** A write's answer carrying the agent. */
export const agentAnswer = (agent: AgentRecord, status = 200) => ({
  status,
  json: JSON.stringify({ status: 'success', details: agentView(agent) }),
});
