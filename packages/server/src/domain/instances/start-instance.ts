import type { StartInstanceBody } from '@agentspan/protocol';
import { invalidAction } from '../errors.js';
import { defineOperation } from '../operation.js';
import { parseOptionalTimestamp } from '../timestamps.js';
import { instanceAnswer, lockInstance } from './instance-access.js';

export type StartInstanceParams = StartInstanceBody & { agent_instance_id: string };

/** POST /agent_instance/{id}/start: pending → active. */
export const startInstance = defineOperation<StartInstanceParams>('agent_instances/start', (params, { caller }) => {
  const startedAt = parseOptionalTimestamp(params.timestamp, 'timestamp') ?? caller.now;
  return async (tx) => {
    const instance = await lockInstance(tx, caller, params.agent_instance_id);
    if (instance.status !== 'pending') {
      throw invalidAction(`agent instance ${instance.id} is already ${instance.status}; only a pending instance can start`);
    }
    const started = { ...instance, status: 'active' as const, started_at: startedAt, updated_at: caller.now };
    await tx.updateInstance(started);
    return instanceAnswer(tx, started);
  };
});
