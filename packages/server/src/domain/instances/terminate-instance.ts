import type { TerminateInstanceBody } from '@agentspan/protocol';
import { defineOperation } from '../operation.js';
import { assertOpen } from '../status-machine.js';
import { terminatedResultJson } from '../spans/terminated-spans.js';
import { spanResource } from '../views/span-view.js';
import { instanceAnswer, lockInstance } from './instance-access.js';

export type TerminateInstanceParams = TerminateInstanceBody & { agent_instance_id: string };

/**
 * POST /agent_instance/{id}/terminate: an operator stops a running agent. In the same transaction
 * every open span of the run finishes `cancelled` with a result saying it was terminated, and the
 * instance keeps who terminated it. Its later span writes are still stored, and their answers carry
 * the control block telling the agent to stop.
 */
export const terminateInstance = defineOperation<TerminateInstanceParams>('agent_instances/terminate', (params, { caller }) => {
  return async (tx) => {
    const instance = await lockInstance(tx, caller, params.agent_instance_id);
    assertOpen(instance.status, `agent instance ${instance.id}`, 'be terminated');
    const terminated = {
      ...instance,
      status: 'terminated' as const,
      termination_reason: params.reason,
      terminated_by_token_id: caller.tokenId,
      finished_at: caller.now,
      updated_at: caller.now,
    };
    await tx.updateInstance(terminated);
    const closed = await tx.cancelOpenSpans(caller.accountId, instance.id, terminatedResultJson(params.reason), caller.now);
    const answer = await instanceAnswer(tx, terminated);
    return { ...answer, otherChanges: closed.map((span) => ({ operation: 'agent_spans/finish' as const, change: spanResource(span) })) };
  };
});
