import {
  AgentSchemaVersionListPage,
  AgentSchemaVersionResponse,
  type AgentSchemaVersion,
  type AgentSchemaVersionForRegister,
  type AgentSchemaVersionSortField,
} from '@agentspan/protocol';
import type { HttpCore } from '../http-core.js';
import { idempotencyKeyFor } from '../idempotency.js';
import { queryString, setListParams, type ListPageParams } from '../list-query.js';
import { operation, type CallOptions } from '../operation.js';
import { pathSegment } from '../path-segment.js';

/** A schema document, as a registration's `agent_schema_version` declares it, for one agent under one external_identifier. */
export type CreateAgentSchemaVersionParams = Omit<AgentSchemaVersionForRegister, 'external_identifier'> & {
  agent_id: string;
  external_identifier: string;
  idempotency_key?: string | null;
};

export interface ListAgentSchemaVersionsParams extends ListPageParams<AgentSchemaVersionSortField> {
  agent_id: string;
}

const CREATE = operation('agentSchemaVersions.create', 'POST', AgentSchemaVersionResponse, (b) => b.details);
const GET = operation('agentSchemaVersions.get', 'GET', AgentSchemaVersionResponse, (b) => b.details);
const LIST = operation('agentSchemaVersions.list', 'GET', AgentSchemaVersionListPage, (b) => b.summaries);

/** `/api/v1/agent_schema_version`: an agent's schema versions, as the official CLI's `agent_schema_versions` commands call them. */
export class AgentSchemaVersions {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /**
   * POST /api/v1/agent_schema_version with `{"details": {...}, "idempotency_key": "..."}` (account-scoped
   * tokens): the stored version when the agent has this document under this external_identifier, a new one otherwise.
   */
  create(params: CreateAgentSchemaVersionParams, options?: CallOptions): Promise<AgentSchemaVersion> {
    const { idempotency_key: key, ...given } = params;
    const details: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(given)) if (value != null) details[name] = value;
    const idempotency_key = idempotencyKeyFor(CREATE.name, key);
    return this.#core.call(CREATE, '/api/v1/agent_schema_version', { details, idempotency_key }, options);
  }

  /** GET /api/v1/agent_schema_version/{agent_schema_version_id} */
  get(agentSchemaVersionId: string, options?: CallOptions): Promise<AgentSchemaVersion> {
    const id = pathSegment(GET.name, 'agent_schema_version_id', agentSchemaVersionId);
    return this.#core.call(GET, `/api/v1/agent_schema_version/${id}`, undefined, options);
  }

  /** One page of GET /api/v1/agent_schema_version?agent_id=… (`pagination[…]`, `sorting[…]`); oldest first by default. */
  list(params: ListAgentSchemaVersionsParams, options?: CallOptions): Promise<AgentSchemaVersion[]> {
    // Always a list page: without list parameters the server answers the CLI's plain `details` list.
    const query = new URLSearchParams({ agent_id: params.agent_id, 'pagination[offset]': String(params.offset ?? 0) });
    setListParams(query, params);
    return this.#core.call(LIST, `/api/v1/agent_schema_version${queryString(query)}`, undefined, options);
  }
}
