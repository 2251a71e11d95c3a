import {
  AgentSpanGetResponse,
  AgentSpanListResponse,
  AgentSpanOutlineListResponse,
  AgentSpanResponse,
  CreateTestSpansResponse,
  MAX_TEST_SPAN_COUNT,
  type AgentSpan,
  type AgentSpanOutline,
  type FinishStatus,
  type SpanStatus,
} from '@agentspan/protocol';
import { everyPage } from '../cursor-pages.js';
import { PrefactorClientError } from '../errors/client-error.js';
import type { HttpCore } from '../http-core.js';
import { idempotencyKeyFor } from '../idempotency.js';
import { operation, type CallOptions, type SpanCallOptions } from '../operation.js';
import { pathSegment } from '../path-segment.js';
import { optionalWireTime, wireTime, type Time } from '../wire-time.js';

type JsonObject = Record<string, unknown>;

/** The seed's `AgentSpanClient.create` parameters, under their seed names. */
export interface CreateAgentSpanParams {
  agent_instance_id: string;
  schema_name: string;
  status: SpanStatus;
  /** Sent as `{}` when absent. */
  payload?: JsonObject | null;
  result_payload?: JsonObject | null;
  id?: string | null;
  parent_span_id?: string | null;
  started_at?: Time | null;
  finished_at?: Time | null;
  /** 1-64 characters; one is generated when absent. */
  idempotency_key?: string | null;
}

/** Prefactor's `agent_spans create_test_spans` arguments. */
export interface CreateTestSpansParams {
  agent_instance_id: string;
  /** 1-100; the server makes 3 when absent. */
  count?: number | null;
  /** The span they are children of; absent, they are root spans. */
  parent_span_id?: string | null;
  /** 1-64 characters; one is generated when absent. */
  idempotency_key?: string | null;
}

export interface FinishAgentSpanParams {
  /** The server's default is `complete`. */
  status?: FinishStatus | null;
  result_payload?: JsonObject | null;
  /** The server's default is now. */
  timestamp?: Time | null;
  idempotency_key?: string | null;
}

export interface ListAgentSpansParams {
  agent_instance_id: string;
  /** Only the children of this span. */
  parent_span_id?: string;
  start_time?: Time;
  end_time?: Time;
  include_summaries?: boolean;
  /** `true`: each span carries `risk_score` and `risk_level` (its type's score under the agent's current profile). */
  include_risk_level?: boolean;
  /** `true`: each span carries `usage`, `cost_usd` and `unpriced_models` (its tokens priced at the account's current prices). */
  include_usage?: boolean;
  /** Spans per page (the server caps it). */
  limit?: number;
}

export interface ListAgentSpansPageParams extends ListAgentSpansParams {
  /** `nextCursor` of the previous page; absent for the first page. */
  cursor?: string | null;
}

