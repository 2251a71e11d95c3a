// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type Static } from '@sinclair/typebox';
import {
  Counts,
  FinishStatusSchema,
  IdempotencyKey,
  InstancePurposeSchema,
  InstanceStatusSchema,
  JsonObject,
  MAX_SEARCH_LENGTH,
  Nullable,
  OptionalNullable,
  PlainText,
  QueryCursor,
  QueryFilter,
  SPAN_ID_PATTERN,
  Timestamp,
  TimestampInput,
} from './common.js';
import { SPAN_STATUSES } from './statuses.js';
import { DataRiskDeclaration } from './data-risk.js';
import { RISK_LEVELS } from './risk-vocabulary.js';
import { literals } from './schema-builders.js';
import { CursorPagination, Success } from './envelopes.js';
import { ListPage, listQueryParams } from './listing.js';

export const SpanCounts = Counts(['total', ...SPAN_STATUSES, 'finished']);

/**
 * Tokens by type, each counted once (see "Token usage" in the README): `input` neither read from
 * nor written to a prompt cache, `cache_read`, `cache_write`, `output` that is not reasoning,
 * `reasoning`, and `total`, their sum.
 */
export const TokenUsage = Counts(['input', 'output', 'cache_read', 'cache_write', 'reasoning', 'total']);
export type TokenUsage = Static<typeof TokenUsage>;
export type SpanCounts = Static<typeof SpanCounts>;

export const AgentInstance = Type.Object({
  type: Type.Literal('agent_instance'),
  id: Type.String(),
  account_id: Type.String(),
  agent_id: Type.String(),
  agent_version_id: Type.String(),
  /** The schema version (`/api/v1/agent_schema_version/{id}`) the run registered with: its span types, declarations and scoring. */
  agent_schema_version_id: Type.String(),
  environment_id: Type.String(),
  agent_deployment_id: Type.String(),
  status: InstanceStatusSchema,
  inserted_at: Timestamp,
  updated_at: Timestamp,
  started_at: Nullable(Timestamp),
  finished_at: Nullable(Timestamp),
  termination_reason: Nullable(Type.String()),
  /** Who terminated the run: the id of the API token the terminate was sent with; null unless terminated. */
  terminated_by: Nullable(Type.Object({ token_id: Type.String() })),
  span_counts: SpanCounts,
  /** The run's tokens over its spans (a span that sums the model calls beneath it is left out); null when none carries usage. */
  usage: Nullable(TokenUsage),
  /**
   * The run's cost in USD: its tokens by model at the account's prices current when read (a price
   * change re-prices it). Tokens of an unpriced model are left out and named in `unpriced_models`,
   * never costed at $0; null when the run has tokens and none of them is priced; 0 without tokens.
   */
  cost_usd: Nullable(Type.Number({ minimum: 0 })),
  /** The model ids (as recorded; `(no model id)` for usage naming none) whose tokens `cost_usd` leaves out, sorted. */
  unpriced_models: Type.Array(Type.String()),
  /** finished_at − started_at in milliseconds (microsecond fractions kept); null until the run has both. */
  duration_ms: Nullable(Type.Number()),
  purpose: InstancePurposeSchema,
  quality_payloads: Type.Record(Type.String(), JsonObject),
  quality_summaries: Type.Record(Type.String(), Type.String()),
  /** For single-record readers (prefactor_http 0.3, the open dashboard): the record named `quality` if any, else the first name in sort order. */
  quality_payload: Nullable(JsonObject),
  /** The summary of the record `quality_payload` shows; null when it has none. */
  quality_summary: Nullable(Type.String()),
  /**
   * Scored on read against the agent's current risk profile and the run's own schema version:
   * Σ over its span types of spans × the type's score (see GET /agent_instance/{id}/risk). Null
   * ("not assessed") when the agent has no profile or no span type of the run declares data risk.
   */
  risk_score: Nullable(Type.Number({ minimum: 0 })),
  /** The band `risk_score` falls in under the profile's thresholds; null when not assessed. */
  risk_level: Nullable(literals(RISK_LEVELS)),
});
export type AgentInstance = Static<typeof AgentInstance>;

/** An instance in the instance listing: with its agent's name. */
export const ListedAgentInstance = Type.Object({ ...AgentInstance.properties, agent_name: Type.String() });
export type ListedAgentInstance = Static<typeof ListedAgentInstance>;

export const MAX_INSTANCE_LIST_LIMIT = 200;
export const DEFAULT_INSTANCE_LIST_LIMIT = 50;

