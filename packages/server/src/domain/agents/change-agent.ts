import { AGENT_LABELS, type AgentForUpdate } from '@agentspan/protocol';
import type { AgentRecord } from '../../store/records.js';
import { agentAlerts } from '../alerts/exceedance-alerts.js';
import { fieldError } from '../errors.js';
import { defineOperation } from '../operation.js';
import { assertAssignable } from '../risk-profiles/risk-profile-rules.js';
import { agentAnswer } from '../views/agent-view.js';
import { assertAccountScope, assertDeletable, assertReinstatable, assertRetirable, lockedAgent, statusWhenInUse } from './agent-rules.js';

export interface AgentUpdateParams {
  agent_id: string;
  details: AgentForUpdate;
}

/** The fields of `details` that are present: the ones an update changes (null clears). */
function changes(details: AgentForUpdate): Partial<Pick<AgentRecord, 'name' | 'description' | 'owner_person_id' | 'risk_profile_id' | 'team_id'>> {
  if (details.external_identifier !== undefined) {
    throw fieldError(
      'details.external_identifier',
      'cannot be changed once the agent is created; leave it out (create a new agent for a new identifier)',
    );
  }
  if (details.name === null) throw fieldError('details.name', 'cannot be cleared; leave it out to keep the current name');
  const changed: Record<string, string | null> = {};
  for (const field of ['name', 'description', ...AGENT_LABELS] as const) {
    if (details[field] !== undefined) changed[field] = details[field];
  }
  return changed;
}

/** PUT /agent/{id}: only the fields named change; a newly assigned `risk_profile_id` must name a live risk profile of the account (null clears it). */
export const updateAgent = defineOperation<AgentUpdateParams>('agents/update', (params, { caller }) => {
  assertAccountScope(caller, 'updating an agent');
  const changed = changes(params.details);
  return async (tx) => {
    const agent = await lockedAgent(tx, caller, params.agent_id);
    // Only a newly assigned profile is checked: an agent keeps one archived since, and one stored
    // before profiles existed that names none, until its risk_profile_id is changed.
    const profileId = changed.risk_profile_id;
    if (typeof profileId === 'string' && profileId !== agent.risk_profile_id) {
      await assertAssignable(tx, caller.accountId, profileId, 'details.risk_profile_id');
    }
    const updated = { ...agent, ...changed };
    if (Object.entries(changed).some(([field, value]) => agent[field as keyof AgentRecord] !== value)) {
      updated.updated_at = caller.now;
      await tx.updateAgent(updated);
    }
    // A profile newly assigned is what the agent's declarations are held against from now on.
    const assigned = updated.risk_profile_id !== null && updated.risk_profile_id !== agent.risk_profile_id;
    return { ...agentAnswer(updated), alerts: assigned ? await agentAlerts(tx, caller.accountId, agent.id, caller.now) : [] };
  };
});

export interface AgentActionParams {
  agent_id: string;
}

/** An operation that moves the agent to `next(agent)` once `check(agent)` allows it. */
const statusChange = (
  name: 'agents/retire' | 'agents/reinstate',
  action: string,
  check: (agent: AgentRecord) => void,
  next: (agent: AgentRecord) => AgentRecord['status'],
) =>
  defineOperation<AgentActionParams>(name, (params, { caller }) => {
    assertAccountScope(caller, action);
    return async (tx) => {
      const agent = await lockedAgent(tx, caller, params.agent_id);
      check(agent);
      const changed = { ...agent, status: next(agent), updated_at: caller.now };
      await tx.updateAgent(changed);
      return agentAnswer(changed);
    };
  });

/** POST /agent/{id}/retire: it takes no new instances; those it has keep working. */
export const retireAgent = statusChange('agents/retire', 'retiring an agent', assertRetirable, () => 'retired');

/** POST /agent/{id}/reinstate: back to pending or active, by whether it has had instances. */
export const reinstateAgent = statusChange('agents/reinstate', 'reinstating an agent', assertReinstatable, statusWhenInUse);

/** DELETE /agent/{id}: only an agent that never had an instance; answers the agent as it was. */
export const deleteAgent = defineOperation<AgentActionParams>(
  'agents/delete',
  (params, { caller }) => {
    assertAccountScope(caller, 'deleting an agent');
    return async (tx) => {
      const agent = await lockedAgent(tx, caller, params.agent_id);
      assertDeletable(agent);
      await tx.deleteAgent(caller.accountId, agent.id);
      return agentAnswer(agent);
    };
  },
  { deletesTokens: true },
);