export interface AgentSpanPage {
  spans: AgentSpan[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** A page of spans without `payload` and `result_payload`. */
export interface AgentSpanOutlinePage {
  spans: AgentSpanOutline[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

const CREATE = operation('agentSpans.create', 'POST', AgentSpanResponse, (body) => body.details);
const FINISH = operation('agentSpans.finish', 'POST', AgentSpanResponse, (body) => body.details);
const CREATE_TEST_SPANS = operation('agentSpans.createTestSpans', 'POST', CreateTestSpansResponse, (body) => body.details);
const GET = operation('agentSpans.get', 'GET', AgentSpanGetResponse, (body) => body.details);
const LIST = operation('agentSpans.list', 'GET', AgentSpanListResponse, (body): AgentSpanPage => ({
  spans: body.details,
  nextCursor: body.pagination.next_cursor,
}));
const LIST_OUTLINES = operation('agentSpans.listOutlines', 'GET', AgentSpanOutlineListResponse, (body): AgentSpanOutlinePage => ({
  spans: body.details,
  nextCursor: body.pagination.next_cursor,
}));

/** The listing's query string; `name` is the calling method's, for error messages. */
function listQuery(name: string, params: ListAgentSpansPageParams): URLSearchParams {
  const query = new URLSearchParams({ agent_instance_id: params.agent_instance_id });
  const start = optionalWireTime(name, 'start_time', params.start_time);
  const end = optionalWireTime(name, 'end_time', params.end_time);
  if (start !== undefined) query.set('start_time', start);
  if (end !== undefined) query.set('end_time', end);
  if (params.parent_span_id !== undefined) query.set('parent_span_id', params.parent_span_id);
  if (params.include_summaries !== undefined) query.set('include_summaries', String(params.include_summaries));
  if (params.include_risk_level !== undefined) query.set('include_risk_level', String(params.include_risk_level));
  if (params.include_usage !== undefined) query.set('include_usage', String(params.include_usage));
  if (params.limit !== undefined) query.set('limit', String(params.limit));
  if (params.cursor != null) query.set('cursor', params.cursor);
  return query;
}

/** POST/GET `/api/v1/agent_spans`: the seed's AgentSpanClient plus reads. */
export class AgentSpans {
  readonly #core: HttpCore;

  constructor(core: HttpCore) {
    this.#core = core;
  }

  /** POST /api/v1/agent_spans with `{"details": {...}}`; the idempotency key travels inside `details`. */
  async create(params: CreateAgentSpanParams, options?: SpanCallOptions): Promise<AgentSpan> {
    const name = CREATE.name;
    const details: JsonObject = {
      agent_instance_id: params.agent_instance_id,
      schema_name: params.schema_name,
      status: params.status,
      payload: params.payload ?? {},
    };
    if (params.result_payload != null) details.result_payload = params.result_payload;
    if (params.id != null) details.id = params.id;
    if (params.parent_span_id != null) details.parent_span_id = params.parent_span_id;
    if (params.started_at != null) details.started_at = wireTime(name, 'started_at', params.started_at);
    if (params.finished_at != null) details.finished_at = wireTime(name, 'finished_at', params.finished_at);
    details.idempotency_key = idempotencyKeyFor(name, params.idempotency_key);
    return this.#core.call(CREATE, '/api/v1/agent_spans', { details }, options);
  }

  /**
   * POST /api/v1/agent_spans/create_test_spans with the flat body Prefactor's CLI sends: finished
   * test spans in an open instance, to see spans arrive before the agent runs. Answers them in order.
   */
  async createTestSpans(params: CreateTestSpansParams, options?: CallOptions): Promise<AgentSpan[]> {
    const name = CREATE_TEST_SPANS.name;
    const body: JsonObject = { agent_instance_id: params.agent_instance_id };
    if (params.count != null) {
      const count: unknown = params.count;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_TEST_SPAN_COUNT) {
        throw new PrefactorClientError(`${name}: count must be an integer from 1 to ${MAX_TEST_SPAN_COUNT}; got ${String(count)}`);
      }
      body.count = count;
    }
    if (params.parent_span_id != null) body.parent_span_id = params.parent_span_id;
    body.idempotency_key = idempotencyKeyFor(name, params.idempotency_key);
    return this.#core.call(CREATE_TEST_SPANS, '/api/v1/agent_spans/create_test_spans', body, options);
  }

  /** POST /api/v1/agent_spans/{agent_span_id}/finish with the flat body. */
  async finish(agentSpanId: string, params: FinishAgentSpanParams = {}, options?: SpanCallOptions): Promise<AgentSpan> {
    const name = FINISH.name;
    const path = `/api/v1/agent_spans/${pathSegment(name, 'agent_span_id', agentSpanId)}/finish`;
    const body: JsonObject = {};
    if (params.status != null) body.status = params.status;
    if (params.result_payload != null) body.result_payload = params.result_payload;
    if (params.timestamp != null) body.timestamp = wireTime(name, 'timestamp', params.timestamp);
    body.idempotency_key = idempotencyKeyFor(name, params.idempotency_key);
    return this.#core.call(FINISH, path, body, options);
  }

  /** GET /api/v1/agent_spans/{id} */
  async get(agentSpanId: string, options?: CallOptions): Promise<AgentSpan> {
    const path = `/api/v1/agent_spans/${pathSegment(GET.name, 'agent_span_id', agentSpanId)}`;
    return this.#core.call(GET, path, undefined, options);
  }

  /** GET /api/v1/agent_spans/{id}?include_risk_level=true: the span with its type's `risk_score` and `risk_level`. */
  async getWithRisk(agentSpanId: string, options?: CallOptions): Promise<AgentSpan> {
    const path = `/api/v1/agent_spans/${pathSegment(GET.name, 'agent_span_id', agentSpanId)}?include_risk_level=true`;
    return this.#core.call(GET, path, undefined, options);
  }

  /**
   * GET /api/v1/agent_spans/{id}?include_usage=true: the span with its own `usage` (null when it
   * carries none), its `cost_usd` at the account's current prices (null when unpriced or without
   * usage) and the `unpriced_models` that leaves out.
   */
  async getWithUsage(agentSpanId: string, options?: CallOptions): Promise<AgentSpan> {
    const path = `/api/v1/agent_spans/${pathSegment(GET.name, 'agent_span_id', agentSpanId)}?include_usage=true`;
    return this.#core.call(GET, path, undefined, options);
  }

  /** One page of GET /api/v1/agent_spans, ordered by `started_at`. */
  async listPage(params: ListAgentSpansPageParams, options?: CallOptions): Promise<AgentSpanPage> {
    return this.#core.call(LIST, `/api/v1/agent_spans?${listQuery(LIST.name, params)}`, undefined, options);
  }

  /** Every span of the instance, fetching page after page as the loop asks for more. */
  list(params: ListAgentSpansParams, options?: CallOptions): AsyncGenerator<AgentSpan, void, undefined> {
    return everyPage(LIST.name, async (cursor) => {
      const page = await this.listPage({ ...params, cursor }, options);
      return { items: page.spans, nextCursor: page.nextCursor };
    });
  }

  /**
   * One page of the same listing as outlines (`include_payloads=false`): each span without
   * `payload` and `result_payload`, in the same order and with the same cursors. For showing the
   * tree of a big instance; read a span's payloads with `get` when they are needed.
   */
  async listOutlinesPage(params: ListAgentSpansPageParams, options?: CallOptions): Promise<AgentSpanOutlinePage> {
    const query = listQuery(LIST_OUTLINES.name, params);
    query.set('include_payloads', 'false');
    return this.#core.call(LIST_OUTLINES, `/api/v1/agent_spans?${query}`, undefined, options);
  }

  /** Every span of the instance as an outline, page after page. */
  listOutlines(params: ListAgentSpansParams, options?: CallOptions): AsyncGenerator<AgentSpanOutline, void, undefined> {
    return everyPage(LIST_OUTLINES.name, async (cursor) => {
      const page = await this.listOutlinesPage({ ...params, cursor }, options);
      return { items: page.spans, nextCursor: page.nextCursor };
    });
  }
}
