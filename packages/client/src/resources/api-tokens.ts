import {
  ApiTokenCreatedResponse,
  ApiTokenListResponse,
  ApiTokenResponse,
  type ApiToken,
  type ApiTokenScope,
  type ApiTokenSortField,
} from '@agentspan/protocol';
import type { HttpCore } from '../http-core.js';
import { idempotencyKeyFor } from '../idempotency.js';
import { queryString, setListParams, type ListPageParams } from '../list-query.js';
import { operation, type CallOptions } from '../operation.js';
import { pathSegment } from '../path-segment.js';

export interface CreateApiTokenParams {
  token_scope: ApiTokenScope;
  /** With `agent_deployment`: the agent and environment the token reaches (the deployment is made when missing). */
  agent_id?: string | null;
  environment_id?: string | null;
  /** ISO-8601, in the future; the token never expires when absent. */
  expires_at?: string | null;
  /** The token's account; other accounts are refused. */
  account_id?: string | null;
  /**
   * Made when absent, so a retried create makes one token. A replay cannot show the secret again:
   * the server answers 409 naming the token (delete it and create another).
   */
  idempotency_key?: string | null;
}

/** A new token and its secret, which is shown this once. */
export interface CreatedApiToken {
  details: ApiToken;
  token: string;
}

export interface ListApiTokensParams extends ListPageParams<ApiTokenSortField> {
  account_id?: string;
}

export interface ApiTokenActionParams {
  idempotency_key?: string | null;
}

const CREATE = operation('apiTokens.create', 'POST', ApiTokenCreatedResponse, (b): CreatedApiToken => ({ details: b.details, token: b.token }));
const GET = operation('apiTokens.get', 'GET', ApiTokenResponse, (b) => b.details);
const LIST = operation('apiTokens.list', 'GET', ApiTokenListResponse, (b) => ('details' in b ? b.details : b.summaries));
const SUSPEND = operation('apiTokens.suspend', 'POST', ApiTokenResponse, (b) => b.details);
const ACTIVATE = operation('apiTokens.activate', 'POST', ApiTokenResponse, (b) => b.details);
const REVOKE = operation('apiTokens.revoke', 'POST', ApiTokenResponse, (b) => b.details);
const DELETE = operation('apiTokens.delete', 'DELETE', ApiTokenResponse, (b) => b.details);

/** `/api/v1/api_token`: the account's API tokens, as the official CLI's `api_tokens` commands call them (account-scoped tokens). */
export class ApiTokens {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** POST /api/v1/api_token with `{"details": {...}, "idempotency_key": "..."}`: the token and its secret, once. */
  create(params: CreateApiTokenParams, options?: CallOptions): Promise<CreatedApiToken> {
    const details: Record<string, unknown> = { token_scope: params.token_scope };
    for (const field of ['agent_id', 'environment_id', 'expires_at', 'account_id'] as const)
      if (params[field] != null) details[field] = params[field];
    const idempotency_key = idempotencyKeyFor(CREATE.name, params.idempotency_key);
    return this.#core.call(CREATE, '/api/v1/api_token', { details, idempotency_key }, options);
  }

  /** GET /api/v1/api_token/{api_token_id} */
  get(apiTokenId: string, options?: CallOptions): Promise<ApiToken> {
    return this.#core.call(GET, `/api/v1/api_token/${pathSegment(GET.name, 'api_token_id', apiTokenId)}`, undefined, options);
  }

  /** GET /api/v1/api_token (`account_id`, and `pagination[…]`, `sorting[…]` when given); oldest first by default. */
  list(params: ListApiTokensParams = {}, options?: CallOptions): Promise<ApiToken[]> {
    const query = new URLSearchParams();
    if (params.account_id !== undefined) query.set('account_id', params.account_id);
    setListParams(query, params);
    return this.#core.call(LIST, `/api/v1/api_token${queryString(query)}`, undefined, options);
  }

  /** POST /api/v1/api_token/{id}/suspend: refused by every server process until activated. */
  suspend(apiTokenId: string, params: ApiTokenActionParams = {}, options?: CallOptions): Promise<ApiToken> {
    return this.#action(SUSPEND, apiTokenId, '/suspend', params, options);
  }

  /** POST /api/v1/api_token/{id}/activate: a suspended token is accepted again (a revoked or expired one: 409). */
  activate(apiTokenId: string, params: ApiTokenActionParams = {}, options?: CallOptions): Promise<ApiToken> {
    return this.#action(ACTIVATE, apiTokenId, '/activate', params, options);
  }

  /** POST /api/v1/api_token/{id}/revoke: refused for good. */
  revoke(apiTokenId: string, params: ApiTokenActionParams = {}, options?: CallOptions): Promise<ApiToken> {
    return this.#action(REVOKE, apiTokenId, '/revoke', params, options);
  }

  /** DELETE /api/v1/api_token/{id}: returns the token as it was. */
  delete(apiTokenId: string, params: ApiTokenActionParams = {}, options?: CallOptions): Promise<ApiToken> {
    return this.#action(DELETE, apiTokenId, '', params, options);
  }

  #action(op: typeof SUSPEND, apiTokenId: string, suffix: string, params: ApiTokenActionParams, options?: CallOptions): Promise<ApiToken> {
    const path = `/api/v1/api_token/${pathSegment(op.name, 'api_token_id', apiTokenId)}${suffix}`;
    const idempotency_key = idempotencyKeyFor(op.name, params.idempotency_key);
    return this.#core.call(op, path, { idempotency_key }, options);
  }
}