/**
 * GET /api/v1/agent_instance: newest first by started_at (inserted_at before the start). `since`
 * and `until` bound that time, inclusive; `q` keeps instances with a span whose schema name or
 * summary has words beginning with each word of `q`.
 */
/**
 * The fields `sorting[field]` sorts the instance list by (`started_at`: started_at, else inserted_at;
 * `cost_usd`, `duration_ms`, `total_tokens` as the answers give them, runs without a cost or a
 * duration last in either direction, a run without usage as 0 tokens). Ties go by `started_at`
 * then id, in the same direction.
 */
export const INSTANCE_SORT_FIELDS = ['started_at', 'id', 'cost_usd', 'duration_ms', 'total_tokens'] as const;
export type InstanceSortField = (typeof INSTANCE_SORT_FIELDS)[number];

export const ListInstancesQuery = Type.Object({
  agent_id: Type.Optional(QueryFilter),
  environment_id: Type.Optional(QueryFilter),
  agent_version_id: Type.Optional(QueryFilter),
  purpose: Type.Optional(InstancePurposeSchema),
  status: Type.Optional(InstanceStatusSchema),
  /** Comma-separated levels (`high,critical`): only runs scored in one of them (runs not assessed are left out). */
  risk_level: Type.Optional(PlainText({ minLength: 1, maxLength: 64 })),
  since: Type.Optional(TimestampInput),
  until: Type.Optional(TimestampInput),
  q: Type.Optional(PlainText({ minLength: 1, maxLength: MAX_SEARCH_LENGTH })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_INSTANCE_LIST_LIMIT })),
  cursor: Type.Optional(QueryCursor),
  ...listQueryParams(INSTANCE_SORT_FIELDS),
});
export type ListInstancesQuery = Static<typeof ListInstancesQuery>;

export const AgentInstanceListResponse = Type.Object({
  status: Type.Literal('success'),
  details: Type.Array(ListedAgentInstance),
  pagination: CursorPagination,
});
export type AgentInstanceListResponse = Static<typeof AgentInstanceListResponse>;

// A span type's name and title are stored with each span (schema_name, schema_title): plain text.
export const SpanTypeSchema = Type.Object({
  name: PlainText({ minLength: 1 }),
  params_schema: JsonObject,
  result_schema: OptionalNullable(JsonObject),
  title: OptionalNullable(PlainText()),
  description: OptionalNullable(Type.String()),
  template: OptionalNullable(Type.String()),
  result_template: OptionalNullable(Type.String()),
  data_risk: OptionalNullable(DataRiskDeclaration),
});
export type SpanTypeSchema = Static<typeof SpanTypeSchema>;

export const QualitySchema = Type.Object({
  name: PlainText({ minLength: 1 }),
  schema: JsonObject,
  title: OptionalNullable(Type.String()),
  description: OptionalNullable(Type.String()),
  template: OptionalNullable(Type.String()),
  data_risk: OptionalNullable(DataRiskDeclaration),
});
export type QualitySchema = Static<typeof QualitySchema>;

/** The name a prefactor_http 0.3 schema version's single `quality_schema` (and its `quality_payload`) is recorded under. */
export const SINGLE_QUALITY_NAME = 'quality';

/** prefactor_http 0.3's single quality schema: a named one without its name. */
export const SingleQualitySchema = Type.Object({
  schema: JsonObject,
  title: OptionalNullable(Type.String()),
  description: OptionalNullable(Type.String()),
  template: OptionalNullable(Type.String()),
  data_risk: OptionalNullable(DataRiskDeclaration),
});
export type SingleQualitySchema = Static<typeof SingleQualitySchema>;

export const AgentVersionForRegister = Type.Object({
  name: OptionalNullable(PlainText()),
  external_identifier: OptionalNullable(PlainText()),
  description: OptionalNullable(PlainText()),
});
export type AgentVersionForRegister = Static<typeof AgentVersionForRegister>;

export const AgentSchemaVersionForRegister = Type.Object({
  external_identifier: OptionalNullable(PlainText()),
  span_schemas: OptionalNullable(Type.Record(Type.String(), JsonObject)),
  span_result_schemas: OptionalNullable(Type.Record(Type.String(), JsonObject)),
  span_type_schemas: OptionalNullable(Type.Array(SpanTypeSchema)),
  quality_schemas: OptionalNullable(Type.Array(QualitySchema)),
  /** prefactor_http 0.3: one quality schema, recorded under the name `quality`. */
  quality_schema: OptionalNullable(SingleQualitySchema),
});
export type AgentSchemaVersionForRegister = Static<typeof AgentSchemaVersionForRegister>;

