import type { AccountListResponse, AccountResponse, ListAccountsQuery } from '@agentspan/protocol';
import type { ReadTx } from '../../store/store.js';
import type { Principal } from '../caller.js';
import { notFound } from '../errors.js';
import { assertAccountScope } from '../agents/agent-rules.js';
import { listPage, pageOf, pageRequest } from '../listing/list-page.js';
import { accountView } from '../views/account-view.js';
import { assertOwnAccount } from './account-rules.js';

/** GET /account: the accounts the token reaches, its own, as a list (the CLI's `accounts list`; the dashboard reads `summaries[0].id`). */
export async function listAccounts(tx: ReadTx, principal: Principal, query: ListAccountsQuery): Promise<AccountListResponse> {
  assertAccountScope(principal, 'reading accounts');
  const account = await tx.getAccount(principal.accountId);
  const page = pageRequest(query, { field: 'inserted_at', direction: 'asc' });
  const { rows, total } = pageOf(account ? [account] : [], page);
  return listPage(rows.map(accountView), total, page);
}

/** GET /account/{id} */
export async function getAccount(tx: ReadTx, principal: Principal, id: string): Promise<AccountResponse> {
  assertOwnAccount(principal, id, 'reading an account');
  const account = await tx.getAccount(id);
  if (!account) throw notFound('account', id);
  return { status: 'success', details: accountView(account) };
}
