// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type Static, type TSchema } from '@sinclair/typebox';
import { IdempotencyKey, Nullable, OptionalNullable, PlainText, QueryFilter, Timestamp, TimestampInput } from './common.js';
import { Success } from './envelopes.js';
import { ListPage, listQueryParams } from './listing.js';

const literals = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TSchema & { static: T[number] };

/** What a token reaches: its whole account, or one agent deployment (an agent in an environment). */
export const API_TOKEN_SCOPES = ['account', 'agent_deployment'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

/**
 * `active` tokens are accepted; `suspended` ones are refused until activated; `revoked` ones are
 * refused for good; `expired`: an active or suspended token past its `expires_at`, refused for good.
 */
export const API_TOKEN_STATUSES = ['active', 'suspended', 'revoked', 'expired'] as const;
export type ApiTokenStatus = (typeof API_TOKEN_STATUSES)[number];

/** A token as the API shows it: never its secret, nor the secret's hash. */
export const ApiToken = Type.Object({
  type: Type.Literal('api_token'),
  id: Type.String(),
  token_scope: literals(API_TOKEN_SCOPES),
  account_id: Type.String(),
  agent_deployment_id: Nullable(Type.String()),
  agent_id: Nullable(Type.String()),
  environment_id: Nullable(Type.String()),
  status: literals(API_TOKEN_STATUSES),
  /** Null: it never expires. */
  expires_at: Nullable(Timestamp),
  last_used_at: Nullable(Timestamp),
  /** The token whose request created it; null when the command line or the first start made it. */
  created_by: Nullable(Type.String()),
  inserted_at: Timestamp,
  updated_at: Timestamp,
});
export type ApiToken = Static<typeof ApiToken>;

/**
 * POST /api/v1/api_token `details`, as the official CLI's `api_tokens create` and `setup` send it.
 * `agent_deployment` needs `agent_id` and `environment_id` (the deployment is made when missing);
 * `account_id`, when sent, must be the token's account; `expires_at` must lie in the future.
 */
export const ApiTokenForCreate = Type.Object({
  token_scope: literals(API_TOKEN_SCOPES),
  account_id: OptionalNullable(PlainText({ minLength: 1 })),
  agent_id: OptionalNullable(PlainText({ minLength: 1 })),
  environment_id: OptionalNullable(PlainText({ minLength: 1 })),
  expires_at: OptionalNullable(TimestampInput),
});
export type ApiTokenForCreate = Static<typeof ApiTokenForCreate>;

export const CreateApiTokenBody = Type.Object({
  details: ApiTokenForCreate,
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type CreateApiTokenBody = Static<typeof CreateApiTokenBody>;

/** The create answer: the secret once, beside `details` (where the official CLI reads it). */
export const ApiTokenCreatedResponse = Type.Object({
  status: Type.Literal('success'),
  details: ApiToken,
  token: Type.String(),
});
export type ApiTokenCreatedResponse = Static<typeof ApiTokenCreatedResponse>;

/** POST …/suspend, …/activate, …/revoke and DELETE …: the body is optional (the official CLI sends `{}`). */
export const ApiTokenActionBody = Type.Object({ idempotency_key: OptionalNullable(IdempotencyKey) });
export type ApiTokenActionBody = Static<typeof ApiTokenActionBody>;

export const ApiTokenIdParams = Type.Object({ api_token_id: PlainText({ minLength: 1 }) });

export const API_TOKEN_SORT_FIELDS = ['id', 'inserted_at', 'status'] as const;
export type ApiTokenSortField = (typeof API_TOKEN_SORT_FIELDS)[number];

/** GET /api/v1/api_token?account_id=… (the CLI's `api_tokens list --account_id`). */
export const ListApiTokensQuery = Type.Object({
  account_id: Type.Optional(QueryFilter),
  ...listQueryParams(API_TOKEN_SORT_FIELDS),
});
export type ListApiTokensQuery = Static<typeof ListApiTokensQuery>;

export const ApiTokenResponse = Success(ApiToken);
export type ApiTokenResponse = Static<typeof ApiTokenResponse>;

/**
 * Without `pagination[…]` or `sorting[…]`, every token under `details` (where the official CLI
 * reads them); with them, the list page (`summaries`).
 */
export const ApiTokenListResponse = Type.Union([Success(Type.Array(ApiToken)), ListPage(ApiToken)]);
export type ApiTokenListResponse = Static<typeof ApiTokenListResponse>;
