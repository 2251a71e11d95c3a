import {
  EnvironmentListResponse,
  EnvironmentResponse,
  type Environment,
  type EnvironmentPurpose,
  type EnvironmentSortField,
} from '@agentspan/protocol';
import type { HttpCore } from '../http-core.js';
import { idempotencyKeyFor } from '../idempotency.js';
import { queryString, setListParams, type ListPageParams } from '../list-query.js';
import { operation, type CallOptions } from '../operation.js';
import { pathSegment } from '../path-segment.js';

export interface CreateEnvironmentParams {
  name: string;
  /** `development` when absent. */
  purpose?: EnvironmentPurpose | null;
  description?: string | null;
  id?: string | null;
  /** The token's account; other accounts are refused. */
  account_id?: string | null;
  idempotency_key?: string | null;
}

/** Only the fields given change; `description: null` is sent and clears it. */
export interface UpdateEnvironmentParams {
  name?: string;
  purpose?: EnvironmentPurpose;
  description?: string | null;
  idempotency_key?: string | null;
}

export interface ListEnvironmentsParams extends ListPageParams<EnvironmentSortField> {
  account_id?: string;
}

export interface EnvironmentActionParams {
  idempotency_key?: string | null;
}

const CREATE = operation('environments.create', 'POST', EnvironmentResponse, (b) => b.details);
const GET = operation('environments.get', 'GET', EnvironmentResponse, (b) => b.details);
const LIST = operation('environments.list', 'GET', EnvironmentListResponse, (b) => b.summaries);
const UPDATE = operation('environments.update', 'PUT', EnvironmentResponse, (b) => b.details);
const DELETE = operation('environments.delete', 'DELETE', EnvironmentResponse, (b) => b.details);

/** `/api/v1/environment`: the account's environments, as the official CLI's `environments` commands call them (account-scoped tokens). */
export class Environments {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** POST /api/v1/environment with `{"details": {...}, "idempotency_key": "..."}`. */
  create(params: CreateEnvironmentParams, options?: CallOptions): Promise<Environment> {
    const details: Record<string, unknown> = { name: params.name };
    for (const field of ['purpose', 'description', 'id', 'account_id'] as const) if (params[field] != null) details[field] = params[field];
    const idempotency_key = idempotencyKeyFor(CREATE.name, params.idempotency_key);
    return this.#core.call(CREATE, '/api/v1/environment', { details, idempotency_key }, options);
  }

  /** GET /api/v1/environment/{environment_id} */
  get(environmentId: string, options?: CallOptions): Promise<Environment> {
    return this.#core.call(GET, `/api/v1/environment/${pathSegment(GET.name, 'environment_id', environmentId)}`, undefined, options);
  }

  /** One page of GET /api/v1/environment (`account_id`, `pagination[…]`, `sorting[…]`); oldest first by default. */
  list(params: ListEnvironmentsParams = {}, options?: CallOptions): Promise<Environment[]> {
    const query = new URLSearchParams();
    if (params.account_id !== undefined) query.set('account_id', params.account_id);
    setListParams(query, params);
    return this.#core.call(LIST, `/api/v1/environment${queryString(query)}`, undefined, options);
  }

  /** PUT /api/v1/environment/{environment_id} with `{"details": {the fields given}, …}`. */
  update(environmentId: string, params: UpdateEnvironmentParams, options?: CallOptions): Promise<Environment> {
    const path = `/api/v1/environment/${pathSegment(UPDATE.name, 'environment_id', environmentId)}`;
    const details: Record<string, unknown> = {};
    for (const field of ['name', 'purpose', 'description'] as const) if (params[field] !== undefined) details[field] = params[field];
    const idempotency_key = idempotencyKeyFor(UPDATE.name, params.idempotency_key);
    return this.#core.call(UPDATE, path, { details, idempotency_key }, options);
  }

  /** DELETE /api/v1/environment/{environment_id}: only one no deployment or instance refers to; returns it as it was. */
  delete(environmentId: string, params: EnvironmentActionParams = {}, options?: CallOptions): Promise<Environment> {
    const path = `/api/v1/environment/${pathSegment(DELETE.name, 'environment_id', environmentId)}`;
    const idempotency_key = idempotencyKeyFor(DELETE.name, params.idempotency_key);
    return this.#core.call(DELETE, path, { idempotency_key }, options);
  }
}
