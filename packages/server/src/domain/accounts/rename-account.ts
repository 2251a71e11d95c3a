import type { UpdateAccountBody } from '@agentspan/protocol';
import { notFound } from '../errors.js';
import { defineOperation } from '../operation.js';
import { accountAnswer } from '../views/account-view.js';
import { assertOwnAccount } from './account-rules.js';

export interface RenameAccountParams {
  account_id: string;
  details: UpdateAccountBody['details'];
}

/** PUT /account/{id}: the caller's own account takes a new name (account-scoped tokens only). */
export const renameAccount = defineOperation<RenameAccountParams>('accounts/update', (params, { caller }) => {
  assertOwnAccount(caller, params.account_id, 'renaming an account');
  return async (tx) => {
    const account = await tx.getAccount(params.account_id);
    if (!account) throw notFound('account', params.account_id);
    const renamed = { ...account, name: params.details.name };
    if (renamed.name !== account.name) await tx.updateAccount(renamed);
    return accountAnswer(renamed);
  };
});
