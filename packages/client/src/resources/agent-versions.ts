import { AgentVersionListResponse, AgentVersionResponse, type AgentVersion, type AgentVersionSortField } from '@agentspan/protocol';
import type { HttpCore } from '../http-core.js';
import { idempotencyKeyFor } from '../idempotency.js';
import { queryString, setListParams, type ListPageParams } from '../list-query.js';
import { operation, type CallOptions } from '../operation.js';
import { pathSegment } from '../path-segment.js';

export interface CreateAgentVersionParams {
  agent_id: string;
  external_identifier: string;
  /** The external_identifier when absent. */
  name?: string | null;
  description?: string | null;
  /** The agent's schema version its runs are scored against when they arrive as OTLP traces. */
  agent_schema_version_id?: string | null;
  id?: string | null;
  idempotency_key?: string | null;
}

export interface ListAgentVersionsParams extends ListPageParams<AgentVersionSortField> {
  agent_id: string;
}

const CREATE = operation('agentVersions.create', 'POST', AgentVersionResponse, (b) => b.details);
const GET = operation('agentVersions.get', 'GET', AgentVersionResponse, (b) => b.details);
const LIST = operation('agentVersions.list', 'GET', AgentVersionListResponse, (b) => b.summaries);

/** `/api/v1/agent_version`: an agent's versions, as the official CLI's `agent_versions` commands call them. */
export class AgentVersions {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** POST /api/v1/agent_version with `{"details": {...}, "idempotency_key": "..."}` (account-scoped tokens). */
  create(params: CreateAgentVersionParams, options?: CallOptions): Promise<AgentVersion> {
    const details: Record<string, unknown> = { agent_id: params.agent_id, external_identifier: params.external_identifier };
    for (const field of ['name', 'description', 'agent_schema_version_id', 'id'] as const) if (params[field] != null) details[field] = params[field];
    const idempotency_key = idempotencyKeyFor(CREATE.name, params.idempotency_key);
    return this.#core.call(CREATE, '/api/v1/agent_version', { details, idempotency_key }, options);
  }

  /** GET /api/v1/agent_version/{agent_version_id} */
  get(agentVersionId: string, options?: CallOptions): Promise<AgentVersion> {
    return this.#core.call(GET, `/api/v1/agent_version/${pathSegment(GET.name, 'agent_version_id', agentVersionId)}`, undefined, options);
  }

  /** One page of GET /api/v1/agent_version?agent_id=… (`pagination[…]`, `sorting[…]`); oldest first by default. */
  list(params: ListAgentVersionsParams, options?: CallOptions): Promise<AgentVersion[]> {
    const query = new URLSearchParams({ agent_id: params.agent_id });
    setListParams(query, params);
    return this.#core.call(LIST, `/api/v1/agent_version${queryString(query)}`, undefined, options);
  }
}
