// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type Static } from '@sinclair/typebox';
import { IdempotencyKey, JsonObject, Nullable, OptionalNullable, PlainText, QueryFilter, Timestamp } from './common.js';
import { MAX_AGENT_NAME_LENGTH } from './agent.js';
import { AgentSchemaVersionForRegister } from './agent-instance.js';
import { Success } from './envelopes.js';
import { ListPage, listQueryParams } from './listing.js';

/**
 * Whether a declared JSON Schema compiled. An invalid one is stored as sent and marked here with
 * the compiler's message; spans (or quality records) it covers are stored unvalidated.
 */
export const SchemaValidation = Type.Object({
  status: Type.Union([Type.Literal('valid'), Type.Literal('invalid')]),
  message: Nullable(Type.String()),
});
export type SchemaValidation = Static<typeof SchemaValidation>;

/** One span type of a schema version, from `span_type_schemas` or the flat `span_schemas` / `span_result_schemas`. */
export const AgentSchemaVersionSpanType = Type.Object({
  name: Type.String(),
  title: Nullable(Type.String()),
  description: Nullable(Type.String()),
  template: Nullable(Type.String()),
  result_template: Nullable(Type.String()),
  params_schema: Nullable(JsonObject),
  result_schema: Nullable(JsonObject),
  /** As declared, or null. */
  data_risk: Nullable(JsonObject),
  params_schema_validation: SchemaValidation,
  /** `valid` when the type declares no result schema (any result goes). */
  result_schema_validation: SchemaValidation,
});
export type AgentSchemaVersionSpanType = Static<typeof AgentSchemaVersionSpanType>;

/** One quality schema of a schema version; prefactor_http 0.3's single `quality_schema` is named `quality`. */
export const AgentSchemaVersionQualitySchema = Type.Object({
  name: Type.String(),
  title: Nullable(Type.String()),
  description: Nullable(Type.String()),
  template: Nullable(Type.String()),
  schema: JsonObject,
  data_risk: Nullable(JsonObject),
  schema_validation: SchemaValidation,
});
export type AgentSchemaVersionQualitySchema = Static<typeof AgentSchemaVersionQualitySchema>;

export const AgentSchemaVersion = Type.Object({
  type: Type.Literal('agent_schema_version'),
  id: Type.String(),
  account_id: Type.String(),
  agent_id: Type.String(),
  external_identifier: Nullable(Type.String()),
  /** How many other schema versions of the agent share its external_identifier (0 when it has none). */
  external_identifier_repeats: Type.Integer({ minimum: 0 }),
  /** By span type name, in the order declared. */
  span_type_schemas: Type.Record(Type.String(), AgentSchemaVersionSpanType),
  /** By quality schema name, in the order declared. */
  quality_schemas: Type.Record(Type.String(), AgentSchemaVersionQualitySchema),
  inserted_at: Timestamp,
});
export type AgentSchemaVersion = Static<typeof AgentSchemaVersion>;

/**
 * POST /api/v1/agent_schema_version `details`: the official CLI sends `{agent_id,
 * external_identifier, span_schemas?, span_type_schemas?, span_result_schemas?}`; the rest of a
 * registration's schema document may come too.
 */
export const AgentSchemaVersionForCreate = Type.Object({
  ...AgentSchemaVersionForRegister.properties,
  agent_id: PlainText({ minLength: 1 }),
  external_identifier: PlainText({ minLength: 1, maxLength: MAX_AGENT_NAME_LENGTH }),
});
export type AgentSchemaVersionForCreate = Static<typeof AgentSchemaVersionForCreate>;

export const CreateAgentSchemaVersionBody = Type.Object({
  details: AgentSchemaVersionForCreate,
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type CreateAgentSchemaVersionBody = Static<typeof CreateAgentSchemaVersionBody>;

export const AgentSchemaVersionIdParams = Type.Object({ agent_schema_version_id: PlainText({ minLength: 1 }) });

export const AGENT_SCHEMA_VERSION_SORT_FIELDS = ['id', 'external_identifier', 'inserted_at'] as const;
export type AgentSchemaVersionSortField = (typeof AGENT_SCHEMA_VERSION_SORT_FIELDS)[number];

/** GET /api/v1/agent_schema_version?agent_id=… (the CLI's `agent_schema_versions list --agent_id`). */
export const ListAgentSchemaVersionsQuery = Type.Object({
  agent_id: QueryFilter,
  ...listQueryParams(AGENT_SCHEMA_VERSION_SORT_FIELDS),
});
export type ListAgentSchemaVersionsQuery = Static<typeof ListAgentSchemaVersionsQuery>;

export const AgentSchemaVersionResponse = Success(AgentSchemaVersion);
export type AgentSchemaVersionResponse = Static<typeof AgentSchemaVersionResponse>;
/** The list as the CLI reads it (`details`), when the query names no list parameter. */
export const AgentSchemaVersionList = Success(Type.Array(AgentSchemaVersion));
export type AgentSchemaVersionList = Static<typeof AgentSchemaVersionList>;
/** The list page (`summaries`), when the query names `pagination[…]` or `sorting[…]`. */
export const AgentSchemaVersionListPage = ListPage(AgentSchemaVersion);
export type AgentSchemaVersionListPage = Static<typeof AgentSchemaVersionListPage>;
