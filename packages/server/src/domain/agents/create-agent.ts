import type { AgentForCreate } from '@agentspan/protocol';
import { StoreConflictError } from '../../store/errors.js';
import type { AgentRecord } from '../../store/records.js';
import { ApiError, conflict } from '../errors.js';
import { newId } from '../ids.js';
import { defineOperation } from '../operation.js';
import { agentView } from '../views/agent-view.js';

/** POST /agent: a new agent of the caller's account (account-scoped tokens only). */
export const createAgent = defineOperation<AgentForCreate>('agents/create', (params, { caller }) => {
  if (caller.scope !== 'account') {
    throw new ApiError(403, 'forbidden', 'creating agents needs an account-scoped token; this token is scoped to one deployment');
  }
  return async (tx) => {
    const agent: AgentRecord = {
      account_id: caller.accountId,
      id: params.id ?? newId(),
      name: params.name,
      description: params.description ?? null,
      external_identifier: params.external_identifier ?? null,
      status: 'active',
      inserted_at: caller.now,
      updated_at: caller.now,
    };
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
    return { status: 201, json: JSON.stringify({ status: 'success', details: agentView(agent) }) };
  };
});
