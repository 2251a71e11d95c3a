// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type Static } from '@sinclair/typebox';
import { Counts, IdempotencyKey, Nullable, OptionalNullable, PlainText, QueryFilter, SPAN_ID_PATTERN, Timestamp } from './common.js';
import { AGENT_STATUSES, INSTANCE_STATUSES } from './statuses.js';
import { OffsetPagination, Sorting, Success } from './envelopes.js';
import { listQueryParams } from './listing.js';
import { AgentRiskRollup, RiskDistribution, RiskExceedance } from './agent-risk-rollup.js';

/** The labels an agent carries for the caller's own people, teams and risk profiles. */
export const AGENT_LABELS = ['owner_person_id', 'risk_profile_id', 'team_id'] as const;
export type AgentLabel = (typeof AGENT_LABELS)[number];

/** Longest agent name, external identifier and label an agent takes, in characters. */
export const MAX_AGENT_NAME_LENGTH = 200;
export const MAX_AGENT_EXTERNAL_IDENTIFIER_LENGTH = 200;
export const MAX_AGENT_LABEL_LENGTH = 200;

/** What may be done to an agent in its current state. */
export const AgentAvailableActions = Type.Object({
  update: Type.Boolean(),
  retire: Type.Boolean(),
  reinstate: Type.Boolean(),
  delete: Type.Boolean(),
});
export type AgentAvailableActions = Static<typeof AgentAvailableActions>;

/** The agent's instances by status; `finished` counts every final status (complete, failed, cancelled, terminated). */
export const AgentInstanceCounts = Counts(['total', ...INSTANCE_STATUSES, 'finished']);
export type AgentInstanceCounts = Static<typeof AgentInstanceCounts>;

/**
 * What `GET /agent?include_summary=true` adds to each listed agent, for a list of agents to show
 * without a request per row: its runs that started (or registered) in the hours from `from` to
 * now (the last 24, from the start of that hour, as `GET /activity` counts them), the failed ones
 * among them, its newest run, and its runs by risk level (as `include_risk_rollup` counts them).
 */
export const AgentSummary = Type.Object({
  from: Timestamp,
  runs_24h: Type.Integer({ minimum: 0 }),
  failed_runs_24h: Type.Integer({ minimum: 0 }),
  last_run: Nullable(
    Type.Object({
      id: Type.String(),
      status: Type.Union(INSTANCE_STATUSES.map((s) => Type.Literal(s))),
      started_at: Nullable(Timestamp),
      inserted_at: Timestamp,
    }),
  ),
  risk_distribution: RiskDistribution,
});
export type AgentSummary = Static<typeof AgentSummary>;

export const Agent = Type.Object({
  type: Type.Literal('agent'),
  id: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  external_identifier: Nullable(Type.String()),
  status: Type.Union(AGENT_STATUSES.map((s) => Type.Literal(s))),
  // Optional, as in prefactor_http's model: this server always sends them, others may not.
  owner_person_id: OptionalNullable(Type.String()),
  risk_profile_id: OptionalNullable(Type.String()),
  team_id: OptionalNullable(Type.String()),
  available_actions: Type.Optional(AgentAvailableActions),
  /** Only on `GET /agent/show` with `include_counts=true`. */
  instance_counts: Type.Optional(AgentInstanceCounts),
  /** The next three only on `GET /agent/show` with `include_risk_rollup=true`. */
  risk_rollup: Type.Optional(AgentRiskRollup),
  /** Null when the agent has no risk profile: there is no agreed risk to exceed. */
  exceedances: Type.Optional(Nullable(Type.Array(RiskExceedance))),
  risk_distribution: Type.Optional(RiskDistribution),
  /** Only on `GET /agent` with `include_summary=true`. */
  summary: Type.Optional(AgentSummary),
  inserted_at: Timestamp,
  updated_at: Timestamp,
});
export type Agent = Static<typeof Agent>;

/** A person, team or risk profile id of the caller's: this server keeps it as an opaque label. */
const Label = PlainText({ minLength: 1, maxLength: MAX_AGENT_LABEL_LENGTH });
const AgentName = PlainText({ minLength: 1, maxLength: MAX_AGENT_NAME_LENGTH });

