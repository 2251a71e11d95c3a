import type { ApiToken } from '@agentspan/protocol';
import type { DeploymentRecord, TokenRecord } from '../../store/records.js';
import { effectiveStatus } from '../api-tokens/token-status.js';

/**
 * A token as the API shows it at `now`, with its deployment's agent and environment (absent when
 * the deployment is gone). Never the secret or its hash.
 */
export const apiTokenView = (token: TokenRecord, deployment: DeploymentRecord | undefined, now: string): ApiToken => ({
  type: 'api_token',
  id: token.id,
  token_scope: token.scope === 'account' ? 'account' : 'agent_deployment',
  account_id: token.account_id,
  agent_deployment_id: token.deployment_id,
  agent_id: deployment?.agent_id ?? null,
  environment_id: deployment?.environment_id ?? null,
  status: effectiveStatus(token, now),
  expires_at: token.expires_at,
  last_used_at: token.last_used_at ?? null,
  created_by: token.created_by,
  inserted_at: token.inserted_at,
  updated_at: token.updated_at,
});
