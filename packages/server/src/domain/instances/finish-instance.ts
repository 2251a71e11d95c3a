import type { FinishInstanceBody } from '@agentspan/protocol';
import { fieldError } from '../errors.js';
import { defineOperation } from '../operation.js';
import { assertOpen, DEFAULT_FINISH_STATUS } from '../status-machine.js';
import { parseOptionalTimestamp } from '../timestamps.js';
import { finishedInstance } from './finished-instance.js';
import { instanceAnswer, lockInstance } from './instance-access.js';

export type FinishInstanceParams = FinishInstanceBody & { agent_instance_id: string };

/** POST /agent_instance/{id}/finish: an open instance takes its finish status; exactly one finish wins. */
export const finishInstance = defineOperation<FinishInstanceParams>('agent_instances/finish', (params, { caller }) => {
  const given = parseOptionalTimestamp(params.timestamp, 'timestamp');
  return async (tx) => {
    const instance = await lockInstance(tx, caller, params.agent_instance_id);
    assertOpen(instance.status, `agent instance ${instance.id}`, 'finish');
    let finishedAt = given ?? caller.now;
    if (instance.started_at !== null && finishedAt < instance.started_at) {
      if (given) throw fieldError('timestamp', `must not be before the instance's started_at (${instance.started_at})`);
      finishedAt = instance.started_at; // a start time in our future: finishing "now" means at that time
    }
    const finished = finishedInstance(instance, { status: params.status ?? DEFAULT_FINISH_STATUS, finishedAt, at: caller.now });
    await tx.updateInstance(finished);
    return instanceAnswer(tx, finished);
  };
});
