/**
 * The store: every engine (SQLite, PostgreSQL) implements this unit-of-work interface, and the
 * domain layer talks to nothing else.
 *
 * Contract
 * - `write(unit)` runs `unit(tx)` as one transaction. The returned promise resolves only after
 *   that transaction has COMMITTED durably (a 2xx may be sent the moment it resolves), and rejects
 *   with the unit's error after everything the unit wrote was rolled back. An engine may group
 *   several units into one physical commit, as long as each unit is isolated (its own savepoint)
 *   and a failing unit rolls back alone.
 * - `writeSequence(units)` runs units in order, each atomic on its own (own transaction or own
 *   savepoint), and stops at the first that throws: later units do not run. It resolves once every
 *   unit that succeeded is durable (bulk requests use it, so an engine may commit them together).
 *   When a unit throws, an engine may undo the units before it and run them all again (SQLite runs
 *   a sequence under one savepoint, then a unit per savepoint once one throws); the outcome is that
 *   of the last run.
 * - A unit only awaits its `tx` (no timers, no network): an engine may run units one after
 *   another on one connection. A unit may be run again after a transient engine failure
 *   (serialization failure, deadlock), so it has no effects outside `tx`.
 * - `writeAdditive(unit)` is `write` for a unit that only claims ledger keys, reads under shared
 *   locks (`lockInstanceShared`) and inserts spans, and whose only write before a throw is its
 *   claim (a span create). Such units cannot undo each other's reads, so an engine may run many at
 *   once interleaved in one transaction and merge their statements; each still commits or fails
 *   alone, and a unit may be run a second time, alone, when the engine cannot keep it in the batch.
 * - `read(unit)` sees committed data only, never a unit still in flight. It gives no snapshot
 *   across statements.
 * - `lockInstance` / `lockSpan` take a row lock held to the end of the transaction
 *   (`SELECT … FOR UPDATE` on PostgreSQL; SQLite writers are serialized anyway), so that of two
 *   concurrent finishes exactly one sees the open row.
 * - `lockAgent` / `lockAgentShared` are the same for an agent row: retire, reinstate, update and
 *   delete take it exclusively, an instance registration shared, so no instance is registered on an
 *   agent a concurrent retire or delete has committed.
 * - `lockInstanceShared` takes a shared lock on the instance row to the end of the transaction
 *   (`SELECT … FOR SHARE` on PostgreSQL; a plain read on SQLite): it waits for a `lockInstance`
 *   holder to commit and then returns the committed row, and `lockInstance` waits for it, while
 *   shared holders do not wait for each other. A span create takes it, so no span is stored on an
 *   instance after a concurrent finish committed, and concurrent creates stay concurrent.
 * - `claimIdempotency` inserts the ledger row for (account_id, operation, key) in this
 *   transaction. If a row exists (or a concurrent transaction holds an uncommitted claim for it,
 *   which the engine waits for), it returns that committed row and inserts nothing. Ledger rows
 *   are visible to others only once committed together with the work they describe.
 * - `spanCounts` is exact under concurrent writers (an indexed COUNT … GROUP BY status, or
 *   counters the engine maintains inside `insertSpan` / `updateSpan`); so is `spanTypeCounts`,
 *   kept inside `insertSpan` / `insertSpansIfAbsent` (a span's type never changes after) and
 *   deleted by the retention purge with the instance's spans.
 * - `activity` reads `span_activity` (spans by account, hour of start, agent, environment and
 *   status), which every write of spans keeps in its own transaction: each insert (`insertSpan`,
 *   `insertSpansIfAbsent`, so imports too), each status change (`updateSpan`, `cancelOpenSpans`)
 *   and each span the purge deletes. It is exact under concurrent writers, as `spanCounts` is.
 * - `spanUsage` is the span's normalised token usage (src/usage), stored by `insertSpan` /
 *   `insertSpansIfAbsent` and changed by `updateSpan` when the result changes it (usage that
 *   arrives with the finish); `instanceModelUsage` is the sum over the instance's spans of those that
 *   do not sum their children, by model, kept by the same writes. `cancelOpenSpans` leaves usage as it was (the
 *   tokens a span reported were spent). The retention purge deletes both with the instance.
 * - `listSpans` orders by (started_at, id) ascending and pages with `after` strictly greater;
 *   engines keep an index on (agent_instance_id, started_at, id), and one on (parent_span_id,
 *   started_at, id) for the children of one span.
 * - `listInstances` orders by (started_at ?? inserted_at, id) descending, pages with `after`
 *   strictly lower, and searches span schema names and summaries through an index (FTS5 on SQLite,
 *   a GIN index on PostgreSQL), never a scan of payloads.
 * - Times are canonical UTC ISO-8601 text with microseconds (`2024-05-01T12:00:00.123456Z`), made
 *   by the domain (`domain/timestamps.ts`); the store keeps and returns them unchanged, and their
 *   text order is their time order. JSON (`*_json`) is text, kept and returned unchanged.
 * - Unique keys: (account_id, id) on every table (risk_profiles too); tokens.token_hash; environments (account_id, name); agents (account_id,
 *   external_identifier) when not null; agent_versions and schema_versions (account_id, agent_id,
 *   external_identifier) when not null; deployments (account_id, agent_id, environment_id);
 *   deployment_versions (account_id, deployment_id, changed_at);
 *   idempotency (account_id, operation, key); alerts (account_id, dedupe_key). The `ensure*` methods insert-or-return-existing on
 *   their natural key, so concurrent registrations share one row instead of failing.
 * - A unique-key violation surfaces as `StoreConflictError`, a lost or unreachable database as
 *   `StoreUnavailableError` (answered 503); other engine errors pass through (answered 500).
 * - Every lookup takes the account id: a row of another account is indistinguishable from none.
 * - Opening an engine runs its versioned migrations (`migrate`, idempotent and safe when two
 *   processes start at once) before it resolves; `close` waits for queued units, then closes; a
 *   second `close` does nothing, and `write` / `read` after it reject.
 */
