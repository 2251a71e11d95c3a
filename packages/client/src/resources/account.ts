import { AccountListResponse, AccountResponse, type Account, type ACCOUNT_SORT_FIELDS } from '@agentspan/protocol';
import type { HttpCore } from '../http-core.js';
import { idempotencyKeyFor } from '../idempotency.js';
import { queryString, setListParams, type ListPageParams } from '../list-query.js';
import { operation, type CallOptions } from '../operation.js';
import { pathSegment } from '../path-segment.js';

export type ListAccountsParams = ListPageParams<(typeof ACCOUNT_SORT_FIELDS)[number]>;

export interface UpdateAccountParams {
  name: string;
  idempotency_key?: string | null;
}

const LIST = operation('account.list', 'GET', AccountListResponse, (b) => b.summaries);
const CURRENT = operation('account.current', 'GET', AccountListResponse, (b) => b.summaries[0] ?? null);
const GET = operation('account.get', 'GET', AccountResponse, (b) => b.details);
const UPDATE = operation('account.update', 'PUT', AccountResponse, (b) => b.details);

/** `/api/v1/account`: the token's account, as the official CLI's `accounts` commands call it (account-scoped tokens). */
export class Accounts {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** GET /api/v1/account: the token's own account (null if the server lists none). */
  current(options?: CallOptions): Promise<Account | null> {
    return this.#core.call(CURRENT, '/api/v1/account', undefined, options);
  }

  /** One page of GET /api/v1/account (`pagination[…]`, `sorting[…]`): the accounts the token reaches. */
  list(params: ListAccountsParams = {}, options?: CallOptions): Promise<Account[]> {
    const query = new URLSearchParams();
    setListParams(query, params);
    return this.#core.call(LIST, `/api/v1/account${queryString(query)}`, undefined, options);
  }

  /** GET /api/v1/account/{account_id} */
  get(accountId: string, options?: CallOptions): Promise<Account> {
    return this.#core.call(GET, `/api/v1/account/${pathSegment(GET.name, 'account_id', accountId)}`, undefined, options);
  }

  /** PUT /api/v1/account/{account_id} with `{"details": {"name": …}, "idempotency_key": …}`: renames it. */
  update(accountId: string, params: UpdateAccountParams, options?: CallOptions): Promise<Account> {
    const path = `/api/v1/account/${pathSegment(UPDATE.name, 'account_id', accountId)}`;
    const idempotency_key = idempotencyKeyFor(UPDATE.name, params.idempotency_key);
    return this.#core.call(UPDATE, path, { details: { name: params.name }, idempotency_key }, options);
  }
}
