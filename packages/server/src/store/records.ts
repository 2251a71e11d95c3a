/**
 * Rows as the store keeps them. Times are canonical UTC ISO-8601 text with microseconds
 * (`2024-05-01T12:00:00.123456Z`, always this width, so text order is time order).
 * Fields named `*_json` hold JSON text exactly as the domain wrote it.
 */
import type { AgentLabel, AgentStatus, EnvironmentPurpose, InstancePurpose, InstanceSortField, InstanceStatus } from '@agentspan/protocol';

export type TokenScope = 'account' | 'deployment';
/** What is stored; `expired` is not a stored status but read from `expires_at` (see `api-tokens/token-rules.ts`). */
export type TokenStatus = 'active' | 'suspended' | 'revoked';

export interface AccountRecord {
  id: string;
  name: string;
  inserted_at: string;
}

export interface EnvironmentRecord {
  id: string;
  account_id: string;
  /** Unique in its account. */
  name: string;
  purpose: EnvironmentPurpose;
  description: string | null;
  inserted_at: string;
  updated_at: string;
}

/** An account's own price for a model: replaces a shipped price of the same model id, or adds one. */
export interface ModelPriceRecord {
  account_id: string;
  /** The model id as matched (`priceKey`: trimmed, lowercase). */
  model: string;
  /** `{input, output, cache_read?, cache_write?, reasoning?}` in USD per million tokens, as JSON text. */
  prices_json: string;
  inserted_at: string;
  updated_at: string;
}

export interface RiskProfileRecord {
  id: string;
  account_id: string;
  name: string;
  description: string | null;
  /** Every data category's `{weight, included}`, as JSON text keyed by category. */
  categories_json: string;
  /** Every action's `{multiplier, included}`, as JSON text keyed by action. */
  actions_json: string;
  /** `{medium, high, critical}` as JSON text. */
  thresholds_json: string;
  /** When it was archived (its delete): null while it may be assigned. */
  archived_at: string | null;
  inserted_at: string;
  updated_at: string;
}

/** What refers to an environment, so that it may not be deleted. */
export interface EnvironmentUse {
  deployments: number;
  instances: number;
}

export interface AgentRecord {
  id: string;
  account_id: string;
  name: string;
  description: string | null;
  external_identifier: string | null;
  owner_person_id: string | null;
  risk_profile_id: string | null;
  team_id: string | null;
  status: AgentStatus;
  /** When its first instance registered: null while it has none (the only time it may be deleted). */
  first_instance_at: string | null;
  inserted_at: string;
  updated_at: string;
}

export interface DeploymentRecord {
  id: string;
  account_id: string;
  agent_id: string;
  environment_id: string;
  current_version_id: string | null;
  inserted_at: string;
  updated_at: string;
}

/**
 * One change of a deployment's current version: its first at creation, then each time a
 * registration, an OTLP export or a PUT moved it. Changes at one instant (a deployment made and
 * given its version in one registration) are one row holding the last.
 */
export interface DeploymentVersionRecord {
  account_id: string;
  deployment_id: string;
  changed_at: string;
  /** The version from then on; null when the change cleared it. */
  version_id: string | null;
  /** The token of the request that made the change; null for rows filled in by the migration. */
  changed_by_token_id: string | null;
}

/** What refers to a deployment, so that it may not be deleted. */
export interface DeploymentUse {
  /** Whether any agent instance ran on it. */
  instances: boolean;
  /** Deployment-scoped tokens of it. */
  tokens: number;
}

export interface AgentVersionRecord {
  id: string;
  account_id: string;
  agent_id: string;
  name: string | null;
  external_identifier: string | null;
  description: string | null;
  /** The schema version of the same agent this version declares its span types in, if it names one. */
  agent_schema_version_id: string | null;
  inserted_at: string;
}

