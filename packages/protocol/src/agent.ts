import { Type, type Static } from '@sinclair/typebox';
import { IdempotencyKey, Nullable, OptionalNullable, PlainText, SPAN_ID_PATTERN, Timestamp } from './common.js';
import { OffsetPagination, Sorting, Success } from './envelopes.js';

export const AGENT_STATUSES = ['pending', 'active', 'dormant', 'retired'] as const;

export const Agent = Type.Object({
  type: Type.Literal('agent'),
  id: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  external_identifier: Nullable(Type.String()),
  status: Type.Union(AGENT_STATUSES.map((s) => Type.Literal(s))),
  inserted_at: Timestamp,
  updated_at: Timestamp,
});
export type Agent = Static<typeof Agent>;

export const AgentForCreate = Type.Object({
  name: PlainText({ minLength: 1, maxLength: 200 }),
  description: OptionalNullable(PlainText()),
  external_identifier: OptionalNullable(PlainText({ minLength: 1, maxLength: 200 })),
  id: OptionalNullable(Type.String({ pattern: SPAN_ID_PATTERN })),
});
export type AgentForCreate = Static<typeof AgentForCreate>;

/** POST /api/v1/agent */
export const CreateAgentBody = Type.Object({
  details: AgentForCreate,
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type CreateAgentBody = Static<typeof CreateAgentBody>;

export const AgentIdParams = Type.Object({ agent_id: PlainText({ minLength: 1 }) });

export const MAX_AGENT_PAGE_SIZE = 100;

/** GET /api/v1/agent — `pagination[offset]` and `pagination[page_size]` as the Python client sends them. */
export const ListAgentsQuery = Type.Object({
  'pagination[offset]': Type.Optional(Type.Integer({ minimum: 0 })),
  'pagination[page_size]': Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_AGENT_PAGE_SIZE })),
  sorting: Type.Optional(Type.String()),
});
export type ListAgentsQuery = Static<typeof ListAgentsQuery>;

export const AgentResponse = Success(Agent);
export type AgentResponse = Static<typeof AgentResponse>;

export const AgentListResponse = Type.Object({
  status: Type.Literal('success'),
  summaries: Type.Array(Agent),
  pagination: Nullable(OffsetPagination),
  sorting: Nullable(Sorting),
});
export type AgentListResponse = Static<typeof AgentListResponse>;
