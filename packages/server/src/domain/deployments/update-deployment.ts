import type { AgentDeploymentForUpdate } from '@agentspan/protocol';
import { assertAccountScope } from '../agents/agent-rules.js';
import { defineOperation } from '../operation.js';
import { agentDeploymentAnswer } from '../views/agent-deployment-view.js';
import { assertVersionOfAgent, lockedDeployment } from './deployment-rules.js';

export interface AgentDeploymentUpdateParams {
  agent_deployment_id: string;
  details: AgentDeploymentForUpdate;
}

/**
 * PUT /agent_deployment/{id}: moves the current version to another of the agent's versions, or
 * clears it (null); a move is kept in the deployment's history by the store's `setDeploymentVersion`,
 * as registrations' moves are. Absent or the same version changes nothing.
 */
export const updateAgentDeployment = defineOperation<AgentDeploymentUpdateParams>('agent_deployments/update', (params, { caller }) => {
  assertAccountScope(caller, 'updating an agent deployment');
  return async (tx) => {
    const deployment = await lockedDeployment(tx, caller.accountId, params.agent_deployment_id);
    const versionId = params.details.current_version_id;
    if (versionId === undefined || versionId === deployment.current_version_id) return agentDeploymentAnswer(deployment);
    if (versionId !== null) await assertVersionOfAgent(tx, caller.accountId, deployment.agent_id, versionId, 'details.current_version_id');
    await tx.setDeploymentVersion(caller.accountId, deployment.id, versionId, caller.now, caller.tokenId);
    return agentDeploymentAnswer({ ...deployment, current_version_id: versionId, updated_at: caller.now });
  };
});
