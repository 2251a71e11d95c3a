// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type Static } from '@sinclair/typebox';
import { IdempotencyKey, Nullable, OptionalNullable, PlainText, QueryFilter, SPAN_ID_PATTERN, Timestamp } from './common.js';
import { MAX_AGENT_NAME_LENGTH } from './agent.js';
import { AgentRiskRollup, RiskDistribution, RiskExceedance } from './agent-risk-rollup.js';
import { Success } from './envelopes.js';
import { ListPage, listQueryParams } from './listing.js';

/** Longest agent version description, in characters. */
export const MAX_AGENT_VERSION_DESCRIPTION_LENGTH = 2000;

export const AgentVersion = Type.Object({
  type: Type.Literal('agent_version'),
  id: Type.String(),
  account_id: Type.String(),
  agent_id: Type.String(),
  name: Nullable(Type.String()),
  external_identifier: Nullable(Type.String()),
  description: Nullable(Type.String()),
  /** The schema version this version declares its span types in; null when it names none (one OTLP made). */
  agent_schema_version_id: Nullable(Type.String()),
  /**
   * The runtime the version last registered an instance with: that registration's X-Prefactor-SDK
   * header (`<package>@<version>`, space-separated when layered); null until one sends it.
   * Optional: this server always sends it, a server from before it may not.
   */
  sdk: OptionalNullable(Type.String()),
  inserted_at: Timestamp,
  /**
   * The next three only on `GET /agent_version/{id}` with `include_risk_rollup=true`: the agent's
   * rollup over this version's runs and its own schema version (see `Agent`).
   */
  risk_rollup: Type.Optional(AgentRiskRollup),
  /** Null when the agent has no risk profile: there is no agreed risk to exceed. */
  exceedances: Type.Optional(Nullable(Type.Array(RiskExceedance))),
  risk_distribution: Type.Optional(RiskDistribution),
});
export type AgentVersion = Static<typeof AgentVersion>;

/**
 * POST /api/v1/agent_version `details`. The official CLI sends `{agent_id, external_identifier}`;
 * an external_identifier the agent already has is refused (registering reuses that version).
 * `agent_schema_version_id` names the schema version of the agent its runs are scored against
 * when they arrive as OTLP traces (which name only the version).
 */
export const AgentVersionForCreate = Type.Object({
  agent_id: PlainText({ minLength: 1 }),
  external_identifier: PlainText({ minLength: 1, maxLength: MAX_AGENT_NAME_LENGTH }),
  name: OptionalNullable(PlainText({ minLength: 1, maxLength: MAX_AGENT_NAME_LENGTH })),
  description: OptionalNullable(PlainText({ maxLength: MAX_AGENT_VERSION_DESCRIPTION_LENGTH })),
  agent_schema_version_id: OptionalNullable(PlainText({ minLength: 1 })),
  id: OptionalNullable(Type.String({ pattern: SPAN_ID_PATTERN })),
});
export type AgentVersionForCreate = Static<typeof AgentVersionForCreate>;

export const CreateAgentVersionBody = Type.Object({
  details: AgentVersionForCreate,
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type CreateAgentVersionBody = Static<typeof CreateAgentVersionBody>;

export const AgentVersionIdParams = Type.Object({ agent_version_id: PlainText({ minLength: 1 }) });

/** GET /api/v1/agent_version/{id} */
export const ShowAgentVersionQuery = Type.Object({
  /** Adds `risk_rollup`, `exceedances` and `risk_distribution`, over the version's runs in `environment_id` when sent. */
  include_risk_rollup: Type.Optional(Type.Boolean()),
  environment_id: Type.Optional(QueryFilter),
});
export type ShowAgentVersionQuery = Static<typeof ShowAgentVersionQuery>;

export const AGENT_VERSION_SORT_FIELDS = ['id', 'external_identifier', 'inserted_at'] as const;
export type AgentVersionSortField = (typeof AGENT_VERSION_SORT_FIELDS)[number];

/** GET /api/v1/agent_version?agent_id=… (the CLI's `agent_versions list --agent_id`). */
export const ListAgentVersionsQuery = Type.Object({
  agent_id: QueryFilter,
  ...listQueryParams(AGENT_VERSION_SORT_FIELDS),
});
export type ListAgentVersionsQuery = Static<typeof ListAgentVersionsQuery>;

export const AgentVersionResponse = Success(AgentVersion);
export type AgentVersionResponse = Static<typeof AgentVersionResponse>;
export const AgentVersionListResponse = ListPage(AgentVersion);
export type AgentVersionListResponse = Static<typeof AgentVersionListResponse>;
