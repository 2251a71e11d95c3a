import type { DeploymentRecord } from '../../store/records.js';
import type { ReadTx, WriteTx } from '../../store/store.js';
import { conflict, fieldError, invalidAction, notFound } from '../errors.js';

/** The deployment, locked for a change or a delete; 404 when the account has none of that id. */
export async function lockedDeployment(tx: WriteTx, accountId: string, id: string): Promise<DeploymentRecord> {
  const deployment = await tx.lockDeployment(accountId, id);
  if (!deployment) throw notFound('agent deployment', id);
  return deployment;
}

/** 422 on `field` unless `versionId` names a version of the deployment's own agent: a deployment runs its agent's versions only. */
export async function assertVersionOfAgent(tx: ReadTx, accountId: string, agentId: string, versionId: string, field: string): Promise<void> {
  const version = await tx.getAgentVersion(accountId, versionId);
  if (!version) {
    throw fieldError(
      field,
      `names no agent version of this account (${versionId}); list the agent's versions with GET /api/v1/agent_version?agent_id=${agentId}`,
    );
  }
  if (version.agent_id !== agentId) {
    throw fieldError(
      field,
      `names a version of agent ${version.agent_id}, not of this deployment's agent ${agentId}; choose one of agent ${agentId}'s versions`,
    );
  }
}

/** The 409 of a second deployment of one agent in one environment: an agent has one deployment per environment. */
export const deploymentExists = (existing: DeploymentRecord) =>
  conflict(
    `agent ${existing.agent_id} already has deployment ${existing.id} in environment ${existing.environment_id}, and an agent has one deployment per environment; ` +
      `use it, or move its version with PUT /api/v1/agent_deployment/${existing.id}`,
  );

/** 409 while instances ran on the deployment or tokens are scoped to it: deleting it would leave them pointing at nothing. */
export async function assertDeploymentUnused(tx: ReadTx, deployment: DeploymentRecord): Promise<void> {
  const { instances, tokens } = await tx.deploymentUse(deployment.account_id, deployment);
  if (!instances && tokens === 0) return;
  const held = [
    ...(instances ? ['agent instances'] : []),
    ...(tokens > 0 ? [`${tokens} deployment-scoped token${tokens === 1 ? '' : 's'}`] : []),
  ].join(' and ');
  throw invalidAction(
    `agent deployment ${deployment.id} holds ${held} and cannot be deleted, as they would refer to a deployment that no longer exists; ` +
      `${tokens > 0 ? 'delete its tokens (DELETE /api/v1/api_token/{id}; a revoked token is still kept until deleted), and ' : ''}${instances ? 'let retention purge its finished instances first, ' : ''}or keep it (clear its version with PUT /api/v1/agent_deployment/{id} and current_version_id: null)`,
  );
}