import type {
  AccountRecord,
  AgentPageQuery,
  AgentRecord,
  AgentVersionRecord,
  AlertFilter,
  AlertPageQuery,
  AlertRecord,
  DeploymentRecord,
  DeploymentUse,
  DeploymentVersionRecord,
  EnvironmentRecord,
  EnvironmentUse,
  IdempotencyClaim,
  IdempotencyRecord,
  InstanceListQuery,
  InstanceRecord,
  InstanceStatusCounts,
  ListedInstance,
  ModelPriceRecord,
  RiskProfileRecord,
  SchemaVersionRecord,
  SpanListQuery,
  SpanOffsetQuery,
  SpanOutlineRecord,
  SpanRecord,
  SpanStatusCounts,
  TokenRecord,
  TokenStatus,
} from './records.js';
import type { ModelCounts, PayloadObjects, SpanUsageRecord } from './span-usage.js';
import type { StoreLoad, StoreProbe } from './store-probe.js';
import type { UsageWritten } from './usage-watch.js';
import type { CopiedTable } from './table-columns.js';
import type { ActivityQuery, ActivityRow } from './activity-sql.js';
import type { RollupQuery, RollupRow } from './analytics-sql.js';

export interface ReadTx {
  findTokenByHash(tokenHash: string): Promise<TokenRecord | undefined>;
  /** Every token of every account, by (inserted_at, id). */
  listTokens(): Promise<TokenRecord[]>;
  /** The account's token of this id. */
  getToken(accountId: string, id: string): Promise<TokenRecord | undefined>;
  /** The account's tokens, by (inserted_at, id). */
  listAccountTokens(accountId: string): Promise<TokenRecord[]>;
  /** The oldest account, if any (used to tell whether a store was bootstrapped). */
  firstAccount(): Promise<AccountRecord | undefined>;

  getAccount(id: string): Promise<AccountRecord | undefined>;

  getEnvironment(accountId: string, id: string): Promise<EnvironmentRecord | undefined>;
  /** The account's environments by (inserted_at, id). */
  listEnvironments(accountId: string): Promise<EnvironmentRecord[]>;
  findEnvironmentByName(accountId: string, name: string): Promise<EnvironmentRecord | undefined>;
  /** How many deployments and agent instances refer to the environment. */
  environmentUse(accountId: string, id: string): Promise<EnvironmentUse>;

