import type { Principal } from '../caller.js';
import { fieldError, notFound } from '../errors.js';
import { assertAccountScope } from '../agents/agent-rules.js';

/**
 * 404 unless `id` is the caller's own account (a token reaches one account; another's id is
 * indistinguishable from none), 403 first for a deployment-scoped token.
 */
export function assertOwnAccount(principal: Principal, id: string, action: string): void {
  assertAccountScope(principal, action);
  if (id !== principal.accountId) throw notFound('account', id);
}

/** 422 when a body or query field names another account than the token's; absent is the token's own. */
export function assertOwnAccountField(principal: Principal, field: string, id: string | null | undefined): void {
  if (id != null && id !== principal.accountId) {
    throw fieldError(field, `names an account this token does not reach (${id}); send this token's account, ${principal.accountId}, or leave it out`);
  }
}
