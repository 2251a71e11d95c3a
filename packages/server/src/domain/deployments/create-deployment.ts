import type { AgentDeploymentForCreate } from '@agentspan/protocol';
import { StoreConflictError } from '../../store/errors.js';
import type { DeploymentRecord } from '../../store/records.js';
import { assertAccountScope } from '../agents/agent-rules.js';
import { conflict, fieldError } from '../errors.js';
import { newId } from '../ids.js';
import { defineOperation } from '../operation.js';
import { agentDeploymentAnswer } from '../views/agent-deployment-view.js';
import { assertVersionOfAgent, deploymentExists } from './deployment-rules.js';

/**
 * POST /agent_deployment: the agent's deployment in an environment (account-scoped tokens only), at
 * most one per agent and environment. Registrations make one on first use too; this makes it ahead,
 * optionally on a version, which starts its history.
 */
export const createAgentDeployment = defineOperation<AgentDeploymentForCreate>('agent_deployments/create', (params, { caller }) => {
  assertAccountScope(caller, 'creating agent deployments');
  return async (tx) => {
    // Shared locks to commit: a concurrent delete of the agent or the environment cannot miss this deployment.
    const agent = await tx.lockAgentShared(caller.accountId, params.agent_id);
    if (!agent) throw fieldError('details.agent_id', `names no agent of this account (${params.agent_id}); create it with POST /api/v1/agent first`);
    if (!(await tx.lockEnvironmentShared(caller.accountId, params.environment_id))) {
      throw fieldError(
        'details.environment_id',
        `names no environment of this account (${params.environment_id}); list them with GET /api/v1/environment, or create one with POST /api/v1/environment`,
      );
    }
    const versionId = params.current_version_id ?? null;
    if (versionId !== null) await assertVersionOfAgent(tx, caller.accountId, agent.id, versionId, 'details.current_version_id');
    const existing = (await tx.listDeployments(caller.accountId)).find(
      (deployment) => deployment.agent_id === agent.id && deployment.environment_id === params.environment_id,
    );
    if (existing) throw deploymentExists(existing);
    const deployment: DeploymentRecord = {
      account_id: caller.accountId,
      id: params.id ?? newId(caller.accountId),
      agent_id: agent.id,
      environment_id: params.environment_id,
      current_version_id: versionId,
      inserted_at: caller.now,
      updated_at: caller.now,
    };
    const idTaken = () => conflict(`agent deployment id ${deployment.id} is already taken in this account; choose another id or omit it`);
    if (await tx.getDeployment(caller.accountId, deployment.id)) throw idTaken();
    let stored: DeploymentRecord;
    try {
      stored = await tx.ensureDeployment(deployment, caller.tokenId);
    } catch (error) {
      if (error instanceof StoreConflictError) throw idTaken();
      throw error;
    }
    // A concurrent registration made the agent's deployment in the environment after the check above.
    if (stored.id !== deployment.id) throw deploymentExists(stored);
    return agentDeploymentAnswer(stored, 201);
  };
});