export interface SchemaVersionRecord {
  id: string;
  account_id: string;
  agent_id: string;
  external_identifier: string | null;
  /** The registered `agent_schema_version` object (span types, quality schemas), as JSON text. */
  document_json: string;
  /** sha256 of document_json: a repeated external_identifier with other content is another version ('' on rows stored before). */
  document_hash: string;
  inserted_at: string;
}

export interface TokenRecord {
  id: string;
  account_id: string;
  scope: TokenScope;
  /** Set for deployment-scoped tokens, null for account-scoped ones. */
  deployment_id: string | null;
  /** Hex sha256 of the token text; the token itself is never stored. */
  token_hash: string;
  inserted_at: string;
  /** `suspended` is refused until activated; `revoked` is refused for good. */
  status: TokenStatus;
  /** Refused from this time on; null: never expires. */
  expires_at: string | null;
  /** The token whose request created it; null for the command line and the bootstrap. */
  created_by: string | null;
  /** The last change of status (the insert at first). */
  updated_at: string;
  /** When a request last used it, to the minute (see `TokenAuthenticator`); null until then, absent on insert. */
  last_used_at?: string | null;
}

export interface InstanceRecord {
  id: string;
  account_id: string;
  agent_id: string;
  agent_version_id: string;
  schema_version_id: string;
  environment_id: string;
  agent_deployment_id: string;
  status: InstanceStatus;
  purpose: InstancePurpose;
  started_at: string | null;
  finished_at: string | null;
  termination_reason: string | null;
  /** The id of the token whose terminate stopped it; null unless terminated (the token may since be gone). */
  terminated_by_token_id: string | null;
  /** `{name: payload}` as JSON text. */
  quality_payloads_json: string;
  /** `{name: rendered summary}` as JSON text. */
  quality_summaries_json: string;
  inserted_at: string;
  updated_at: string;
}

export interface SpanRecord {
  id: string;
  account_id: string;
  agent_id: string;
  agent_instance_id: string;
  parent_span_id: string | null;
  schema_name: string;
  schema_title: string | null;
  status: InstanceStatus;
  payload_json: string;
  result_payload_json: string | null;
  summary: string | null;
  started_at: string;
  finished_at: string | null;
  inserted_at: string;
  updated_at: string;
  /** 'unvalidated' when a schema its span type declares did not compile, so its payloads went unchecked; null otherwise. */
  schema_validation: SpanSchemaValidation | null;
}

/** What `SpanRecord.schema_validation` can say of a span. */
export type SpanSchemaValidation = 'unvalidated';

/** A span without its payload columns: what an outline listing reads. */
export type SpanOutlineRecord = Omit<SpanRecord, 'payload_json' | 'result_payload_json'>;

/** Spans of one instance per status; statuses with no spans may be absent. */
export type SpanStatusCounts = Partial<Record<InstanceStatus, number>>;

/** One idempotency-ledger row: the first successful answer to (account, operation, key). */
export interface IdempotencyRecord {
  account_id: string;
  operation: string;
  key: string;
  /** Digest of the request the key was first used with. */
  fingerprint: string;
  response_status: number;
  /** The response body as JSON text, replayed byte for byte. */
  response_json: string;
  inserted_at: string;
}

/** What a unit claims before doing the work; the response is filled in by `completeIdempotency`. */
export type IdempotencyClaim = Pick<IdempotencyRecord, 'account_id' | 'operation' | 'key' | 'fingerprint' | 'inserted_at'>;

/** Position after which a cursor page continues: the last span of the previous page. */
export interface SpanCursor {
  started_at: string;
  id: string;
}

export interface SpanListQuery {
  account_id: string;
  agent_instance_id: string;
  /** Only the children of this span. */
  parent_span_id?: string;
  /** Inclusive lower bound on `started_at`. */
  start_time?: string;
  /** Inclusive upper bound on `started_at`. */
  end_time?: string;
  after?: SpanCursor;
  limit: number;
}

export const SPAN_SORT_FIELDS = ['started_at', 'id'] as const;
export type SpanSortField = (typeof SPAN_SORT_FIELDS)[number];