  getRiskProfile(accountId: string, id: string): Promise<RiskProfileRecord | undefined>;
  /** The risk profile the agent is assigned, archived or not, in one read; undefined when the agent (or its profile) is missing or it has none. */
  agentRiskProfile(accountId: string, agentId: string): Promise<RiskProfileRecord | undefined>;
  /** The account's risk profiles, archived ones too, by (inserted_at, id). */
  listRiskProfiles(accountId: string): Promise<RiskProfileRecord[]>;
  /** How many of the account's agents name each risk profile id (ids no agent names are absent). */
  riskProfileAgentCounts(accountId: string): Promise<Map<string, number>>;

  /** The account's own model prices (those it set over or beside the shipped ones), by model. */
  listModelPrices(accountId: string): Promise<ModelPriceRecord[]>;

  getAgent(accountId: string, id: string): Promise<AgentRecord | undefined>;
  findAgentByExternalIdentifier(accountId: string, externalIdentifier: string): Promise<AgentRecord | undefined>;
  /** A page of the agents the query's labels select, in its order, with how many it selects in all. */
  listAgents(query: AgentPageQuery): Promise<{ rows: AgentRecord[]; total: number }>;
  /** The agent's instances by status, of one environment when `environmentId` is given. */
  instanceCounts(accountId: string, agentId: string, environmentId?: string): Promise<InstanceStatusCounts>;

  getDeployment(accountId: string, id: string): Promise<DeploymentRecord | undefined>;
  /** Deployments ordered by (inserted_at, id). */
  listDeployments(accountId: string): Promise<DeploymentRecord[]>;
  /** The history of the deployment's current version, oldest change first. */
  listDeploymentVersions(accountId: string, deploymentId: string): Promise<DeploymentVersionRecord[]>;
  /** Whether instances ran on the deployment, and how many tokens are scoped to it. */
  deploymentUse(accountId: string, deployment: Pick<DeploymentRecord, 'id' | 'environment_id'>): Promise<DeploymentUse>;
  getAgentVersion(accountId: string, id: string): Promise<AgentVersionRecord | undefined>;
  getSchemaVersion(accountId: string, id: string): Promise<SchemaVersionRecord | undefined>;
  /** The agent's versions by (inserted_at, id). */
  listAgentVersions(accountId: string, agentId: string): Promise<AgentVersionRecord[]>;
  /** The agent's schema versions by (inserted_at, id). */
  listSchemaVersions(accountId: string, agentId: string): Promise<SchemaVersionRecord[]>;
  /** How many schema versions of the agent have this external_identifier. */
  countSchemaVersions(accountId: string, agentId: string, externalIdentifier: string): Promise<number>;

  getInstance(accountId: string, id: string): Promise<InstanceRecord | undefined>;
  /** Instances newest first by (started_at ?? inserted_at, id), after the query's cursor. */
  listInstances(query: InstanceListQuery): Promise<ListedInstance[]>;
  /** `listInstances` with `offset`, and how many instances its filters hold. */
  pageInstances(query: InstanceListQuery & { offset: number }): Promise<{ rows: ListedInstance[]; total: number }>;
  spanCounts(accountId: string, instanceId: string): Promise<SpanStatusCounts>;
  /** `spanCounts` of each of these instances, read at once (a page of the instance list). */
  spanCountsOf(accountId: string, instanceIds: readonly string[]): Promise<Map<string, SpanStatusCounts>>;
  /**
   * The instance's spans by span type: `schema_name` as stored (a span's type never changes; any
   * name counts under itself, '' included, so the counts always add up to the instance's spans),
   * to the number of its spans of that type. Types without spans are absent. Read from counters
   * the writes keep, never from the spans.
   */
  spanTypeCounts(accountId: string, instanceId: string): Promise<Map<string, number>>;
  /** `spanTypeCounts` of each of these instances, read at once; each id maps to its counts (empty when it has no spans). */
  spanTypeCountsOf(accountId: string, instanceIds: readonly string[]): Promise<Map<string, Map<string, number>>>;

