import type { AgentDeployment, AgentDeploymentWithHistory } from '@agentspan/protocol';
import type { DeploymentRecord, DeploymentVersionRecord } from '../../store/records.js';

export const agentDeploymentView = (deployment: DeploymentRecord): AgentDeployment => ({
  type: 'agent_deployment',
  id: deployment.id,
  account_id: deployment.account_id,
  agent_id: deployment.agent_id,
  environment_id: deployment.environment_id,
  current_version_id: deployment.current_version_id,
  inserted_at: deployment.inserted_at,
  updated_at: deployment.updated_at,
});

/** The single read: the deployment and each change of its current version, oldest first. */
export const agentDeploymentWithHistoryView = (
  deployment: DeploymentRecord,
  history: readonly DeploymentVersionRecord[],
): AgentDeploymentWithHistory => ({
  ...agentDeploymentView(deployment),
  history: history.map((change) => ({
    version_id: change.version_id,
    changed_at: change.changed_at,
    changed_by_token_id: change.changed_by_token_id,
  })),
});

/** A write's answer carrying the deployment. */
export const agentDeploymentAnswer = (deployment: DeploymentRecord, status = 200) => ({
  status,
  json: JSON.stringify({ status: 'success', details: agentDeploymentView(deployment) }),
});