/** An offset page of spans: exactly one of `agent_instance_id` (its spans) and `agent_id` (every instance's). */
export interface SpanOffsetQuery {
  account_id: string;
  agent_instance_id?: string;
  agent_id?: string;
  /** Inclusive bounds on `started_at`. */
  start_time?: string;
  end_time?: string;
  /** Ties in started_at are broken by id in the same direction. */
  sort: { field: SpanSortField; direction: 'asc' | 'desc' };
  offset: number;
  limit: number;
}

export const AGENT_SORT_FIELDS = ['name', 'id', 'inserted_at'] as const;
export type AgentSortField = (typeof AGENT_SORT_FIELDS)[number];

export interface AgentPageQuery {
  account_id: string;
  /** Only agents whose label equals the value given. */
  labels?: Partial<Record<AgentLabel, string>>;
  /** Default (inserted_at, asc); ties are broken by id in the same direction. */
  sort?: { field: AgentSortField; direction: 'asc' | 'desc' };
  offset: number;
  limit: number;
}

/** Where an instance stands in the listing: its (started_at ?? inserted_at, id). */
export interface InstanceCursor {
  listed_at: string;
  id: string;
}

export interface InstanceListQuery {
  account_id: string;
  agent_id?: string;
  environment_id?: string;
  status?: InstanceStatus;
  agent_version_id?: string;
  purpose?: InstancePurpose;
  /** Inclusive bounds on started_at ?? inserted_at. */
  since?: string;
  until?: string;
  /** Lowercase words of letters and digits: each must begin a word of one span's schema name or summary. */
  search?: readonly string[];
  /** Only instances listed after this one (older). */
  after?: InstanceCursor;
  limit: number;
  /** An offset page (`pagination[offset]`) instead of a cursor page, in this order (default started_at, desc). */
  offset?: number;
  sort?: { field: InstanceSortField; direction: 'asc' | 'desc' };
  /**
   * The rates sorting by `cost_usd` prices with, by model id as recorded ('' never priced): JSON of
   * `[{model, input, output, cache_read, cache_write, reasoning}]` in USD per million tokens, each
   * rate as billed (the fallbacks of `costOf` applied).
   */
  prices?: string;
}

/** An instance as the listing shows it: with its agent's name and its place in the order. */
export interface ListedInstance extends InstanceRecord {
  agent_name: string;
  listed_at: string;
}

/** Instances of an agent by status (statuses without any are absent). */
export type InstanceStatusCounts = Partial<Record<InstanceStatus, number>>;

/**
 * An alert: a run that reached a high or critical level (`run_risk`), or a span type of a schema
 * version that declares what the agent's profile does not include (`declared_risk_exceedance`).
 * `dedupe_key` is unique in the account: one alert per run, one per schema version × profile ×
 * span type × category or action exceeded, however many writes or processes see it at once.
 */
export interface AlertRecord {
  account_id: string;
  id: string;
  dedupe_key: string;
  /** `type` in answers (an export line's `type` names its row kind). */
  alert_type: 'run_risk' | 'declared_risk_exceedance';
  status: 'open' | 'acknowledged';
  agent_id: string;
  agent_instance_id: string | null;
  agent_schema_version_id: string | null;
  environment_id: string | null;
  risk_profile_id: string;
  risk_level: 'high' | 'critical' | null;
  risk_score: number | null;
  span_type: string | null;
  exceeds_kind: 'category' | 'action' | null;
  exceeds_name: string | null;
  message: string;
  opened_at: string;
  updated_at: string;
  acknowledged_at: string | null;
  acknowledged_note: string | null;
  acknowledged_by: string | null;
}

/** Which alerts a list or count reads. */
export interface AlertFilter {
  account_id: string;
  status?: AlertRecord['status'];
  agent_id?: string;
  environment_id?: string;
}

export interface AlertPageQuery extends AlertFilter {
  sort: { field: 'id' | 'opened_at' | 'updated_at'; direction: 'asc' | 'desc' };
  offset: number;
  limit: number;
}