/** POST /api/v1/agent_instance/register (also the flat params of a bulk register item). */
export const RegisterInstanceBody = Type.Object({
  agent_id: OptionalNullable(PlainText({ minLength: 1 })),
  environment_id: OptionalNullable(PlainText({ minLength: 1 })),
  // The official TS SDK omits both when it has no agent identifier or schema configured.
  agent_version: OptionalNullable(AgentVersionForRegister),
  agent_schema_version: OptionalNullable(AgentSchemaVersionForRegister),
  id: OptionalNullable(Type.String({ pattern: SPAN_ID_PATTERN })),
  idempotency_key: OptionalNullable(IdempotencyKey),
  update_current_version: OptionalNullable(Type.Boolean()),
  purpose: OptionalNullable(InstancePurposeSchema),
});
export type RegisterInstanceBody = Static<typeof RegisterInstanceBody>;

/** POST /api/v1/agent_instance/{id}/start */
export const StartInstanceBody = Type.Object({
  timestamp: OptionalNullable(TimestampInput),
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type StartInstanceBody = Static<typeof StartInstanceBody>;

/** POST /api/v1/agent_instance/{id}/finish */
export const FinishInstanceBody = Type.Object({
  status: OptionalNullable(FinishStatusSchema),
  timestamp: OptionalNullable(TimestampInput),
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type FinishInstanceBody = Static<typeof FinishInstanceBody>;

/**
 * POST /api/v1/agent_instance/{id}/record_quality — `{name, payload}` (prefactor_http 0.4) or
 * `{quality_payload}` (0.3, the record named `quality`); a null payload removes that name.
 */
export const RecordQualityBody = Type.Object({
  name: Type.Optional(PlainText({ minLength: 1 })),
  payload: OptionalNullable(JsonObject),
  quality_payload: OptionalNullable(JsonObject),
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type RecordQualityBody = Static<typeof RecordQualityBody>;

/** POST /api/v1/agent_instance/{id}/update — prefactor_http 0.3's way to record (or, with null, remove) its one quality payload. */
export const UpdateInstanceBody = Type.Object({
  details: Type.Object({ quality_payload: Nullable(JsonObject) }),
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type UpdateInstanceBody = Static<typeof UpdateInstanceBody>;

/** POST /api/v1/agent_instance/{id}/terminate */
export const TerminateInstanceBody = Type.Object({
  reason: PlainText({ minLength: 1 }),
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type TerminateInstanceBody = Static<typeof TerminateInstanceBody>;

export const InstanceIdParams = Type.Object({ agent_instance_id: PlainText({ minLength: 1 }) });

export const AgentInstanceResponse = Success(AgentInstance);
export type AgentInstanceResponse = Static<typeof AgentInstanceResponse>;

/** One span of an `agent_context_v1` body: its place in the tree, what it was and what came of it. */
export const AgentContextSpan = Type.Object({
  id: Type.String(),
  parent_span_id: Nullable(Type.String()),
  /** 0 for a root span; a span whose parent is not in this instance counts as a root. */
  depth: Type.Integer({ minimum: 0 }),
  schema_name: Type.String(),
  title: Type.String(),
  status: InstanceStatusSchema,
  started_at: Timestamp,
  finished_at: Nullable(Timestamp),
  summary: Nullable(Type.String()),
  payload: JsonObject,
  result_payload: Nullable(JsonObject),
});
export type AgentContextSpan = Static<typeof AgentContextSpan>;

export const AgentContext = Type.Object({
  body: Type.Object({
    format: Type.Literal('agent_context_v1'),
    agent_instance_id: Type.String(),
    /** Depth first, siblings by (started_at, id). */
    spans: Type.Array(AgentContextSpan),
    /** True when the run has more spans than one context carries (the first ones are given). */
    truncated: Type.Boolean(),
  }),
});
export type AgentContext = Static<typeof AgentContext>;

/** GET /api/v1/agent_instance/{id}/agent_context — also at the top level, where Prefactor's CLI reads it. */
export const AgentContextResponse = Type.Object({
  status: Type.Literal('success'),
  details: Type.Object({ agent_context: AgentContext }),
  agent_context: AgentContext,
});
export type AgentContextResponse = Static<typeof AgentContextResponse>;

/** The instance list asked for with `pagination[…]` or `sorting[…]`: Prefactor's list page. */
export const AgentInstanceListPage = ListPage(ListedAgentInstance);
