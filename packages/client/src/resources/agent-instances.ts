import {
  AgentInstanceListPage,
  AgentInstanceListResponse,
  AgentInstanceResponse,
  InstanceRiskResponse,
  type AgentInstance,
  type InstanceRisk,
  type RiskLevel,
  type InstanceStatus,
  type ListedAgentInstance,
  type AgentSchemaVersionForRegister,
  type AgentVersionForRegister,
  type FinishStatus,
  type InstancePurpose,
  type InstanceSortField,
  type ListPage,
} from '@agentspan/protocol';
import { everyPage } from '../cursor-pages.js';
import type { HttpCore } from '../http-core.js';
import { idempotencyKeyFor } from '../idempotency.js';
import { queryString, setListParams, type ListPageParams } from '../list-query.js';
import { operation, type CallOptions } from '../operation.js';
import { pathSegment } from '../path-segment.js';
import { optionalWireTime, type Time } from '../wire-time.js';

type JsonObject = Record<string, unknown>;

export interface RegisterAgentInstanceParams {
  agent_version: AgentVersionForRegister;
  agent_schema_version: AgentSchemaVersionForRegister;
  /** Required with an account-scoped token; derived from a deployment-scoped one. */
  agent_id?: string | null;
  environment_id?: string | null;
  id?: string | null;
  idempotency_key?: string | null;
  /** Make this version the deployment's current one; true unless set to false. */
  update_current_version?: boolean;
  purpose?: InstancePurpose | null;
}

export interface StartAgentInstanceParams {
  timestamp?: Time | null;
  idempotency_key?: string | null;
}

export interface FinishAgentInstanceParams {
  status?: FinishStatus | null;
  timestamp?: Time | null;
  idempotency_key?: string | null;
}

export interface RecordQualityParams {
  name: string;
  /** null removes the payload recorded under `name`. */
  payload: JsonObject | null;
  idempotency_key?: string | null;
}

export interface TerminateAgentInstanceParams {
  reason: string;
  idempotency_key?: string | null;
}

export interface ListAgentInstancesParams {
  agent_id?: string;
  /** Only instances of this environment. */
  environment_id?: string;
  status?: InstanceStatus;
  /** Bounds on started_at (inserted_at while pending), inclusive. */
  since?: Time;
  until?: Time;
  /** Words that must each begin a word of one of the instance's span schema names or summaries. */
  q?: string;
  /** Only runs scored in one of these levels (runs not assessed are left out). */
  risk_level?: readonly RiskLevel[];
  /** Instances per page (1-200). */
  limit?: number;
}

/**
 * An offset page of the list in the order asked for: `sorting.field` one of `started_at` (the
 * default, newest first), `id`, `cost_usd`, `duration_ms`, `total_tokens` (runs without a cost or a
 * duration last either way); `page_size` 1-100.
 */
export interface SortedAgentInstancesParams extends Omit<ListAgentInstancesParams, 'limit'>, ListPageParams<InstanceSortField> {}

export interface ListAgentInstancesPageParams extends ListAgentInstancesParams {
  /** `nextCursor` of the previous page; absent for the first page. */
  cursor?: string | null;
}

