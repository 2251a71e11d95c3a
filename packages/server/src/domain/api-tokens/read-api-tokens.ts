import type { ApiTokenListResponse, ApiTokenResponse, ListApiTokensQuery } from '@agentspan/protocol';
import type { ReadTx } from '../../store/store.js';
import { assertOwnAccountField } from '../accounts/account-rules.js';
import type { Principal } from '../caller.js';
import { notFound } from '../errors.js';
import { asksForListPage, listPage, pageOf, pageRequest } from '../listing/list-page.js';
import { systemClock } from '../timestamps.js';
import { apiTokenView } from '../views/api-token-view.js';
import { assertTokenAdmin, tokenDetails } from './token-rules.js';

/** GET /api_token/{id} */
export async function getApiToken(tx: ReadTx, principal: Principal, id: string): Promise<ApiTokenResponse> {
  assertTokenAdmin(principal, 'reading api tokens');
  const token = await tx.getToken(principal.accountId, id);
  if (!token) throw notFound('api_token', id);
  return { status: 'success', details: await tokenDetails(tx, token, systemClock.now()) };
}

/**
 * GET /api_token?account_id=…: the account's tokens (a few per account, read whole), oldest first;
 * under `details` as the official CLI reads them, or as a list page when `pagination[…]` or
 * `sorting[…]` is sent. Never a secret or a hash.
 */
export async function listApiTokens(tx: ReadTx, principal: Principal, query: ListApiTokensQuery): Promise<ApiTokenListResponse> {
  assertTokenAdmin(principal, 'reading api tokens');
  assertOwnAccountField(principal, 'account_id', query.account_id);
  const now = systemClock.now();
  const tokens = await tx.listAccountTokens(principal.accountId);
  const deployments = await tx.listDeployments(principal.accountId);
  const byId = new Map(deployments.map((d) => [d.id, d]));
  const views = tokens.map((t) => apiTokenView(t, t.deployment_id ? byId.get(t.deployment_id) : undefined, now));
  if (!asksForListPage(query, { paging: [], sorting: [] })) return { status: 'success', details: views };
  const page = pageRequest(query, { field: 'inserted_at', direction: 'asc' });
  const { rows, total } = pageOf(views, page);
  return listPage(rows, total, page);
}
