import { invalidAction } from '../errors.js';
import { defineOperation } from '../operation.js';
import type { ApiTokenActionParams } from './suspend-api-token.js';
import { assertTokenAdmin, lockedTokens, tokenAnswer } from './token-rules.js';
import { effectiveStatus } from './token-status.js';

/**
 * POST /api_token/{id}/activate: a suspended token is accepted again (no cache to forget: only
 * active tokens are cached). A revoked or expired token stays refused: 409.
 */
export const activateApiToken = defineOperation<ApiTokenActionParams>('api_tokens/activate', (params, { caller }) => {
  assertTokenAdmin(caller, 'activating api tokens');
  return async (tx) => {
    const { token } = await lockedTokens(tx, caller, params.api_token_id);
    const status = effectiveStatus(token, caller.now);
    if (status === 'revoked') throw invalidAction(`token ${token.id} was revoked, which is final; create a new token instead`);
    if (status === 'expired') throw invalidAction(`token ${token.id} expired at ${token.expires_at}; create a new token instead`);
    if (status === 'active') return tokenAnswer(tx, token, caller.now);
    const changed = await tx.setTokenStatus(caller.accountId, token.id, 'active', caller.now);
    return tokenAnswer(tx, changed!, caller.now);
  };
});
