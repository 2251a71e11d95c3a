import { AgentListResponse, AgentResponse, type Agent, type AgentSorting } from '@agentspan/protocol';
import type { HttpCore } from '../http-core.js';
import { idempotencyKeyFor } from '../idempotency.js';
import { operation, type CallOptions } from '../operation.js';
import { pathSegment } from '../path-segment.js';
import { PrefactorClientError } from '../errors/client-error.js';

/** Ids of the caller's own people, teams and risk profiles, kept on the agent as labels. */
export interface AgentLabels {
  owner_person_id?: string | null;
  risk_profile_id?: string | null;
  team_id?: string | null;
}

export interface CreateAgentParams extends AgentLabels {
  name: string;
  description?: string | null;
  external_identifier?: string | null;
  id?: string | null;
  idempotency_key?: string | null;
}

/**
 * Only the fields given change. Unlike elsewhere, `null` is sent: it clears `description` or a
 * label. `external_identifier` cannot change after create.
 */
export interface UpdateAgentParams extends AgentLabels {
  name?: string;
  description?: string | null;
  idempotency_key?: string | null;
}

export interface ListAgentsParams {
  /** Only agents with this label value. */
  owner_person_id?: string;
  risk_profile_id?: string;
  team_id?: string;
  /** `name`, `id` or `inserted_at`; a leading `-` sorts descending. Oldest first when absent. */
  sorting?: AgentSorting;
  /** Zero-based offset of the first agent. */
  offset?: number;
  /** Agents per page (1-100). */
  page_size?: number;
}

/** Exactly one of `agent_id` and `external_identifier`. */
export interface ShowAgentParams {
  agent_id?: string;
  external_identifier?: string;
  /** Scopes `instance_counts` to one environment. */
  environment_id?: string;
  /** Adds `instance_counts` to the answer. */
  include_counts?: boolean;
  /** Adds `risk_rollup`, `exceedances` (null without a risk profile) and `risk_distribution`, over `environment_id`'s runs when given. */
  include_risk_rollup?: boolean;
}

export interface AgentActionParams {
  idempotency_key?: string | null;
}

const CREATE = operation('agents.create', 'POST', AgentResponse, (b) => b.details);
const GET = operation('agents.get', 'GET', AgentResponse, (b) => b.details);
const LIST = operation('agents.list', 'GET', AgentListResponse, (b) => b.summaries);
const UPDATE = operation('agents.update', 'PUT', AgentResponse, (b) => b.details);
const SHOW = operation('agents.show', 'GET', AgentResponse, (b) => b.details);
const RETIRE = operation('agents.retire', 'POST', AgentResponse, (b) => b.details);
const REINSTATE = operation('agents.reinstate', 'POST', AgentResponse, (b) => b.details);
const DELETE = operation('agents.delete', 'DELETE', AgentResponse, (b) => b.details);

const LABELS = ['owner_person_id', 'risk_profile_id', 'team_id'] as const;

const queryString = (query: URLSearchParams) => (query.size === 0 ? '' : `?${query}`);

/** `/api/v1/agent`: the agents API of prefactor_http 0.4's `AgentClient`. */
export class Agents {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** POST /api/v1/agent with `{"details": {...}, "idempotency_key": "..."}`. */
  async create(params: CreateAgentParams, options?: CallOptions): Promise<Agent> {
    const details: Record<string, unknown> = { name: params.name };
    for (const field of ['description', 'external_identifier', 'id', ...LABELS] as const) {
      if (params[field] != null) details[field] = params[field];
    }
    const idempotency_key = idempotencyKeyFor(CREATE.name, params.idempotency_key);
    return this.#core.call(CREATE, '/api/v1/agent', { details, idempotency_key }, options);
  }

  /** GET /api/v1/agent/{agent_id} */
  async get(agentId: string, options?: CallOptions): Promise<Agent> {
    return this.#core.call(GET, `/api/v1/agent/${pathSegment(GET.name, 'agent_id', agentId)}`, undefined, options);
  }

  /** PUT /api/v1/agent/{agent_id} with `{"details": {the fields given}, "idempotency_key": "..."}`. */
  async update(agentId: string, params: UpdateAgentParams, options?: CallOptions): Promise<Agent> {
    const path = `/api/v1/agent/${pathSegment(UPDATE.name, 'agent_id', agentId)}`;
    const details: Record<string, unknown> = {};
    for (const field of ['name', 'description', ...LABELS] as const) if (params[field] !== undefined) details[field] = params[field];
    const idempotency_key = idempotencyKeyFor(UPDATE.name, params.idempotency_key);
    return this.#core.call(UPDATE, path, { details, idempotency_key }, options);
  }

  /** One page of GET /api/v1/agent (label filters, `sorting`, `pagination[offset]`, `pagination[page_size]`). */
  async list(params: ListAgentsParams = {}, options?: CallOptions): Promise<Agent[]> {
    const query = new URLSearchParams();
    for (const label of LABELS) if (params[label] !== undefined) query.set(label, params[label]);
    if (params.sorting !== undefined) query.set('sorting', params.sorting);
    if (params.offset !== undefined) query.set('pagination[offset]', String(params.offset));
    if (params.page_size !== undefined) query.set('pagination[page_size]', String(params.page_size));
    return this.#core.call(LIST, `/api/v1/agent${queryString(query)}`, undefined, options);
  }

  /** GET /api/v1/agent/show: one agent by `agent_id` or `external_identifier`, with `instance_counts` on request. */
  async show(params: ShowAgentParams, options?: CallOptions): Promise<Agent> {
    if ((params.agent_id === undefined) === (params.external_identifier === undefined)) {
      throw new PrefactorClientError(`${SHOW.name}: give exactly one of agent_id and external_identifier`);
    }
    const query = new URLSearchParams();
    for (const field of ['agent_id', 'external_identifier', 'environment_id'] as const) {
      if (params[field] !== undefined) query.set(field, params[field]);
    }
    if (params.include_counts) query.set('include_counts', 'true');
    if (params.include_risk_rollup) query.set('include_risk_rollup', 'true');
    return this.#core.call(SHOW, `/api/v1/agent/show${queryString(query)}`, undefined, options);
  }

  /** POST /api/v1/agent/{agent_id}/retire: the agent takes no new instances. */
  retire(agentId: string, params: AgentActionParams = {}, options?: CallOptions): Promise<Agent> {
    return this.#action(RETIRE, agentId, '/retire', params, options);
  }

  /** POST /api/v1/agent/{agent_id}/reinstate: a retired agent takes instances again. */
  reinstate(agentId: string, params: AgentActionParams = {}, options?: CallOptions): Promise<Agent> {
    return this.#action(REINSTATE, agentId, '/reinstate', params, options);
  }

  /** DELETE /api/v1/agent/{agent_id}: only an agent that never had an instance; returns it as it was. */
  delete(agentId: string, params: AgentActionParams = {}, options?: CallOptions): Promise<Agent> {
    return this.#action(DELETE, agentId, '', params, options);
  }

  async #action(op: typeof RETIRE, agentId: string, suffix: string, params: AgentActionParams, options?: CallOptions) {
    const path = `/api/v1/agent/${pathSegment(op.name, 'agent_id', agentId)}${suffix}`;
    const idempotency_key = idempotencyKeyFor(op.name, params.idempotency_key);
    return this.#core.call(op, path, { idempotency_key }, options);
  }
}
