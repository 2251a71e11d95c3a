import type { AgentForCreate } from '@agentspan/protocol';
import { StoreConflictError } from '../../store/errors.js';
import { conflict } from '../errors.js';
import { newId } from '../ids.js';
import { defineOperation } from '../operation.js';
import { agentAnswer } from '../views/agent-view.js';
import { assertAssignable } from '../risk-profiles/risk-profile-rules.js';
import { assertAccountScope } from './agent-rules.js';
import { newAgent } from './new-agent.js';

/**
 * POST /agent: a new agent of the caller's account (account-scoped tokens only), pending until its
 * first instance. A `risk_profile_id` must name a live risk profile of the account.
 */
export const createAgent = defineOperation<AgentForCreate>('agents/create', (params, { caller }) => {
  assertAccountScope(caller, 'creating agents');
  return async (tx) => {
    if (params.risk_profile_id != null) await assertAssignable(tx, caller.accountId, params.risk_profile_id, 'details.risk_profile_id');
    const agent = newAgent(caller.accountId, caller.now, {
      id: params.id ?? newId(caller.accountId),
      name: params.name,
      description: params.description,
      external_identifier: params.external_identifier,
      owner_person_id: params.owner_person_id,
      risk_profile_id: params.risk_profile_id,
      team_id: params.team_id,
    });
    try {
      await tx.insertAgent(agent);
    } catch (error) {
      if (error instanceof StoreConflictError) {
        throw conflict(
          agent.external_identifier === null
            ? `agent id ${agent.id} is already taken in this account; choose another id or omit it`
            : `an agent with id ${agent.id} or external_identifier ${agent.external_identifier} already exists in this account`,
        );
      }
      throw error;
    }
    return agentAnswer(agent, 201);
  };
});