  /**
   * Spans (or runs) by bucket and status for `GET /activity` (see `activitySql` for where each
   * shape reads from); rows may hold a zero count, and statuses without any are absent.
   */
  activity(query: ActivityQuery): Promise<ActivityRow[]>;
  /**
   * Rows of an analytics rollup (`span_rollups`, `run_rollups`, `run_rollup_tokens`, see
   * store/rollups.ts) in the query's ranges, summed by period and the query's key columns.
   */
  rollups(query: RollupQuery): Promise<RollupRow[]>;

  getSpan(accountId: string, id: string): Promise<SpanRecord | undefined>;
  /** The span's normalised token usage; undefined when it carries none. */
  spanUsage(accountId: string, instanceId: string, spanId: string): Promise<SpanUsageRecord | undefined>;
  /** `spanUsage` of each of these spans (ids within their instances), read at once by span id; a span without usage is absent. */
  spanUsageOf(accountId: string, spans: ReadonlyArray<{ agent_instance_id: string; id: string }>): Promise<Map<string, SpanUsageRecord>>;
  /** The instance's token totals over its spans, one per model (ordered by model); empty when none carries usage. */
  instanceModelUsage(accountId: string, instanceId: string): Promise<ModelCounts[]>;
  /** `instanceModelUsage` of each of these instances, read at once; an instance without usage is absent. */
  instanceModelUsageOf(accountId: string, instanceIds: readonly string[]): Promise<Map<string, ModelCounts[]>>;
  /** The model ids (as recorded; null for usage naming none) of the account's run totals, each once. */
  usageModels(accountId: string): Promise<Array<string | null>>;
  /** The spans of these ids that exist, in any order (a trace export looks its spans up at once). */
  findSpans(accountId: string, ids: readonly string[]): Promise<SpanRecord[]>;
  listSpans(query: SpanListQuery): Promise<SpanRecord[]>;
  /** `listSpans` without the payload columns, which are never read. */
  listSpanOutlines(query: SpanListQuery): Promise<SpanOutlineRecord[]>;
  /** An offset page of spans and how many the whole list holds (`pagination[offset]`). */
  pageSpans(query: SpanOffsetQuery): Promise<{ rows: SpanRecord[]; total: number }>;

  getIdempotency(accountId: string, operation: string, key: string): Promise<IdempotencyRecord | undefined>;

  getAlert(accountId: string, id: string): Promise<AlertRecord | undefined>;
  /** The account's alert of this dedupe key (see `AlertRecord`). */
  findAlert(accountId: string, dedupeKey: string): Promise<AlertRecord | undefined>;
  /** A page of the alerts the query selects, in its order (ties by id), with how many it selects in all. */
  pageAlerts(query: AlertPageQuery): Promise<{ rows: AlertRecord[]; total: number }>;
  /** How many alerts the filter selects. */
  countAlerts(filter: AlertFilter): Promise<number>;

  /** What `purgeFinished(before)` would delete, run until nothing is left: finished instances and their spans. */
  purgeable(before: string): Promise<PurgeCounts>;
  /** Ledger rows inserted before `before` (what `pruneIdempotency(before)` would delete). */
  countIdempotencyBefore(before: string): Promise<number>;
  /**
   * Up to `limit` rows of `table` (every account's) in primary-key order, after the row whose key
   * is `after` (the key's column values, see `COPIED_TABLE_KEYS`): how an export walks a table.
   */
  copyPage(table: CopiedTable, after: readonly string[] | undefined, limit: number): Promise<Record<string, unknown>[]>;
  /** Which of these primary keys (each its `COPIED_TABLE_KEYS` values) are stored, as `copiedRowKey` texts. */
  presentRows(table: CopiedTable, keys: ReadonlyArray<readonly string[]>): Promise<Set<string>>;
}

