// A namespace import (not the `Type` builder object) lets bundlers keep only the builders used.
import * as Type from '@sinclair/typebox';
import { type Static } from '@sinclair/typebox';
import { IdempotencyKey, Nullable, OptionalNullable, PlainText, QueryFilter, SPAN_ID_PATTERN, Timestamp } from './common.js';
import { Success } from './envelopes.js';
import { ListPage, listQueryParams } from './listing.js';

/** An agent in one environment: where its instances run, and the version they run now. */
export const AgentDeployment = Type.Object({
  type: Type.Literal('agent_deployment'),
  id: Type.String(),
  account_id: Type.String(),
  agent_id: Type.String(),
  environment_id: Type.String(),
  current_version_id: Nullable(Type.String()),
  inserted_at: Timestamp,
  updated_at: Timestamp,
});
export type AgentDeployment = Static<typeof AgentDeployment>;

/** One change of a deployment's current version: the first at its creation, then each move (registration, OTLP export, PUT). */
export const AgentDeploymentVersionChange = Type.Object({
  version_id: Nullable(Type.String()),
  changed_at: Timestamp,
  /** The token of the request that made the change; null for changes made before they were recorded. */
  changed_by_token_id: Nullable(Type.String()),
});
export type AgentDeploymentVersionChange = Static<typeof AgentDeploymentVersionChange>;

/** GET /api/v1/agent_deployment/{id}: the deployment with the history of its current version, oldest change first. */
export const AgentDeploymentWithHistory = Type.Object({
  ...AgentDeployment.properties,
  history: Type.Array(AgentDeploymentVersionChange),
});
export type AgentDeploymentWithHistory = Static<typeof AgentDeploymentWithHistory>;

const ResourceId = PlainText({ minLength: 1 });

/** POST /api/v1/agent_deployment `details`, as the official CLI sends it: `{agent_id, environment_id, id?, current_version_id?}`. */
export const AgentDeploymentForCreate = Type.Object({
  agent_id: ResourceId,
  environment_id: ResourceId,
  id: OptionalNullable(Type.String({ pattern: SPAN_ID_PATTERN })),
  current_version_id: OptionalNullable(ResourceId),
});
export type AgentDeploymentForCreate = Static<typeof AgentDeploymentForCreate>;

export const CreateAgentDeploymentBody = Type.Object({
  details: AgentDeploymentForCreate,
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type CreateAgentDeploymentBody = Static<typeof CreateAgentDeploymentBody>;

/** PUT `details`: `current_version_id` moves the deployment to a version of its agent; null clears it; absent changes nothing. */
export const AgentDeploymentForUpdate = Type.Object({
  current_version_id: OptionalNullable(ResourceId),
});
export type AgentDeploymentForUpdate = Static<typeof AgentDeploymentForUpdate>;

export const UpdateAgentDeploymentBody = Type.Object({
  details: AgentDeploymentForUpdate,
  idempotency_key: OptionalNullable(IdempotencyKey),
});
export type UpdateAgentDeploymentBody = Static<typeof UpdateAgentDeploymentBody>;

/** DELETE /api/v1/agent_deployment/{id}: the body is optional (the CLI sends none). */
export const AgentDeploymentActionBody = Type.Object({ idempotency_key: OptionalNullable(IdempotencyKey) });
export type AgentDeploymentActionBody = Static<typeof AgentDeploymentActionBody>;

export const AgentDeploymentIdParams = Type.Object({ agent_deployment_id: ResourceId });

export const AGENT_DEPLOYMENT_SORT_FIELDS = ['id', 'environment_id', 'inserted_at', 'updated_at'] as const;
export type AgentDeploymentSortField = (typeof AGENT_DEPLOYMENT_SORT_FIELDS)[number];

/** GET /api/v1/agent_deployment?agent_id=… (the CLI's `agent_deployments list --agent_id`), of one environment when it is named. */
export const ListAgentDeploymentsQuery = Type.Object({
  agent_id: QueryFilter,
  environment_id: Type.Optional(QueryFilter),
  ...listQueryParams(AGENT_DEPLOYMENT_SORT_FIELDS),
});
export type ListAgentDeploymentsQuery = Static<typeof ListAgentDeploymentsQuery>;

export const AgentDeploymentResponse = Success(AgentDeployment);
export type AgentDeploymentResponse = Static<typeof AgentDeploymentResponse>;
export const AgentDeploymentWithHistoryResponse = Success(AgentDeploymentWithHistory);
export type AgentDeploymentWithHistoryResponse = Static<typeof AgentDeploymentWithHistoryResponse>;

/** Without list parameters the CLI's shape, `{status, details: [...]}`; with any, Prefactor's list page (`summaries`). */
export const AgentDeploymentList = Success(Type.Array(AgentDeployment));
export type AgentDeploymentList = Static<typeof AgentDeploymentList>;
export const AgentDeploymentListPage = ListPage(AgentDeployment);
export type AgentDeploymentListPage = Static<typeof AgentDeploymentListPage>;
export const AgentDeploymentListResponse = Type.Union([AgentDeploymentList, AgentDeploymentListPage]);
export type AgentDeploymentListResponse = Static<typeof AgentDeploymentListResponse>;
