import type { EnvironmentListResponse, EnvironmentResponse, ListEnvironmentsQuery } from '@agentspan/protocol';
import type { ReadTx } from '../../store/store.js';
import { assertOwnAccountField } from '../accounts/account-rules.js';
import { assertAccountScope } from '../agents/agent-rules.js';
import type { Principal } from '../caller.js';
import { notFound } from '../errors.js';
import { listPage, pageOf, pageRequest } from '../listing/list-page.js';
import { environmentView } from '../views/environment-view.js';

/** GET /environment/{id} */
export async function getEnvironment(tx: ReadTx, principal: Principal, id: string): Promise<EnvironmentResponse> {
  assertAccountScope(principal, 'reading environments');
  const environment = await tx.getEnvironment(principal.accountId, id);
  if (!environment) throw notFound('environment', id);
  return { status: 'success', details: environmentView(environment) };
}

/** GET /environment?account_id=…: the account's environments (a few per account, read whole), oldest first unless sorted. */
export async function listEnvironments(tx: ReadTx, principal: Principal, query: ListEnvironmentsQuery): Promise<EnvironmentListResponse> {
  assertAccountScope(principal, 'reading environments');
  assertOwnAccountField(principal, 'account_id', query.account_id);
  const page = pageRequest(query, { field: 'inserted_at', direction: 'asc' });
  const { rows, total } = pageOf(await tx.listEnvironments(principal.accountId), page);
  return listPage(rows.map(environmentView), total, page);
}