export interface WriteTx extends ReadTx {
  insertAccount(row: AccountRecord): Promise<void>;
  /** Writes the account's name. */
  updateAccount(row: AccountRecord): Promise<void>;
  /** Throws `StoreConflictError` when the id or the name is taken in the account. */
  insertEnvironment(row: EnvironmentRecord): Promise<void>;
  /** Like `getEnvironment`, and locks the row until the transaction ends (an update or delete). */
  lockEnvironment(accountId: string, id: string): Promise<EnvironmentRecord | undefined>;
  /** Like `getEnvironment`, with a shared lock to the end of the transaction: what is made in it cannot race its delete. */
  lockEnvironmentShared(accountId: string, id: string): Promise<EnvironmentRecord | undefined>;
  /** Writes name, purpose, description and updated_at; `StoreConflictError` when the name is taken in the account. */
  updateEnvironment(row: EnvironmentRecord): Promise<void>;
  /** The caller has checked that nothing refers to it (`environmentUse`) under `lockEnvironment`. */
  deleteEnvironment(accountId: string, id: string): Promise<void>;
  /** Throws `StoreConflictError` when (account_id, id) is taken. */
  insertRiskProfile(row: RiskProfileRecord): Promise<void>;
  /** Like `getRiskProfile`, and locks the row until the transaction ends (an update or archive). */
  lockRiskProfile(accountId: string, id: string): Promise<RiskProfileRecord | undefined>;
  /** Like `getRiskProfile`, with a shared lock to the end of the transaction: an agent assigned it cannot race its archive. */
  lockRiskProfileShared(accountId: string, id: string): Promise<RiskProfileRecord | undefined>;
  /** Writes name, description, categories, actions, thresholds, archived_at and updated_at. */
  updateRiskProfile(row: RiskProfileRecord): Promise<void>;
  /** Sets the account's price for a model: inserted, or its rates and updated_at replaced. */
  upsertModelPrice(row: ModelPriceRecord): Promise<void>;
  /** Drops the account's price for a model; false when it had none. */
  deleteModelPrice(accountId: string, model: string): Promise<boolean>;
  /** Throws `StoreConflictError` when the id or the external_identifier is taken. */
  insertAgent(row: AgentRecord): Promise<void>;
  /** Like `getAgent`, and locks the row until the transaction ends. */
  lockAgent(accountId: string, id: string): Promise<AgentRecord | undefined>;
  /** Like `getAgent`, and holds a shared lock on the row until the transaction ends (as `lockInstanceShared`). */
  lockAgentShared(accountId: string, id: string): Promise<AgentRecord | undefined>;
  /** Writes every mutable field of the agent (name, description, labels, status, first_instance_at, updated_at). */
  updateAgent(row: AgentRecord): Promise<void>;
  /**
   * Deletes the agent with what exists only for it: its deployments and their version histories,
   * the tokens scoped to them, its versions and schema versions, its alerts. The caller has checked that it has no instances.
   */
  deleteAgent(accountId: string, id: string): Promise<void>;
  /**
   * Inserts, or returns the existing deployment of (account_id, agent_id, environment_id); an
   * existing one is held with a key-share lock (PostgreSQL) to the end of the transaction, so a
   * concurrent `deleteDeployment` cannot miss what is made on it. An insert starts the deployment's
   * version history with its `current_version_id` at `updated_at`, by `changedByTokenId`.
   */
  ensureDeployment(row: DeploymentRecord, changedByTokenId?: string | null): Promise<DeploymentRecord>;
  /**
   * Sets the deployment's current version when it is another (null clears it), with `updated_at`
   * and a row of its version history at `updatedAt` (replacing one of the same instant); a version
   * it already has changes nothing.
   */
  setDeploymentVersion(
    accountId: string,
    deploymentId: string,
    versionId: string | null,
    updatedAt: string,
    changedByTokenId?: string | null,
  ): Promise<void>;
  /** Like `getDeployment`, and locks the row until the transaction ends (a change or delete). */
  lockDeployment(accountId: string, id: string): Promise<DeploymentRecord | undefined>;
  /** Like `getDeployment`, with a key-share lock to the end of the transaction: what is made on it cannot race its delete. */
  lockDeploymentShared(accountId: string, id: string): Promise<DeploymentRecord | undefined>;
  /** Deletes the deployment and its version history; the caller has checked `deploymentUse` under `lockDeployment`. */
  deleteDeployment(accountId: string, id: string): Promise<void>;
  /** Inserts, or (when external_identifier is set and taken for the agent) returns the existing row. */
  ensureAgentVersion(row: AgentVersionRecord): Promise<AgentVersionRecord>;
  /** Records the runtime (X-Prefactor-SDK) a version's newest registration reported, replacing the one before. */
  setAgentVersionSdk(accountId: string, id: string, sdk: string): Promise<void>;
  /** Inserts, or (when external_identifier is set and taken for the agent) returns the existing row. */
  ensureSchemaVersion(row: SchemaVersionRecord): Promise<SchemaVersionRecord>;
  insertToken(row: TokenRecord): Promise<void>;
  /**
   * `listAccountTokens`, each row locked until the transaction ends: a change of one token's status
   * and the check that the account keeps a usable token run one at a time per account.
   */
  lockAccountTokens(accountId: string): Promise<TokenRecord[]>;
  /** Writes the token's status and updated_at; returns it as written, or undefined when the account has none of that id. */
  setTokenStatus(accountId: string, id: string, status: TokenStatus, updatedAt: string): Promise<TokenRecord | undefined>;
  /** Deletes the token; returns it, or undefined when there is none of that id. */
  deleteToken(id: string): Promise<TokenRecord | undefined>;
  /** Records that the token was used at `usedAt`. */
  touchToken(id: string, usedAt: string): Promise<void>;

