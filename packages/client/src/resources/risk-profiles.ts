import {
  RiskProfileListResponse,
  RiskProfileResponse,
  type ActionSettingsInput,
  type CategorySettingsInput,
  type RiskProfile,
  type RiskProfileSortField,
  type RiskThresholds,
} from '@agentspan/protocol';
import type { HttpCore } from '../http-core.js';
import { idempotencyKeyFor } from '../idempotency.js';
import { queryString, setListParams, type ListPageParams } from '../list-query.js';
import { operation, type CallOptions } from '../operation.js';
import { pathSegment } from '../path-segment.js';

export interface CreateRiskProfileParams {
  name: string;
  description?: string | null;
  /** Any of the 17 categories; one left out is `{weight: 0, included: false}`. */
  categories?: CategorySettingsInput;
  /** Any of the 6 actions; one left out is `{multiplier: 1, included: false}`. */
  actions?: ActionSettingsInput;
  /** Positive and strictly increasing: medium < high < critical. */
  thresholds: RiskThresholds;
  id?: string | null;
  idempotency_key?: string | null;
}

/** Only what is given changes, down to one field of one category, action or threshold; `description: null` clears it. */
export interface UpdateRiskProfileParams {
  name?: string;
  description?: string | null;
  categories?: CategorySettingsInput;
  actions?: ActionSettingsInput;
  thresholds?: Partial<RiskThresholds>;
  idempotency_key?: string | null;
}

export interface ListRiskProfilesParams extends ListPageParams<RiskProfileSortField> {
  /** Archived profiles too (left out by default). */
  include_archived?: boolean;
}

export interface RiskProfileActionParams {
  idempotency_key?: string | null;
}

const CREATE = operation('riskProfiles.create', 'POST', RiskProfileResponse, (b) => b.details);
const GET = operation('riskProfiles.get', 'GET', RiskProfileResponse, (b) => b.details);
const LIST = operation('riskProfiles.list', 'GET', RiskProfileListResponse, (b) => b.summaries);
const UPDATE = operation('riskProfiles.update', 'PUT', RiskProfileResponse, (b) => b.details);
const ARCHIVE = operation('riskProfiles.archive', 'DELETE', RiskProfileResponse, (b) => b.details);

const FIELDS = ['name', 'description', 'categories', 'actions', 'thresholds'] as const;

/** `/api/v1/risk_profile`: the account's risk profiles, which its agents' runs are scored against (account-scoped tokens). */
export class RiskProfiles {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** POST /api/v1/risk_profile with `{"details": {...}, "idempotency_key": "..."}`. */
  create(params: CreateRiskProfileParams, options?: CallOptions): Promise<RiskProfile> {
    const details: Record<string, unknown> = {};
    for (const field of [...FIELDS, 'id'] as const) if (params[field] != null) details[field] = params[field];
    const idempotency_key = idempotencyKeyFor(CREATE.name, params.idempotency_key);
    return this.#core.call(CREATE, '/api/v1/risk_profile', { details, idempotency_key }, options);
  }

  /** GET /api/v1/risk_profile/{risk_profile_id}: archived ones too. */
  get(riskProfileId: string, options?: CallOptions): Promise<RiskProfile> {
    return this.#core.call(GET, `/api/v1/risk_profile/${pathSegment(GET.name, 'risk_profile_id', riskProfileId)}`, undefined, options);
  }

  /** One page of GET /api/v1/risk_profile (`include_archived`, `pagination[…]`, `sorting[…]`); oldest first by default. */
  list(params: ListRiskProfilesParams = {}, options?: CallOptions): Promise<RiskProfile[]> {
    const query = new URLSearchParams();
    if (params.include_archived !== undefined) query.set('include_archived', String(params.include_archived));
    setListParams(query, params);
    return this.#core.call(LIST, `/api/v1/risk_profile${queryString(query)}`, undefined, options);
  }

  /** PUT /api/v1/risk_profile/{risk_profile_id} with `{"details": {the fields given}, …}`. */
  update(riskProfileId: string, params: UpdateRiskProfileParams, options?: CallOptions): Promise<RiskProfile> {
    const path = `/api/v1/risk_profile/${pathSegment(UPDATE.name, 'risk_profile_id', riskProfileId)}`;
    const details: Record<string, unknown> = {};
    for (const field of FIELDS) if (params[field] !== undefined) details[field] = params[field];
    const idempotency_key = idempotencyKeyFor(UPDATE.name, params.idempotency_key);
    return this.#core.call(UPDATE, path, { details, idempotency_key }, options);
  }

  /** DELETE /api/v1/risk_profile/{risk_profile_id}: archives it (still readable, no longer assignable); returns it archived. */
  archive(riskProfileId: string, params: RiskProfileActionParams = {}, options?: CallOptions): Promise<RiskProfile> {
    const path = `/api/v1/risk_profile/${pathSegment(ARCHIVE.name, 'risk_profile_id', riskProfileId)}`;
    const idempotency_key = idempotencyKeyFor(ARCHIVE.name, params.idempotency_key);
    return this.#core.call(ARCHIVE, path, { idempotency_key }, options);
  }
}
