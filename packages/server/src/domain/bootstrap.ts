import type { Store, WriteTx } from '../store/store.js';
import { generateToken, hashToken } from './access-tokens.js';
import { PLACEHOLDER_AGENT_NAME } from './agents/agent-rules.js';
import { newAgent } from './agents/new-agent.js';
import { BOOTSTRAP_ENVIRONMENT_PURPOSE } from './environments/environment-rules.js';
import { newAccountId, newId } from './ids.js';
import { systemClock } from './timestamps.js';

export interface BootstrapResult {
  accountId: string;
  environmentId: string;
  agentId: string;
  deploymentId: string;
  /** A deployment-scoped token, shown once. */
  token: string;
}

/** Inserts an account with an environment, an agent, its deployment and a deployment-scoped token. */
async function insertAccount(tx: WriteTx, name: string): Promise<BootstrapResult> {
  const now = systemClock.now();
  const accountId = newAccountId();
  const result = { accountId, environmentId: newId(accountId), agentId: newId(accountId), deploymentId: newId(accountId), token: generateToken() };
  await tx.insertAccount({ id: result.accountId, name, inserted_at: now });
  await tx.insertEnvironment({
    account_id: result.accountId,
    id: result.environmentId,
    name: 'default',
    purpose: BOOTSTRAP_ENVIRONMENT_PURPOSE,
    description: null,
    inserted_at: now,
    updated_at: now,
  });
  await tx.insertAgent(newAgent(result.accountId, now, { id: result.agentId, name: PLACEHOLDER_AGENT_NAME }));
  await tx.ensureDeployment({
    account_id: result.accountId,
    id: result.deploymentId,
    agent_id: result.agentId,
    environment_id: result.environmentId,
    current_version_id: null,
    inserted_at: now,
    updated_at: now,
  });
  await tx.insertToken({
    id: newId(accountId),
    account_id: result.accountId,
    scope: 'deployment',
    deployment_id: result.deploymentId,
    token_hash: hashToken(result.token),
    inserted_at: now,
    status: 'active',
    expires_at: null,
    created_by: null,
    updated_at: now,
  });
  return result;
}

/**
 * First start of an empty store: one account as `createAccount` makes it. Returns null, changing
 * nothing, when the store already has an account.
 */
export function bootstrapAccount(store: Store): Promise<BootstrapResult | null> {
  return store.write(async (tx) => ((await tx.firstAccount()) ? null : insertAccount(tx, 'default')));
}

/** A further account (each with its own environment, agent, deployment and deployment-scoped token). */
export function createAccount(store: Store, options: { name?: string } = {}): Promise<BootstrapResult> {
  return store.write((tx) => insertAccount(tx, options.name ?? 'account'));
}