  /** Throws `StoreConflictError` when (account_id, id) is taken. */
  insertInstance(row: InstanceRecord): Promise<void>;
  /** Like `getInstance`, and locks the row until the transaction ends. */
  lockInstance(accountId: string, id: string): Promise<InstanceRecord | undefined>;
  /** Like `getInstance`, and holds a shared lock on the row until the transaction ends (see contract). */
  lockInstanceShared(accountId: string, id: string): Promise<InstanceRecord | undefined>;
  /** Writes every mutable field of the instance (status, times, reason, quality maps). */
  updateInstance(row: InstanceRecord): Promise<void>;

  /**
   * Throws `StoreConflictError` when (account_id, id) is taken. `made`: the objects the row's
   * payload texts were just made from (`JSON.stringify` of parsed JSON), when the caller has them:
   * its usage is then read from them instead of parsing the texts again, a good part of what
   * storing a model call costs.
   */
  insertSpan(row: SpanRecord, made?: PayloadObjects): Promise<void>;
  /**
   * Inserts every row whose (account_id, id) is free and skips the others (a concurrent
   * transaction's insert of the same id is waited for, then skipped); returns the ids inserted.
   * Counted like `insertSpan`.
   */
  insertSpansIfAbsent(rows: readonly SpanRecord[]): Promise<string[]>;
  /** Like `getSpan`, and locks the row until the transaction ends. */
  lockSpan(accountId: string, id: string): Promise<SpanRecord | undefined>;
  /**
   * Writes the finish fields (status, result_payload_json, summary, finished_at, updated_at).
   * `previousResultJson` is the result the span had (unchanged when not given): a new result may
   * change the span's usage and its run's totals.
   */
  updateSpan(row: SpanRecord, previousStatus: SpanRecord['status'], previousResultJson?: string | null): Promise<void>;
  /**
   * From now until called with null, each span write (`insertSpan`, `insertSpansIfAbsent`,
   * `updateSpan`) adds to `sink` what it added to its run's token totals: for counters kept outside
   * the store (Prometheus), told once the write commits.
   */
  watchUsage(sink: UsageWritten[] | null): void;
  /**
   * Finishes every open span of the instance `cancelled` at once (one statement per open status at
   * most): `result_payload_json` as given, `finished_at` = `at` (or the span's `started_at` when
   * later), `updated_at` = `at`; counted as `updateSpan` counts. Finished spans are untouched. Returns
   * the spans as it left them, by (started_at, id).
   */
  cancelOpenSpans(accountId: string, instanceId: string, resultPayloadJson: string, at: string): Promise<SpanRecord[]>;

  /**
   * Inserts the alert unless the account has one of its id or its dedupe_key (a concurrent
   * transaction's insert of the same key is waited for, then skipped); whether it inserted.
   */
  insertAlertIfAbsent(row: AlertRecord): Promise<boolean>;
  /** Like `findAlert`, and locks the row until the transaction ends. */
  lockAlertByKey(accountId: string, dedupeKey: string): Promise<AlertRecord | undefined>;
  /** Like `getAlert`, and locks the row until the transaction ends. */
  lockAlert(accountId: string, id: string): Promise<AlertRecord | undefined>;
  /** Writes status, level, score, message, updated_at and the acknowledgement. */
  updateAlert(row: AlertRecord): Promise<void>;

