import { AgentListResponse, AgentResponse, type Agent } from '@agentspan/protocol';
import type { HttpCore } from '../http-core.js';
import { idempotencyKeyFor } from '../idempotency.js';
import { operation, type CallOptions } from '../operation.js';
import { pathSegment } from '../path-segment.js';

export interface CreateAgentParams {
  name: string;
  description?: string | null;
  external_identifier?: string | null;
  id?: string | null;
  idempotency_key?: string | null;
}

export interface ListAgentsParams {
  /** Zero-based offset of the first agent. */
  offset?: number;
  /** Agents per page (1-100). */
  page_size?: number;
  /** e.g. `"name"` or `"-inserted_at"`. */
  sorting?: string;
}

const CREATE = operation('agents.create', 'POST', AgentResponse, (b) => b.details);
const GET = operation('agents.get', 'GET', AgentResponse, (b) => b.details);
const LIST = operation('agents.list', 'GET', AgentListResponse, (b) => b.summaries);

/** `/api/v1/agent`: enough for account-scoped registration flows. */
export class Agents {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** POST /api/v1/agent with `{"details": {...}, "idempotency_key": "..."}`. */
  async create(params: CreateAgentParams, options?: CallOptions): Promise<Agent> {
    const details: Record<string, unknown> = { name: params.name };
    if (params.description != null) details.description = params.description;
    if (params.external_identifier != null) details.external_identifier = params.external_identifier;
    if (params.id != null) details.id = params.id;
    const idempotency_key = idempotencyKeyFor(CREATE.name, params.idempotency_key);
    return this.#core.call(CREATE, '/api/v1/agent', { details, idempotency_key }, options);
  }

  /** GET /api/v1/agent/{agent_id} */
  async get(agentId: string, options?: CallOptions): Promise<Agent> {
    return this.#core.call(GET, `/api/v1/agent/${pathSegment(GET.name, 'agent_id', agentId)}`, undefined, options);
  }

  /** One page of GET /api/v1/agent (`pagination[offset]`, `pagination[page_size]`, `sorting`). */
  async list(params: ListAgentsParams = {}, options?: CallOptions): Promise<Agent[]> {
    const query = new URLSearchParams();
    if (params.sorting !== undefined) query.set('sorting', params.sorting);
    if (params.offset !== undefined) query.set('pagination[offset]', String(params.offset));
    if (params.page_size !== undefined) query.set('pagination[page_size]', String(params.page_size));
    const search = query.size === 0 ? '' : `?${query}`;
    return this.#core.call(LIST, `/api/v1/agent${search}`, undefined, options);
  }
}
