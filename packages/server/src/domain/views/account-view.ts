import type { Account } from '@agentspan/protocol';
import type { AccountRecord } from '../../store/records.js';

export const accountView = (account: AccountRecord): Account => ({
  type: 'account',
  id: account.id,
  name: account.name,
  inserted_at: account.inserted_at,
});

/** A write's answer carrying the account. */
export const accountAnswer = (account: AccountRecord, status = 200) => ({
  status,
  json: JSON.stringify({ status: 'success', details: accountView(account) }),
});
