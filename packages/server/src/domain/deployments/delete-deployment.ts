import { assertAccountScope } from '../agents/agent-rules.js';
import { defineOperation } from '../operation.js';
import { agentDeploymentAnswer } from '../views/agent-deployment-view.js';
import { assertDeploymentUnused, lockedDeployment } from './deployment-rules.js';

export interface AgentDeploymentActionParams {
  agent_deployment_id: string;
}

/**
 * DELETE /agent_deployment/{id}: only one no instance ran on and no token is scoped to (409
 * otherwise, nothing changed), with its history; answers the deployment as it was. The row lock
 * waits for registrations on it, which hold it key-shared.
 */
export const deleteAgentDeployment = defineOperation<AgentDeploymentActionParams>('agent_deployments/delete', (params, { caller }) => {
  assertAccountScope(caller, 'deleting an agent deployment');
  return async (tx) => {
    const deployment = await lockedDeployment(tx, caller.accountId, params.agent_deployment_id);
    await assertDeploymentUnused(tx, deployment);
    await tx.deleteDeployment(caller.accountId, deployment.id);
    return agentDeploymentAnswer(deployment);
  };
});
