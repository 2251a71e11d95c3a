// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type Static } from '@sinclair/typebox';
import {
  FinishStatusSchema,
  IdempotencyKey,
  InstanceStatusSchema,
  JsonObject,
  Nullable,
  OptionalNullable,
  PlainText,
  QueryCursor,
  QueryFilter,
  SPAN_ID_PATTERN,
  SpanStatusSchema,
  Timestamp,
  TimestampInput,
} from './common.js';
import { TokenUsage } from './agent-instance.js';
import { CursorPagination, Success, SuccessWithControl } from './envelopes.js';
import { ListPage, listQueryParams } from './listing.js';
import { RISK_LEVELS } from './risk-vocabulary.js';
import { literals } from './schema-builders.js';

/**
 * A span's own token usage (`include_usage=true`): its tokens by type (as `TokenUsage`) and the
 * model that spent them (null when the span names none). `sums_children` marks a span whose
 * tokens are the model calls beneath it (they carry their own), not calls of its own.
 */
export const SpanUsage = Type.Object({ model: Nullable(Type.String()), ...TokenUsage.properties, sums_children: Type.Boolean() });
export type SpanUsage = Static<typeof SpanUsage>;

export const AgentSpan = Type.Object({
  type: Type.Literal('agent_span'),
  id: Type.String(),
  account_id: Type.String(),
  agent_id: Type.String(),
  agent_instance_id: Type.String(),
  parent_span_id: Nullable(Type.String()),
  schema_name: Type.String(),
  schema_title: Nullable(Type.String()),
  status: InstanceStatusSchema,
  /**
   * Present only on a span stored unchecked: a schema its span type declares did not compile (see
   * the schema version's `*_schema_validation`), so its payloads were not validated.
   */
  schema_validation: Type.Optional(Type.Literal('unvalidated')),
  payload: JsonObject,
  result_payload: Nullable(JsonObject),
  summary: Nullable(Type.String()),
  started_at: Timestamp,
  inserted_at: Timestamp,
  updated_at: Timestamp,
  finished_at: Nullable(Timestamp),
  /** Only with `include_risk_level=true`: its type's score under the agent's current risk profile; null when not assessed. */
  risk_score: Type.Optional(Nullable(Type.Number({ minimum: 0 }))),
  /** Only with `include_risk_level=true`: the band `risk_score` falls in; null when not assessed. */
  risk_level: Type.Optional(Nullable(literals(RISK_LEVELS))),
  /** Only with `include_usage=true`: the span's token usage; null when it carries none. */
  usage: Type.Optional(Nullable(SpanUsage)),
  /**
   * Only with `include_usage=true`: `usage` in USD at the account's prices current when read; null
   * when the span has no usage or its model is unpriced (never $0 for an unpriced model).
   */
  cost_usd: Type.Optional(Nullable(Type.Number({ minimum: 0 }))),
  /** Only with `include_usage=true`: the model id `cost_usd` leaves unpriced (`(no model id)` when none is named); empty otherwise. */
  unpriced_models: Type.Optional(Type.Array(Type.String())),
});
export type AgentSpan = Static<typeof AgentSpan>;

export const SpanId = Type.String({ pattern: SPAN_ID_PATTERN });

/** Params of a span create: `details` of POST /agent_spans, and the flat params of a bulk item. */
export const CreateSpanParams = Type.Object({
  agent_instance_id: PlainText({ minLength: 1 }),
  schema_name: PlainText({ minLength: 1 }),
  status: SpanStatusSchema,
  payload: OptionalNullable(JsonObject),
  result_payload: OptionalNullable(JsonObject),
  id: OptionalNullable(SpanId),
  parent_span_id: OptionalNullable(PlainText({ minLength: 1 })),
  started_at: OptionalNullable(TimestampInput),
  finished_at: OptionalNullable(TimestampInput),
  idempotency_key: OptionalNullable(IdempotencyKey),
  sensitive_encoding: OptionalNullable(Type.Boolean()),
});
export type CreateSpanParams = Static<typeof CreateSpanParams>;