export const AgentForCreate = Type.Object({
  name: AgentName,
  description: OptionalNullable(PlainText()),
  external_identifier: OptionalNullable(PlainText({ minLength: 1, maxLength: MAX_AGENT_EXTERNAL_IDENTIFIER_LENGTH })),
  id: OptionalNullable(Type.String({ pattern: SPAN_ID_PATTERN })),
  owner_person_id: OptionalNullable(Label),
  risk_profile_id: OptionalNullable(Label),
  team_id: OptionalNullable(Label),
});
export type AgentForCreate = Static<typeof AgentForCreate>;

/** POST /api/v1/agent */
export const CreateAgentBody = Type.Object({
  details: AgentForCreate,
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type CreateAgentBody = Static<typeof CreateAgentBody>;

/**
 * Only the fields present change. `null` clears description and the labels; a name cannot be
 * cleared. `external_identifier` is set at create only: an update naming it is refused.
 */
export const AgentForUpdate = Type.Object({
  name: OptionalNullable(AgentName),
  description: OptionalNullable(PlainText()),
  owner_person_id: OptionalNullable(Label),
  risk_profile_id: OptionalNullable(Label),
  team_id: OptionalNullable(Label),
  external_identifier: Type.Optional(Type.Unknown()),
});
export type AgentForUpdate = Static<typeof AgentForUpdate>;

/** PUT /api/v1/agent/{agent_id} */
export const UpdateAgentBody = Type.Object({
  details: AgentForUpdate,
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type UpdateAgentBody = Static<typeof UpdateAgentBody>;

/** POST /agent/{id}/retire, POST /agent/{id}/reinstate, DELETE /agent/{id}: the body is optional. */
export const AgentActionBody = Type.Object({ idempotency_key: OptionalNullable(IdempotencyKey) });
export type AgentActionBody = Static<typeof AgentActionBody>;

/** GET /api/v1/agent/show: exactly one of `agent_id` and `external_identifier`. */
export const ShowAgentQuery = Type.Object({
  agent_id: Type.Optional(QueryFilter),
  external_identifier: Type.Optional(QueryFilter),
  environment_id: Type.Optional(QueryFilter),
  include_counts: Type.Optional(Type.Boolean()),
  /** Adds `risk_rollup`, `exceedances` and `risk_distribution`, over the runs in `environment_id` when sent. */
  include_risk_rollup: Type.Optional(Type.Boolean()),
});
export type ShowAgentQuery = Static<typeof ShowAgentQuery>;

export const AgentIdParams = Type.Object({ agent_id: PlainText({ minLength: 1 }) });

export const MAX_AGENT_PAGE_SIZE = 100;

/** `sorting` on the agent list: a field, descending with a leading `-`. */
export const AGENT_SORTINGS = ['inserted_at', '-inserted_at', 'name', '-name', 'id', '-id'] as const;
export type AgentSorting = (typeof AGENT_SORTINGS)[number];

/** The fields `sorting[field]` sorts the agent list by. */
export const AGENT_SORT_FIELDS = ['inserted_at', 'name', 'id'] as const;

/** GET /api/v1/agent — `pagination[offset]` and `pagination[page_size]` as the Python client sends them, `sorting[…]` as the dashboard does. */
export const ListAgentsQuery = Type.Object({
  ...listQueryParams(AGENT_SORT_FIELDS),
  sorting: Type.Optional(Type.Union(AGENT_SORTINGS.map((s) => Type.Literal(s)))),
  owner_person_id: Type.Optional(Label),
  risk_profile_id: Type.Optional(Label),
  team_id: Type.Optional(Label),
  /** Adds each agent's `summary`: runs and failures in 24 h, newest run, runs by risk level. */
  include_summary: Type.Optional(Type.Boolean()),
  /** Counts each summary over the runs in this environment only (the list itself is not filtered). */
  environment_id: Type.Optional(QueryFilter),
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