  /** Inserts the claim, or returns the committed row already holding this key (see contract). */
  claimIdempotency(claim: IdempotencyClaim): Promise<IdempotencyRecord | undefined>;
  /** Stores the response of a claimed key: the answer, or the operation's receipt to rebuild it from. */
  completeIdempotency(accountId: string, operation: string, key: string, response: { status: number; json: string }): Promise<void>;
  /**
   * Deletes ledger rows inserted before `before`, never a younger one; returns how many. A row
   * committed after a younger one may stay until a later prune.
   */
  pruneIdempotency(before: string): Promise<number>;
  /**
   * One small step of a retention purge: deletes up to `spanBudget` spans of instances that
   * finished before `before` (status final, `finished_at` earlier), and each such instance whose
   * spans are all gone, with its span counts, search rows and alerts. Open instances are never touched.
   * Returns what it deleted; zero of both means nothing is left to purge. On PostgreSQL a purge in
   * another process skips the instances this one holds, so concurrent purgers do not wait on or
   * repeat each other.
   */
  purgeFinished(before: string, spanBudget: number): Promise<PurgeCounts>;
  /**
   * Inserts each row whose primary key is free and skips the others (an import run twice changes
   * nothing); a row that collides on another unique key throws `StoreConflictError`. Spans are
   * counted as `insertSpansIfAbsent` counts them. Returns how many rows were inserted.
   */
  copyRowsIn(table: CopiedTable, rows: ReadonlyArray<Record<string, unknown>>): Promise<number>;
  /**
   * Has the store's broadcast send `message` when this transaction commits, and only then: a
   * change that others must hear of cannot commit unheard. Nothing where the store has no
   * broadcast (SQLite). Not in additive units.
   */
  broadcastOnCommit(message: string): void;
}

/** What a retention purge deleted (or would delete). */
export interface PurgeCounts {
  instances: number;
  spans: number;
}

/** Results of the units that ran and succeeded, in order, and the error that stopped the sequence. */
export interface SequenceOutcome<T> {
  results: T[];
  /** Present when a unit threw; `results.length` is that unit's index. */
  failure?: { error: unknown };
}

/** What a listener of a broadcast is told. */
export interface Listeners {
  /** Each message sent from now on, in the order they were sent. */
  message(message: string): void;
  /** The connection was lost: messages may be missed until `restored`. */
  lost(): void;
  /** Listening again after `lost`; what was sent in between is not delivered. */
  restored?(): void;
}

/** Messages between the server processes that share one store. */
export interface Broadcast {
  /** Sends a message (at most 7,800 bytes) to every process listening, this one included; resolves once sent (or failed to). */
  send(message: string): Promise<void>;
  /**
   * Sends a message (at most 7,700 bytes) and resolves once every session listening when it was
   * sent has handed it to its `message` listener, or after a timeout, with how many did not.
   */
  sendConfirmed(message: string): Promise<{ unconfirmed: number }>;
  /** Tells `listeners` of what happens from now on, until the returned function is called. */
  listen(listeners: Listeners): Promise<() => Promise<void>>;
}

export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  /** Present where several server processes may share the store (PostgreSQL); SQLite has one. */
  readonly broadcast?: Broadcast;
  /**
   * Where no broadcast exists (SQLite): a value that changes whenever another process has committed
   * to the store (e.g. `agentspan tokens revoke`), for caches of this process to start over.
   */
  readonly othersCommitted?: () => unknown;
  /** Commit and fsync timings, for metrics. */
  readonly probe: StoreProbe;
  /** How many writes wait, and the connection pool's use (PostgreSQL), now. */
  load(): StoreLoad;
  write<T>(unit: (tx: WriteTx) => Promise<T>): Promise<T>;
  writeAdditive<T>(unit: (tx: WriteTx) => Promise<T>): Promise<T>;
  writeSequence<T>(units: ReadonlyArray<(tx: WriteTx) => Promise<T>>): Promise<SequenceOutcome<T>>;
  read<T>(unit: (tx: ReadTx) => Promise<T>): Promise<T>;
  /** Runs pending migrations; openers call it before handing the store out. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}