/** POST /api/v1/agent_spans. The official TS SDK puts `idempotency_key` at the top level. */
export const CreateSpanBody = Type.Object({
  details: CreateSpanParams,
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type CreateSpanBody = Static<typeof CreateSpanBody>;

/** POST /api/v1/agent_spans/{id}/finish */
export const FinishSpanBody = Type.Object({
  status: OptionalNullable(FinishStatusSchema),
  result_payload: OptionalNullable(JsonObject),
  timestamp: OptionalNullable(TimestampInput),
  idempotency_key: OptionalNullable(IdempotencyKey),
  sensitive_encoding: OptionalNullable(Type.Boolean()),
});
export type FinishSpanBody = Static<typeof FinishSpanBody>;

export const SpanIdParams = Type.Object({ agent_span_id: PlainText({ minLength: 1 }) });

/**
 * GET /api/v1/agent_spans/{id}: `include_risk_level=true` adds `risk_score` and `risk_level`;
 * `include_usage=true` adds `usage`, `cost_usd` and `unpriced_models`.
 */
export const GetSpanQuery = Type.Object({ include_risk_level: Type.Optional(Type.Boolean()), include_usage: Type.Optional(Type.Boolean()) });
export type GetSpanQuery = Static<typeof GetSpanQuery>;

export const MAX_LIST_LIMIT = 1000;
export const DEFAULT_LIST_LIMIT = 100;

/** The fields `sorting[field]` sorts a span list by. */
export const SPAN_SORT_FIELDS = ['started_at', 'id'] as const;

/**
 * GET /api/v1/agent_spans: one instance's spans (`agent_instance_id`), or with `pagination[…]` /
 * `sorting[…]` those of every instance of an agent (`agent_id`), as the open dashboard reads them.
 */
export const ListSpansQuery = Type.Object({
  agent_instance_id: Type.Optional(QueryFilter),
  agent_id: Type.Optional(QueryFilter),
  /** Only the children of this span (a tree loaded a level at a time). */
  parent_span_id: Type.Optional(QueryFilter),
  start_time: Type.Optional(TimestampInput),
  end_time: Type.Optional(TimestampInput),
  include_summaries: Type.Optional(Type.Boolean()),
  /** `false`: outlines, without `payload` and `result_payload` (a tree of a big instance, payloads read on selection). */
  include_payloads: Type.Optional(Type.Boolean()),
  /** `true`: each span carries `risk_score` and `risk_level` (its type's score under the agent's current profile). */
  include_risk_level: Type.Optional(Type.Boolean()),
  /** `true`: each span carries `usage`, `cost_usd` and `unpriced_models` (priced at the account's current prices). */
  include_usage: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIST_LIMIT })),
  cursor: Type.Optional(QueryCursor),
  ...listQueryParams(SPAN_SORT_FIELDS),
});
export type ListSpansQuery = Static<typeof ListSpansQuery>;

export const AgentSpanResponse = SuccessWithControl(AgentSpan);
export type AgentSpanResponse = Static<typeof AgentSpanResponse>;

export const AgentSpanGetResponse = Success(AgentSpan);

/** A span without its payloads, as `GET /agent_spans?include_payloads=false` lists it. */
export const AgentSpanOutline = Type.Omit(AgentSpan, ['payload', 'result_payload']);
export type AgentSpanOutline = Static<typeof AgentSpanOutline>;

export const AgentSpanOutlineListResponse = Type.Object({
  status: Type.Literal('success'),
  details: Type.Array(AgentSpanOutline),
  pagination: CursorPagination,
});

export const AgentSpanListResponse = Type.Object({
  status: Type.Literal('success'),
  details: Type.Array(AgentSpan),
  pagination: CursorPagination,
});
export type AgentSpanListResponse = Static<typeof AgentSpanListResponse>;

/** A span list asked for with `pagination[…]` or `sorting[…]`: Prefactor's list page. */
export const AgentSpanListPage = ListPage(AgentSpan);
export const AgentSpanOutlineListPage = ListPage(AgentSpanOutline);

/** Most spans one `POST /api/v1/agent_spans/create_test_spans` makes. */
export const MAX_TEST_SPAN_COUNT = 100;
/** How many it makes when `count` is absent. */
export const DEFAULT_TEST_SPAN_COUNT = 3;

/**
 * POST /api/v1/agent_spans/create_test_spans, as Prefactor's CLI sends it: its arguments at the top
 * level, not under `details`.
 */
export const CreateTestSpansBody = Type.Object({
  agent_instance_id: PlainText({ minLength: 1 }),
  count: OptionalNullable(Type.Integer({ minimum: 1, maximum: MAX_TEST_SPAN_COUNT, description: 'how many test spans to make' })),
  /** The span the test spans are children of; absent, they are root spans. */
  parent_span_id: OptionalNullable(PlainText({ minLength: 1 })),
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type CreateTestSpansBody = Static<typeof CreateTestSpansBody>;

/** The test spans made, in the order they were made. */
export const CreateTestSpansResponse = SuccessWithControl(Type.Array(AgentSpan));
export type CreateTestSpansResponse = Static<typeof CreateTestSpansResponse>;