export interface AgentInstancePage {
  instances: ListedAgentInstance[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

const LIST = operation('agentInstances.list', 'GET', AgentInstanceListResponse, (body): AgentInstancePage => ({
  instances: body.details,
  nextCursor: body.pagination.next_cursor,
}));
const SORTED = operation('agentInstances.sortedPage', 'GET', AgentInstanceListPage, (body) => body);
const REGISTER = operation('agentInstances.register', 'POST', AgentInstanceResponse, (b) => b.details);
const START = operation('agentInstances.start', 'POST', AgentInstanceResponse, (b) => b.details);
const FINISH = operation('agentInstances.finish', 'POST', AgentInstanceResponse, (b) => b.details);
const GET = operation('agentInstances.get', 'GET', AgentInstanceResponse, (b) => b.details);
const RECORD_QUALITY = operation('agentInstances.recordQuality', 'POST', AgentInstanceResponse, (b) => b.details);
const RISK = operation('agentInstances.risk', 'GET', InstanceRiskResponse, (b) => b.details);
const TERMINATE = operation('agentInstances.terminate', 'POST', AgentInstanceResponse, (b) => b.details);

/** The list's filters as query parameters. */
function filterQuery(opName: string, params: Omit<ListAgentInstancesParams, 'limit'>): URLSearchParams {
  const query = new URLSearchParams();
  for (const field of ['agent_id', 'environment_id', 'status', 'q'] as const) if (params[field] !== undefined) query.set(field, params[field]);
  for (const field of ['since', 'until'] as const) {
    const time = optionalWireTime(opName, field, params[field]);
    if (time !== undefined) query.set(field, time);
  }
  if (params.risk_level !== undefined) query.set('risk_level', params.risk_level.join(','));
  return query;
}

const instancePath = (opName: string, id: string, action = '') => `/api/v1/agent_instance/${pathSegment(opName, 'agent_instance_id', id)}${action}`;

/** `/api/v1/agent_instance/...`: one run of an agent. Idempotency keys sit at the top of each body. */
export class AgentInstances {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** POST /api/v1/agent_instance/register → an instance in `pending`. */
  async register(params: RegisterAgentInstanceParams, options?: CallOptions): Promise<AgentInstance> {
    const body: JsonObject = {
      agent_version: params.agent_version,
      agent_schema_version: params.agent_schema_version,
      update_current_version: params.update_current_version ?? true,
    };
    if (params.agent_id != null) body.agent_id = params.agent_id;
    if (params.environment_id != null) body.environment_id = params.environment_id;
    if (params.id != null) body.id = params.id;
    body.idempotency_key = idempotencyKeyFor(REGISTER.name, params.idempotency_key);
    if (params.purpose != null) body.purpose = params.purpose;
    return this.#core.call(REGISTER, '/api/v1/agent_instance/register', body, options);
  }

  /** POST .../{id}/start → `active`. `timestamp` is always sent, null meaning now. */
  async start(agentInstanceId: string, params: StartAgentInstanceParams = {}, options?: CallOptions): Promise<AgentInstance> {
    const path = instancePath(START.name, agentInstanceId, '/start');
    const body = {
      timestamp: optionalWireTime(START.name, 'timestamp', params.timestamp) ?? null,
      idempotency_key: idempotencyKeyFor(START.name, params.idempotency_key),
    };
    return this.#core.call(START, path, body, options);
  }

  /** POST .../{id}/finish; the server's default status is `complete`. */
  async finish(agentInstanceId: string, params: FinishAgentInstanceParams = {}, options?: CallOptions): Promise<AgentInstance> {
    const path = instancePath(FINISH.name, agentInstanceId, '/finish');
    const body: JsonObject = {};
    if (params.status != null) body.status = params.status;
    const timestamp = optionalWireTime(FINISH.name, 'timestamp', params.timestamp);
    if (timestamp !== undefined) body.timestamp = timestamp;
    body.idempotency_key = idempotencyKeyFor(FINISH.name, params.idempotency_key);
    return this.#core.call(FINISH, path, body, options);
  }

  /** GET .../{id}, with its span counts. */
  async get(agentInstanceId: string, options?: CallOptions): Promise<AgentInstance> {
    return this.#core.call(GET, instancePath(GET.name, agentInstanceId), undefined, options);
  }

  /**
   * GET .../{id}/risk: how the run's risk score is made under its agent's current profile (each
   * contributing span type's count, share, score per span and points); score null when not assessed.
   */
  async risk(agentInstanceId: string, options?: CallOptions): Promise<InstanceRisk> {
    return this.#core.call(RISK, instancePath(RISK.name, agentInstanceId, '/risk'), undefined, options);
  }

  /** One page of GET /api/v1/agent_instance: newest first, each with its span counts and agent name. */
  async listPage(params: ListAgentInstancesPageParams = {}, options?: CallOptions): Promise<AgentInstancePage> {
    const query = filterQuery(LIST.name, params);
    if (params.limit !== undefined) query.set('limit', String(params.limit));
    if (params.cursor != null) query.set('cursor', params.cursor);
    return this.#core.call(LIST, `/api/v1/agent_instance${query.size === 0 ? '' : `?${query}`}`, undefined, options);
  }

  /**
   * One offset page of GET /api/v1/agent_instance (`pagination[…]`, `sorting[…]`), e.g. the
   * costliest runs: `{sorting: {field: 'cost_usd', direction: 'desc'}}`. Costs are priced when read.
   */
  async sortedPage(params: SortedAgentInstancesParams = {}, options?: CallOptions): Promise<ListPage<ListedAgentInstance>> {
    const query = filterQuery(SORTED.name, params);
    setListParams(query, params);
    return this.#core.call(SORTED, `/api/v1/agent_instance${queryString(query)}`, undefined, options);
  }

  /** Every instance the filters select, newest first, fetching page after page as the loop asks for more. */
  list(params: ListAgentInstancesParams = {}, options?: CallOptions): AsyncGenerator<ListedAgentInstance, void, undefined> {
    return everyPage(LIST.name, async (cursor) => {
      const page = await this.listPage({ ...params, cursor }, options);
      return { items: page.instances, nextCursor: page.nextCursor };
    });
  }

  /** POST .../{id}/record_quality: sets, or with a null payload clears, one named quality payload. */
  async recordQuality(agentInstanceId: string, params: RecordQualityParams, options?: CallOptions): Promise<AgentInstance> {
    const path = instancePath(RECORD_QUALITY.name, agentInstanceId, '/record_quality');
    const body = {
      name: params.name,
      payload: params.payload ?? null,
      idempotency_key: idempotencyKeyFor(RECORD_QUALITY.name, params.idempotency_key),
    };
    return this.#core.call(RECORD_QUALITY, path, body, options);
  }

  /** POST .../{id}/terminate: an operator stops a running agent; its later span answers carry the control block. */
  async terminate(agentInstanceId: string, params: TerminateAgentInstanceParams, options?: CallOptions): Promise<AgentInstance> {
    const path = instancePath(TERMINATE.name, agentInstanceId, '/terminate');
    const body = {
      reason: params.reason,
      idempotency_key: idempotencyKeyFor(TERMINATE.name, params.idempotency_key),
    };
    return this.#core.call(TERMINATE, path, body, options);
  }
}
