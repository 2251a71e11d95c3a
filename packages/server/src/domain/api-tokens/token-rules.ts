import type { TokenRecord, TokenStatus } from '../../store/records.js';
import type { ReadTx, WriteTx } from '../../store/store.js';
import { assertAccountScope } from '../agents/agent-rules.js';
import type { Caller } from '../caller.js';
import { invalidAction, notFound } from '../errors.js';
import type { Answer } from '../operation.js';
import { apiTokenView } from '../views/api-token-view.js';
import { effectiveStatus } from './token-status.js';

/** Every api_token route needs an account-scoped token: a deployment's token manages no tokens. */
export const assertTokenAdmin = (caller: Pick<Caller, 'scope'>, action: string) => assertAccountScope(caller, action);

/** The token as the API shows it, its deployment read for the agent and environment. */
export async function tokenDetails(tx: ReadTx, token: TokenRecord, now: string) {
  const deployment = token.deployment_id ? await tx.getDeployment(token.account_id, token.deployment_id) : undefined;
  return apiTokenView(token, deployment, now);
}

export async function tokenAnswer(tx: ReadTx, token: TokenRecord, now: string, status = 200): Promise<Answer> {
  return { status, json: JSON.stringify({ status: 'success', details: await tokenDetails(tx, token, now) }) };
}

/**
 * The account's tokens, locked (so changes of status run one at a time per account), and the one
 * of this id; 404 when the account has none of that id.
 */
export async function lockedTokens(tx: WriteTx, caller: Caller, id: string): Promise<{ token: TokenRecord; all: TokenRecord[] }> {
  const all = await tx.lockAccountTokens(caller.accountId);
  const token = all.find((t) => t.id === id);
  if (!token) throw notFound('api_token', id);
  return { token, all };
}

/**
 * 409 when taking `token` out of use would leave the account with no usable account-scoped token:
 * nobody could then reach the admin API (only the command line, on the store itself, could make
 * one). The caller is told to create another first.
 */
export function assertAnotherAdminRemains(all: readonly TokenRecord[], token: TokenRecord, now: string, action: string): void {
  if (token.scope !== 'account' || effectiveStatus(token, now) !== 'active') return;
  const others = all.filter((t) => t.id !== token.id && t.scope === 'account' && effectiveStatus(t, now) === 'active');
  if (others.length > 0) return;
  throw invalidAction(
    `token ${token.id} is the account's last usable account-scoped token; ${action} it would leave no token that can manage the account. ` +
      'Create another account-scoped token first (POST /api/v1/api_token with {"details": {"token_scope": "account"}}, or `agentspan tokens create --scope account`)',
  );
}

/** Suspends or revokes the token: refused everywhere once the write commits (the operation forgets the account's cached tokens). */
export async function takeOutOfUse(tx: WriteTx, caller: Caller, id: string, status: Extract<TokenStatus, 'suspended' | 'revoked'>): Promise<Answer> {
  const { token, all } = await lockedTokens(tx, caller, id);
  if (token.status === 'revoked') {
    if (status === 'revoked') return tokenAnswer(tx, token, caller.now);
    throw invalidAction(`token ${id} was revoked, which is final; it cannot be suspended`);
  }
  if (token.status === status) return tokenAnswer(tx, token, caller.now);
  assertAnotherAdminRemains(all, token, caller.now, status === 'suspended' ? 'suspending' : 'revoking');
  const changed = await tx.setTokenStatus(caller.accountId, id, status, caller.now);
  return tokenAnswer(tx, changed!, caller.now);
}
