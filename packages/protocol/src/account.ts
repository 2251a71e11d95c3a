// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type Static } from '@sinclair/typebox';
import { IdempotencyKey, OptionalNullable, PlainText, Timestamp } from './common.js';
import { MAX_AGENT_NAME_LENGTH } from './agent.js';
import { Success } from './envelopes.js';
import { ListPage, listQueryParams } from './listing.js';

/** The caller's account, as `GET /api/v1/account` and the official CLI's `accounts` commands read it. */
export const Account = Type.Object({
  type: Type.Literal('account'),
  id: Type.String(),
  name: Type.String(),
  inserted_at: Timestamp,
});
export type Account = Static<typeof Account>;

export const ACCOUNT_SORT_FIELDS = ['id', 'name', 'inserted_at'] as const;

/** GET /api/v1/account: the accounts the token reaches (its own), as a list. */
export const ListAccountsQuery = Type.Object(listQueryParams(ACCOUNT_SORT_FIELDS));
export type ListAccountsQuery = Static<typeof ListAccountsQuery>;

export const AccountIdParams = Type.Object({ account_id: PlainText({ minLength: 1 }) });

/** PUT /api/v1/account/{id}: `{"details": {"name": …}}` as the CLI's `accounts update --name` sends it. */
export const UpdateAccountBody = Type.Object({
  details: Type.Object({ name: PlainText({ minLength: 1, maxLength: MAX_AGENT_NAME_LENGTH }) }),
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type UpdateAccountBody = Static<typeof UpdateAccountBody>;

export const AccountResponse = Success(Account);
export type AccountResponse = Static<typeof AccountResponse>;

export const AccountListResponse = ListPage(Account);
export type AccountListResponse = Static<typeof AccountListResponse>;
