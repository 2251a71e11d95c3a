import { chooseDeployment, type RegisterInstanceBody } from '@agentspan/protocol';
import type { DeploymentRecord } from '../../store/records.js';
import type { WriteTx } from '../../store/store.js';
import type { Caller } from '../caller.js';
import { ApiError, fieldError } from '../errors.js';
import { newId } from '../ids.js';

/**
 * The deployment an instance registers on: the token's own for a deployment-scoped token (the body
 * may repeat its agent and environment, not name others); for an account-scoped token, the one of
 * the named agent and environment, made on first use.
 */
export async function resolveDeployment(
  tx: WriteTx,
  caller: Caller,
  params: Pick<RegisterInstanceBody, 'agent_id' | 'environment_id'>,
): Promise<DeploymentRecord> {
  if (caller.scope === 'deployment') {
    // Held to commit, so a concurrent delete of the deployment cannot miss the instance made on it.
    const deployment = await tx.lockDeploymentShared(caller.accountId, caller.deploymentId ?? '');
    if (!deployment) {
      throw new ApiError(
        401,
        'unauthorized',
        `this token's deployment ${caller.deploymentId} no longer exists (its agent was deleted); use another token`,
      );
    }
    if (params.agent_id != null && params.agent_id !== deployment.agent_id) {
      throw fieldError(
        'agent_id',
        `does not match this token's deployment (agent ${deployment.agent_id}); omit agent_id, or use an account-scoped token to register other agents`,
      );
    }
    if (params.environment_id != null && params.environment_id !== deployment.environment_id) {
      throw fieldError(
        'environment_id',
        `does not match this token's deployment (environment ${deployment.environment_id}); omit environment_id, or use an account-scoped token`,
      );
    }
    return deployment;
  }

  if (params.agent_id == null) {
    throw fieldError('agent_id', 'is required with an account-scoped token: name the agent this instance belongs to');
  }
  const agent = await tx.getAgent(caller.accountId, params.agent_id);
  if (!agent) throw fieldError('agent_id', `names no agent of this account (${params.agent_id}); create it with POST /api/v1/agent first`);
  const environmentId = params.environment_id ?? (await defaultEnvironment(tx, caller.accountId, agent.id));
  // Held shared to commit, so a concurrent delete of the environment cannot miss the deployment made here.
  if (!(await tx.lockEnvironmentShared(caller.accountId, environmentId))) {
    throw fieldError('environment_id', `names no environment of this account (${environmentId})`);
  }
  return tx.ensureDeployment(
    {
      account_id: caller.accountId,
      id: newId(caller.accountId),
      agent_id: agent.id,
      environment_id: environmentId,
      current_version_id: null,
      inserted_at: caller.now,
      updated_at: caller.now,
    },
    caller.tokenId,
  );
}

/**
 * The environment a register without `environment_id` lands in: the account's only one; else the
 * agent's only deployment's, or the one of its deployments with a current version (Prefactor's CLI
 * registers with no way to name an environment, and its setup picks a deployment the same way).
 * Anything else is refused with what to send, never guessed.
 */
async function defaultEnvironment(tx: WriteTx, accountId: string, agentId: string): Promise<string> {
  const environments = await tx.listEnvironments(accountId);
  if (environments.length === 1) return environments[0]!.id;
  const deployments = (await tx.listDeployments(accountId)).filter((d) => d.agent_id === agentId);
  const chosen = chooseDeployment(deployments);
  if (chosen) return chosen.environment_id;
  const named = environments.map((e) => `${e.name} (${e.id})`).join(', ');
  throw fieldError(
    'environment_id',
    deployments.length === 0
      ? `is required: this account has ${environments.length} environments (${named}) and agent ${agentId} is deployed in none; ` +
          'send environment_id, or deploy the agent first (POST /api/v1/agent_deployment)'
      : `is required: agent ${agentId} is deployed in ${deployments.length} environments; send environment_id to choose one`,
  );
}
