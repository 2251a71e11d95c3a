import { StoreConflictError } from '../errors.js';
import type { WriteTx } from '../store.js';
import type {
  AlertRecord,
  AccountRecord,
  AgentRecord,
  AgentVersionRecord,
  DeploymentRecord,
  EnvironmentRecord,
  IdempotencyClaim,
  IdempotencyRecord,
  InstanceRecord,
  ModelPriceRecord,
  RiskProfileRecord,
  SchemaVersionRecord,
  SpanRecord,
  TokenRecord,
  TokenStatus,
} from '../records.js';
import { agentDeletionSql, agentUpdateSql, agentUpdateValues, agentVersionSdkSql } from '../agent-sql.js';
import { deploymentDeletionSql, deploymentVersionUpsertSql } from '../deployment-sql.js';
import { environmentUpdateSql, environmentUpdateValues } from '../environment-sql.js';
import { modelPriceDeleteSql, modelPriceUpsertSql } from '../model-price-sql.js';
import { riskProfileUpdateSql, riskProfileUpdateValues } from '../risk-profile-sql.js';
import {
  columnValues,
  COPIED_TABLE_KEYS,
  ledgerKey,
  OPEN_STATUSES_SQL,
  TABLE_COLUMNS,
  type CopiedTable,
  type InsertableTable,
} from '../table-columns.js';
import { spanUsageValues, usageChange, usageOfSpan, type PayloadObjects, type SpanUsage } from '../span-usage.js';
import { spanUsage } from '../../usage/normalise.js';
import { UsageWatch, type UsageWritten } from '../usage-watch.js';
import { TOKEN_COLUMNS } from '../rollups.js';
import {
  addRunRollups,
  addRunTokens,
  addSpanRollups,
  runDeltas,
  runModelTokens,
  runTokenDeltas,
  spanDeltas,
  spanInstanceJoin,
} from './rollup-sql.js';

/** A usage as the parameters of \`usageParams\`: model, sums_children, the token columns (NULLs for none). */
const usageParamValues = (usage: SpanUsage | null): unknown[] =>
  usage === null ? [null, null, ...TOKEN_COLUMNS.map(() => null)] : [usage.model, usage.sums_children, ...TOKEN_COLUMNS.map((c) => usage[c])];
import { PURGE, PURGE_CANDIDATES } from './purge-sql.js';
import { ALERTS } from './alert-statements.js';
import { alertUpdateValues } from '../alert-sql.js';
import { USAGE_WRITES, usageParts, usageValues } from './usage-sql.js';
import { PostgresReadTx } from './read-tx.js';
import { literal, statement, type Sql, type Statement } from './sql.js';
import { addSpanActivity, spanActivityJoin, spanActivityKey } from './span-activity-sql.js';

/**
 * `ON CONFLICT DO NOTHING` (every unique key) instead of letting a violation abort the
 * transaction: the unit sees `StoreConflictError` and its transaction stays usable, as on SQLite.
 */
function insertInto(table: InsertableTable, returning = '') {
  const columns = TABLE_COLUMNS[table];
  return statement(
    table,
    `insert_${table}`,
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})
     ON CONFLICT DO NOTHING ${returning}`,
  );
}

/**
 * Inserts span rows (`rows`: one or more parenthesised value lists) and counts them, by status and
 * by span type, in the same statement. Counters are kept per writing backend (slot =
 * pg_backend_pid()), summed when read. A backend runs one transaction at a time, so no two
 * transactions in flight ever share a counter row: concurrent creates on one instance do not wait
 * for each other's commit, and each delta stays in its writer's transaction, so the sum is exact.
 * `onConflict` applies to the span insert; rows it skips are not counted.
 */
export const insertSpansCounted = (rows: string, onConflict = '', answering?: 'id', usage?: string) => {
  const inserted = `inserted AS (
     INSERT INTO spans (${TABLE_COLUMNS.spans.join(', ')}) VALUES ${rows} ${onConflict}
     RETURNING id, account_id, agent_instance_id, agent_id, started_at, finished_at, status, schema_name)`;
  const byStatus = `INSERT INTO span_counts (account_id, agent_instance_id, status, slot, n)
   SELECT account_id, agent_instance_id, status, pg_backend_pid(), count(*) FROM inserted
   GROUP BY account_id, agent_instance_id, status
   ON CONFLICT (account_id, agent_instance_id, status, slot) DO UPDATE SET n = span_counts.n + excluded.n`;
  const byType = `INSERT INTO span_type_counts (account_id, agent_instance_id, schema_name, slot, n)
   SELECT account_id, agent_instance_id, schema_name, pg_backend_pid(), count(*) FROM inserted
   GROUP BY account_id, agent_instance_id, schema_name
   ON CONFLICT (account_id, agent_instance_id, schema_name, slot) DO UPDATE SET n = span_type_counts.n + excluded.n`;
  const byHour = addSpanActivity(`SELECT ${spanActivityKey('s')}, s.status AS status, 1 AS n FROM inserted AS s ${spanActivityJoin('s')}`);
  // `usage` (usageValues of the rows) stores the usage of the spans inserted, in the same statement.
  const used = usage === undefined ? '' : usageParts(usage);
  // The analytics rollups: each span by its key, and its tokens under its run's key.
  const usageRows = usage === undefined ? NO_USAGE : 'used';
  const rolled = `, rolled AS (${addSpanRollups(
    `SELECT ${spanDeltas('s', 'u', 's.status', '1')} FROM inserted AS s ${spanInstanceJoin('s')}
     LEFT JOIN ${usageRows} AS u ON u.account_id = s.account_id AND u.span_id = s.id`,
  )})${
    usage === undefined
      ? ''
      : `, run_tokens AS (${addRunTokens(
          `SELECT ${runTokenDeltas('r', 'u', '1')} FROM used AS u JOIN agent_instances AS r ON r.account_id = u.account_id AND r.id = u.agent_instance_id`,
        )})`
  }`;
  // `answering` names the inserted rows' ids, the countings then run as parts of the statement.
  return answering
    ? `WITH ${inserted}, counted AS (${byStatus}), typed AS (${byType}), hourly AS (${byHour})${used}${rolled} SELECT id FROM inserted`
    : `WITH ${inserted}, counted AS (${byStatus}), typed AS (${byType})${used}${rolled}
   ${byHour}`;
};

/** No usage rows, for a statement whose spans carry none. */
const NO_USAGE = `(SELECT NULL::text AS account_id, NULL::text AS span_id, NULL::text AS model, NULL::boolean AS sums_children,
  ${TOKEN_COLUMNS.map((c) => `NULL::bigint AS ${c}`).join(', ')} WHERE false)`;

/** A usage row from parameters `$first`… (model, sums_children, then the token columns). */
const usageParams = (first: number) =>
  `(SELECT $${first}::text AS model, $${first + 1}::boolean AS sums_children, ${TOKEN_COLUMNS.map((c, i) => `$${first + 2 + i}::bigint AS ${c}`).join(', ')})`;

/**
 * A finish's move in the rollups: the span ($1, $2) as it was (status $3, usage $4…$11) taken
 * away, as it is now (usage $12…$19) added; with `tokens`, its run's tokens move too.
 */
const moveSpanRollups = (tokens: boolean) => `WITH s AS (SELECT * FROM spans WHERE account_id = $1 AND id = $2),
   rolled AS (${addSpanRollups(
     `SELECT ${spanDeltas('s', 'o', '$3::text', '-1')} FROM s ${spanInstanceJoin('s')} CROSS JOIN ${usageParams(4)} AS o
      UNION ALL SELECT ${spanDeltas('s', 'w', 's.status', '1')} FROM s ${spanInstanceJoin('s')} CROSS JOIN ${usageParams(12)} AS w`,
   )})
   ${
     tokens
       ? addRunTokens(
           `SELECT ${runTokenDeltas('r', 'o', '-1')} FROM s JOIN agent_instances AS r ON r.account_id = s.account_id AND r.id = s.agent_instance_id CROSS JOIN ${usageParams(4)} AS o
            UNION ALL SELECT ${runTokenDeltas('r', 'w', '1')} FROM s JOIN agent_instances AS r ON r.account_id = s.account_id AND r.id = s.agent_instance_id CROSS JOIN ${usageParams(12)} AS w`,
         )
       : 'SELECT 1'
   }`;

/** Whether a run's change moves it in run_rollups (key or duration), and its tokens (key). */
const RUN_MOVED = `(o.status, coalesce(o.started_at, o.inserted_at), o.finished_at) IS DISTINCT FROM (w.status, coalesce(w.started_at, w.inserted_at), w.finished_at)`;
const RUN_KEY_MOVED = `(o.status, coalesce(o.started_at, o.inserted_at)) IS DISTINCT FROM (w.status, coalesce(w.started_at, w.inserted_at))`;

const SPAN_KEY = 'account_id = $1 AND id = $2';
const CANCELLED_USAGE = 'LEFT JOIN span_usage AS u ON u.account_id = c.account_id AND u.agent_instance_id = c.agent_instance_id AND u.span_id = c.id';
const SPAN_UPDATE = 'status = $3, result_payload_json = $4, summary = $5, finished_at = $6, updated_at = $7';

const WRITES = {
  notify: statement('tokens', 'notify', 'SELECT pg_notify($1, $2)'),
  accounts: insertInto('accounts'),
  environments: insertInto('environments'),
  updateAccount: statement('accounts', 'update_account', 'UPDATE accounts SET name = $1 WHERE id = $2'),
  lockEnvironment: statement('environments', 'lock_environment', 'SELECT * FROM environments WHERE account_id = $1 AND id = $2 FOR UPDATE'),
  lockEnvironmentShared: statement(
    'environments',
    'lock_environment_shared',
    'SELECT * FROM environments WHERE account_id = $1 AND id = $2 FOR SHARE',
  ),
  updateEnvironment: statement(
    'environments',
    'update_environment',
    environmentUpdateSql((n) => `$${n}`),
  ),
  deleteEnvironment: statement('environments', 'delete_environment', 'DELETE FROM environments WHERE account_id = $1 AND id = $2'),
  risk_profiles: insertInto('risk_profiles'),
  lockRiskProfile: statement('risk_profiles', 'lock_risk_profile', 'SELECT * FROM risk_profiles WHERE account_id = $1 AND id = $2 FOR UPDATE'),
  lockRiskProfileShared: statement(
    'risk_profiles',
    'lock_risk_profile_shared',
    'SELECT * FROM risk_profiles WHERE account_id = $1 AND id = $2 FOR SHARE',
  ),
  updateRiskProfile: statement(
    'risk_profiles',
    'update_risk_profile',
    riskProfileUpdateSql((n) => `$${n}`),
  ),
  upsertModelPrice: statement(
    'model_prices',
    'upsert_model_price',
    modelPriceUpsertSql((n) => `$${n}`),
  ),
  deleteModelPrice: statement(
    'model_prices',
    'delete_model_price',
    modelPriceDeleteSql((n) => `$${n}`),
  ),
  agents: insertInto('agents'),
  deployments: insertInto('deployments', 'RETURNING *'),
  agent_versions: insertInto('agent_versions', 'RETURNING *'),
  schema_versions: insertInto('schema_versions', 'RETURNING *'),
  tokens: insertInto('tokens'),
  deleteToken: statement('tokens', 'delete_token', 'DELETE FROM tokens WHERE id = $1 RETURNING *'),
  touchToken: statement('tokens', 'touch_token', 'UPDATE tokens SET last_used_at = $2 WHERE id = $1'),
  lockAccountTokens: statement('tokens', 'lock_account_tokens', 'SELECT * FROM tokens WHERE account_id = $1 ORDER BY inserted_at, id FOR UPDATE'),
  setTokenStatus: statement(
    'tokens',
    'set_token_status',
    'UPDATE tokens SET status = $3, updated_at = $4 WHERE account_id = $1 AND id = $2 RETURNING *',
  ),
  agent_instances: insertInto('agent_instances'),
  lockAgent: statement('agents', 'lock_agent', 'SELECT * FROM agents WHERE account_id = $1 AND id = $2 FOR UPDATE'),
  lockAgentShared: statement('agents', 'lock_agent_shared', 'SELECT * FROM agents WHERE account_id = $1 AND id = $2 FOR SHARE'),
  updateAgent: statement(
    'agents',
    'update_agent',
    agentUpdateSql((n) => `$${n}`),
  ),
  // Key-share: a registration on it cannot race its delete, and does not wait for a version change.
  deploymentByKey: statement(
    'deployments',
    'deployment_by_key',
    'SELECT * FROM deployments WHERE account_id = $1 AND agent_id = $2 AND environment_id = $3 FOR KEY SHARE',
  ),
  lockDeployment: statement('deployments', 'lock_deployment', 'SELECT * FROM deployments WHERE account_id = $1 AND id = $2 FOR UPDATE'),
  lockDeploymentShared: statement(
    'deployments',
    'lock_deployment_shared',
    'SELECT * FROM deployments WHERE account_id = $1 AND id = $2 FOR KEY SHARE',
  ),
  upsertDeploymentVersion: statement(
    'deployment_versions',
    'upsert_deployment_version',
    deploymentVersionUpsertSql((n) => `$${n}`),
  ),
  agentVersionByExternal: statement(
    'agent_versions',
    'agent_version_by_external',
    'SELECT * FROM agent_versions WHERE account_id = $1 AND agent_id = $2 AND external_identifier = $3',
  ),
  setAgentVersionSdk: statement(
    'agent_versions',
    'set_agent_version_sdk',
    agentVersionSdkSql((n) => `$${n}`),
  ),
  schemaVersionByExternal: statement(
    'schema_versions',
    'schema_version_by_external',
    'SELECT * FROM schema_versions WHERE account_id = $1 AND agent_id = $2 AND external_identifier = $3 AND document_hash = $4',
  ),
  setDeploymentVersion: statement(
    'deployments',
    'set_deployment_version',
    // Only when the version is another, and then its history row, in one round trip.
    `WITH changed AS (
       UPDATE deployments SET current_version_id = $3, updated_at = $4
       WHERE account_id = $1 AND id = $2 AND current_version_id IS DISTINCT FROM $3
       RETURNING account_id, id)
     INSERT INTO deployment_versions (${TABLE_COLUMNS.deployment_versions.join(', ')})
     SELECT account_id, id, $4, $3, CAST($5 AS TEXT) FROM changed
     ON CONFLICT (account_id, deployment_id, changed_at)
     DO UPDATE SET version_id = excluded.version_id, changed_by_token_id = excluded.changed_by_token_id`,
  ),
  lockInstance: statement('agent_instances', 'lock_instance', 'SELECT * FROM agent_instances WHERE account_id = $1 AND id = $2 FOR UPDATE'),
  lockInstanceShared: statement(
    'agent_instances',
    'lock_instance_shared',
    'SELECT * FROM agent_instances WHERE account_id = $1 AND id = $2 FOR SHARE',
  ),
  updateInstance: statement(
    'agent_instances',
    'update_instance',
    `WITH o AS (SELECT * FROM agent_instances WHERE account_id = $1 AND id = $2),
     w AS (
       UPDATE agent_instances SET status = $3, started_at = $4, finished_at = $5, termination_reason = $6,
         quality_payloads_json = $7, quality_summaries_json = $8, updated_at = $9, terminated_by_token_id = $10
       WHERE account_id = $1 AND id = $2 RETURNING *
     ), rolled AS (${addRunRollups(
       `SELECT ${runDeltas('o', '-1')} FROM o, w WHERE ${RUN_MOVED} UNION ALL SELECT ${runDeltas('w', '1')} FROM o, w WHERE ${RUN_MOVED}`,
     )})
     ${addRunTokens(
       `SELECT ${runTokenDeltas('o', 'u', '-1')} FROM o, w, ${runModelTokens('$1', '$2')} AS u WHERE ${RUN_KEY_MOVED}
        UNION ALL SELECT ${runTokenDeltas('w', 'u', '1')} FROM o, w, ${runModelTokens('$1', '$2')} AS u WHERE ${RUN_KEY_MOVED}`,
     )}`,
  ),
  runInserted: statement(
    'agent_instances',
    'run_inserted',
    addRunRollups(`SELECT ${runDeltas('r', '1')} FROM agent_instances AS r WHERE r.account_id = $1 AND r.id = $2`),
  ),
  moveSpanRollups: statement('spans', 'move_span_rollups', moveSpanRollups(false)),
  moveSpanRollupsAndTokens: statement('spans', 'move_span_rollups_tokens', moveSpanRollups(true)),
  lockSpan: statement('spans', 'lock_span', 'SELECT * FROM spans WHERE account_id = $1 AND id = $2 FOR UPDATE'),
  updateSpan: statement('spans', 'update_span', `UPDATE spans SET ${SPAN_UPDATE} WHERE ${SPAN_KEY}`),
  insertSpan: statement(
    'spans',
    'insert_span_counted',
    insertSpansCounted(`(${TABLE_COLUMNS.spans.map((_, i) => `$${i + 1}`).join(', ')})`, 'ON CONFLICT DO NOTHING'),
  ),
  // A status change moves one from the old status to the new, in the statement that changes it.
  updateSpanMovingCount: statement(
    'spans',
    'update_span_moving_count',
    `WITH updated AS (
       UPDATE spans SET ${SPAN_UPDATE} WHERE ${SPAN_KEY} RETURNING account_id, agent_instance_id, agent_id, started_at
     ), counted AS (
       INSERT INTO span_counts (account_id, agent_instance_id, status, slot, n)
       SELECT account_id, agent_instance_id, delta.status, pg_backend_pid(), delta.n
         FROM updated, (VALUES ($8::text, -1), ($3::text, 1)) AS delta (status, n)
       ON CONFLICT (account_id, agent_instance_id, status, slot) DO UPDATE SET n = span_counts.n + excluded.n
     )
     ${addSpanActivity(`SELECT ${spanActivityKey('u')}, delta.status AS status, delta.n AS n
        FROM updated AS u ${spanActivityJoin('u')} CROSS JOIN (VALUES ($8::text, -1), ($3::text, 1)) AS delta (status, n)`)}`,
  ),
  /*
   * The open spans are locked first, so each one's status before the update is known (a finish that
   * commits meanwhile takes its span out of the set); the counts move in the same statement.
   */
  cancelOpenSpans: statement(
    'spans',
    'cancel_open_spans',
    `WITH still_open AS (
       SELECT id, status FROM spans WHERE account_id = $1 AND agent_instance_id = $2 AND status IN ${OPEN_STATUSES_SQL} FOR UPDATE
     ), closed AS (
       UPDATE spans s SET status = 'cancelled', result_payload_json = $3, finished_at = GREATEST(s.started_at, $4), updated_at = $4
       FROM still_open WHERE s.account_id = $1 AND s.id = still_open.id
       RETURNING s.*, still_open.status AS previous_status
     ), counted AS (
       INSERT INTO span_counts (account_id, agent_instance_id, status, slot, n)
       SELECT $1, $2, delta.status, pg_backend_pid(), sum(delta.n)
         FROM closed, LATERAL (VALUES (closed.previous_status, -1), ('cancelled', 1)) AS delta (status, n)
       GROUP BY delta.status
       ON CONFLICT (account_id, agent_instance_id, status, slot) DO UPDATE SET n = span_counts.n + excluded.n
     ), hourly AS (
       ${addSpanActivity(`SELECT ${spanActivityKey('c')}, delta.status AS status, delta.n AS n
          FROM closed AS c ${spanActivityJoin('c')}
          CROSS JOIN LATERAL (VALUES (c.previous_status, -1), ('cancelled', 1)) AS delta (status, n)`)}
     ), rolled AS (
       ${addSpanRollups(
         `SELECT ${spanDeltas('c', 'u', 'c.previous_status', '-1')} FROM closed AS c ${spanInstanceJoin('c')} ${CANCELLED_USAGE}
          UNION ALL SELECT ${spanDeltas('c', 'u', 'c.status', '1')} FROM closed AS c ${spanInstanceJoin('c')} ${CANCELLED_USAGE}`,
       )}
     )
     SELECT ${TABLE_COLUMNS.spans.join(', ')} FROM closed ORDER BY started_at, id`,
  ),
  // The claim holds the key's row from here to commit; the response is filled in by completing it.
  claimIdempotency: statement(
    'idempotency',
    'claim_idempotency',
    `INSERT INTO idempotency (account_id, operation, key, fingerprint, response_status, response_json, inserted_at)
     VALUES ($1, $2, $3, $4, 0, '', $5) ON CONFLICT DO NOTHING`,
  ),
  completeIdempotency: statement(
    'idempotency',
    'complete_idempotency',
    'UPDATE idempotency SET response_status = $4, response_json = $5 WHERE account_id = $1 AND operation = $2 AND key = $3',
  ),
  dropClaim: statement('idempotency', 'drop_claim', 'DELETE FROM idempotency WHERE account_id = $1 AND operation = $2 AND key = $3'),
  // In batches: each statement stays well inside the statement timeout however much has piled up.
  pruneIdempotency: statement(
    'idempotency',
    'prune_idempotency',
    `DELETE FROM idempotency WHERE (account_id, operation, key) IN (
       SELECT account_id, operation, key FROM idempotency WHERE inserted_at < $1 LIMIT $2)`,
  ),
  // Serializes "is this store bootstrapped yet?" between processes for the rest of the transaction.
  bootstrapLock: statement('accounts', 'bootstrap_lock', "SELECT pg_advisory_xact_lock(hashtext('agentspan:first_account'))"),
} satisfies Record<string, Statement>;

const AGENT_DELETIONS = agentDeletionSql((n) => `$${n}`).map((text, i) => statement('agents', `delete_agent_${i}`, text));
const DEPLOYMENT_DELETIONS = deploymentDeletionSql((n) => `$${n}`).map((text, i) => statement('deployments', `delete_deployment_${i}`, text));

const PRUNE_BATCH = 5000;

/** One unit's view of its transaction's connection. */
export class PostgresWriteTx extends PostgresReadTx implements WriteTx {
  /** Claims of this unit not completed yet, by ledger key. */
  readonly #claims = new Map<string, unknown[]>();
  /** The store's broadcast channel. */
  readonly #channel: string | undefined;
  readonly #usageWatch = new UsageWatch();

  constructor(sql: Sql, channel?: string) {
    super(sql);
    this.#channel = channel;
  }

  broadcastOnCommit(message: string) {
    if (this.#channel === undefined) throw new Error('this transaction was opened without the store broadcast channel');
    // NOTIFY is transactional: PostgreSQL delivers it at COMMIT, and drops it on rollback.
    this.sql.defer(WRITES.notify, [this.#channel, message]);
  }

  async #insertOrConflict(table: Exclude<InsertableTable, 'spans' | 'idempotency' | 'deployment_versions' | 'alerts' | 'model_prices'>, row: object) {
    if ((await this.sql.change(WRITES[table], columnValues(table, row))) === 0) throw new StoreConflictError(table);
  }

  override async firstAccount() {
    await this.sql.rows(WRITES.bootstrapLock, []);
    return super.firstAccount();
  }

  insertAccount(row: AccountRecord) {
    return this.#insertOrConflict('accounts', row);
  }
  async updateAccount(row: AccountRecord) {
    await this.sql.change(WRITES.updateAccount, [row.name, row.id]);
  }
  insertEnvironment(row: EnvironmentRecord) {
    return this.#insertOrConflict('environments', row);
  }
  lockEnvironment(accountId: string, id: string) {
    return this.sql.first<EnvironmentRecord>(WRITES.lockEnvironment, [accountId, id]);
  }
  lockEnvironmentShared(accountId: string, id: string) {
    return this.sql.first<EnvironmentRecord>(WRITES.lockEnvironmentShared, [accountId, id]);
  }
  async updateEnvironment(row: EnvironmentRecord) {
    await this.sql.change(WRITES.updateEnvironment, environmentUpdateValues(row));
  }
  async deleteEnvironment(accountId: string, id: string) {
    await this.sql.change(WRITES.deleteEnvironment, [accountId, id]);
  }
  insertRiskProfile(row: RiskProfileRecord) {
    return this.#insertOrConflict('risk_profiles', row);
  }
  lockRiskProfile(accountId: string, id: string) {
    return this.sql.first<RiskProfileRecord>(WRITES.lockRiskProfile, [accountId, id]);
  }
  lockRiskProfileShared(accountId: string, id: string) {
    return this.sql.first<RiskProfileRecord>(WRITES.lockRiskProfileShared, [accountId, id]);
  }
  async updateRiskProfile(row: RiskProfileRecord) {
    await this.sql.change(WRITES.updateRiskProfile, riskProfileUpdateValues(row));
  }
  async upsertModelPrice(row: ModelPriceRecord) {
    await this.sql.change(WRITES.upsertModelPrice, columnValues('model_prices', row));
  }
  async deleteModelPrice(accountId: string, model: string) {
    return (await this.sql.change(WRITES.deleteModelPrice, [accountId, model])) > 0;
  }
  insertAgent(row: AgentRecord) {
    return this.#insertOrConflict('agents', row);
  }
  lockAgent(accountId: string, id: string) {
    return this.sql.first<AgentRecord>(WRITES.lockAgent, [accountId, id]);
  }
  lockAgentShared(accountId: string, id: string) {
    return this.sql.first<AgentRecord>(WRITES.lockAgentShared, [accountId, id]);
  }
  async updateAgent(row: AgentRecord) {
    await this.sql.change(WRITES.updateAgent, agentUpdateValues(row));
  }
  async deleteAgent(accountId: string, id: string) {
    for (const deletion of AGENT_DELETIONS) await this.sql.change(deletion, [accountId, id]);
  }
  async ensureDeployment(row: DeploymentRecord, changedByTokenId: string | null = null) {
    const inserted = await this.sql.first<DeploymentRecord>(WRITES.deployments, columnValues('deployments', row));
    if (inserted) {
      await this.sql.change(WRITES.upsertDeploymentVersion, [row.account_id, row.id, row.updated_at, row.current_version_id, changedByTokenId]);
      return inserted;
    }
    const existing = await this.sql.first<DeploymentRecord>(WRITES.deploymentByKey, [row.account_id, row.agent_id, row.environment_id]);
    // Nothing under the natural key: the insert hit the (account_id, id) key instead.
    if (!existing) throw new StoreConflictError('deployments');
    return existing;
  }
  async setDeploymentVersion(
    accountId: string,
    deploymentId: string,
    versionId: string | null,
    updatedAt: string,
    changedByTokenId: string | null = null,
  ) {
    await this.sql.change(WRITES.setDeploymentVersion, [accountId, deploymentId, versionId, updatedAt, changedByTokenId]);
  }
  lockDeployment(accountId: string, id: string) {
    return this.sql.first<DeploymentRecord>(WRITES.lockDeployment, [accountId, id]);
  }
  lockDeploymentShared(accountId: string, id: string) {
    return this.sql.first<DeploymentRecord>(WRITES.lockDeploymentShared, [accountId, id]);
  }
  async deleteDeployment(accountId: string, id: string) {
    for (const deletion of DEPLOYMENT_DELETIONS) await this.sql.change(deletion, [accountId, id]);
  }
  ensureAgentVersion(row: AgentVersionRecord) {
    return this.#ensure('agent_versions', row, WRITES.agentVersionByExternal, [row.account_id, row.agent_id, row.external_identifier]);
  }
  async setAgentVersionSdk(accountId: string, id: string, sdk: string) {
    await this.sql.change(WRITES.setAgentVersionSdk, [sdk, accountId, id, sdk]);
  }
  ensureSchemaVersion(row: SchemaVersionRecord) {
    return this.#ensure('schema_versions', row, WRITES.schemaVersionByExternal, [
      row.account_id,
      row.agent_id,
      row.external_identifier,
      row.document_hash,
    ]);
  }
  insertToken(row: TokenRecord) {
    return this.#insertOrConflict('tokens', row);
  }
  deleteToken(id: string) {
    return this.sql.first<TokenRecord>(WRITES.deleteToken, [id]);
  }
  lockAccountTokens(accountId: string) {
    return this.sql.rows<TokenRecord>(WRITES.lockAccountTokens, [accountId]);
  }
  setTokenStatus(accountId: string, id: string, status: TokenStatus, updatedAt: string) {
    return this.sql.first<TokenRecord>(WRITES.setTokenStatus, [accountId, id, status, updatedAt]);
  }
  async touchToken(id: string, usedAt: string) {
    await this.sql.change(WRITES.touchToken, [id, usedAt]);
  }
  async insertInstance(row: InstanceRecord) {
    await this.#insertOrConflict('agent_instances', row);
    await this.sql.change(WRITES.runInserted, [row.account_id, row.id]);
  }
  lockInstance(accountId: string, id: string) {
    return this.sql.first<InstanceRecord>(WRITES.lockInstance, [accountId, id]);
  }
  lockInstanceShared(accountId: string, id: string) {
    return this.sql.first<InstanceRecord>(WRITES.lockInstanceShared, [accountId, id]);
  }
  async updateInstance(row: InstanceRecord) {
    await this.sql.change(WRITES.updateInstance, [
      row.account_id,
      row.id,
      row.status,
      row.started_at,
      row.finished_at,
      row.termination_reason,
      row.quality_payloads_json,
      row.quality_summaries_json,
      row.updated_at,
      row.terminated_by_token_id,
    ]);
  }
  async insertSpan(row: SpanRecord, made?: PayloadObjects) {
    // A span with usage is a statement of its own (its usage rows join the insert); the others share one prepared.
    const usage = usageOfSpan(row, made);
    const inserted =
      usage === null ? await this.sql.change(WRITES.insertSpan, columnValues('spans', row)) : (await this.#insertSpans([row], [usage])).length;
    if (inserted === 0) throw new StoreConflictError('spans');
    this.#usageWatch.inserted(row, usage);
  }
  async insertSpansIfAbsent(rows: readonly SpanRecord[]) {
    if (rows.length === 0) return [];
    const usages = rows.map((row) => usageOfSpan(row));
    const inserted = await this.#insertSpans(rows, usages);
    if (this.#usageWatch.watching) {
      const ids = new Set(inserted);
      rows.forEach((row, i) => ids.has(row.id) && this.#usageWatch.inserted(row, usages[i]!));
    }
    return inserted;
  }
  async #insertSpans(rows: readonly SpanRecord[], usages: ReadonlyArray<SpanUsage | null>) {
    const values = rows.map((row) => `(${columnValues('spans', row).map(literal).join(', ')})`).join(', ');
    const [result] = await this.sql.script([insertSpansCounted(values, 'ON CONFLICT DO NOTHING', 'id', usageValues(rows, usages))]);
    return result!.rows.map((row: { id: string }) => row.id);
  }
  watchUsage(sink: UsageWritten[] | null) {
    this.#usageWatch.watch(sink);
  }
  lockSpan(accountId: string, id: string) {
    return this.sql.first<SpanRecord>(WRITES.lockSpan, [accountId, id]);
  }
  async updateSpan(row: SpanRecord, previousStatus: SpanRecord['status'], previousResultJson: string | null = row.result_payload_json) {
    const values = [row.account_id, row.id, row.status, row.result_payload_json, row.summary, row.finished_at, row.updated_at];
    if (previousStatus === row.status) await this.sql.change(WRITES.updateSpan, values);
    else await this.sql.change(WRITES.updateSpanMovingCount, [...values, previousStatus]);
    const change = usageChange(row, previousResultJson);
    if (previousStatus !== row.status || change) {
      // Without a change the usage is what it was; with one, both sides are known.
      const after = change ? change.after : usageOfSpan(row);
      const before = change ? spanUsage(row.schema_name, row.payload_json, previousResultJson) : after;
      const tokens = change !== undefined && change.runChanges.length > 0;
      await this.sql.change(tokens ? WRITES.moveSpanRollupsAndTokens : WRITES.moveSpanRollups, [
        row.account_id,
        row.id,
        previousStatus,
        ...usageParamValues(before),
        ...usageParamValues(after),
      ]);
    }
    if (!change) return;
    this.#usageWatch.changed(row, change.runChanges);
    const key = [row.account_id, row.agent_instance_id, row.id];
    // Two changes of the run's totals at most (the old model's, the new one's); a missing one adds nothing.
    const [first, second] = change.runChanges;
    const none = { model: '', delta: [0, 0, 0, 0, 0, 0] };
    const runChanges = [first ?? none, second ?? none].flatMap((c) => [c.model, ...c.delta]);
    if (change.after === null) await this.sql.change(USAGE_WRITES.deleteSpanUsage, [...key, ...runChanges]);
    else {
      const [, , , model, sumsChildren, ...counts] = spanUsageValues(row, change.after);
      await this.sql.change(USAGE_WRITES.putSpanUsage, [...key, model, sumsChildren === 1, ...counts, ...runChanges]);
    }
  }
  cancelOpenSpans(accountId: string, instanceId: string, resultPayloadJson: string, at: string) {
    return this.sql.rows<SpanRecord>(WRITES.cancelOpenSpans, [accountId, instanceId, resultPayloadJson, at]);
  }
  /**
   * Inserting waits while another transaction holds an uncommitted claim on the key; once that one
   * commits, the insert does nothing and the committed row is read back (each statement sees what
   * has committed before it started).
   */
  async insertAlertIfAbsent(row: AlertRecord) {
    return (await this.sql.change(ALERTS.insert, columnValues('alerts', row))) > 0;
  }
  lockAlertByKey(accountId: string, dedupeKey: string) {
    return this.sql.first<AlertRecord>(ALERTS.lockByKey, [accountId, dedupeKey]);
  }
  lockAlert(accountId: string, id: string) {
    return this.sql.first<AlertRecord>(ALERTS.lockById, [accountId, id]);
  }
  async updateAlert(row: AlertRecord) {
    await this.sql.change(ALERTS.update, alertUpdateValues(row));
  }
  async claimIdempotency(claim: IdempotencyClaim): Promise<IdempotencyRecord | undefined> {
    const values = [claim.account_id, claim.operation, claim.key, claim.fingerprint, claim.inserted_at];
    for (;;) {
      if ((await this.sql.change(WRITES.claimIdempotency, values)) === 1) {
        this.#claims.set(ledgerKey(claim.account_id, claim.operation, claim.key), values.slice(0, 3));
        return undefined;
      }
      const existing = await this.getIdempotency(claim.account_id, claim.operation, claim.key);
      // Absent only if pruned between the two statements: claim again.
      if (existing) return existing;
    }
  }
  async completeIdempotency(accountId: string, operation: string, key: string, response: { status: number; json: string }) {
    if (!this.#claims.delete(ledgerKey(accountId, operation, key))) {
      throw new Error(`idempotency key ${key} for ${operation} was not claimed in this unit`);
    }
    // Goes out ahead of the next statement (the COMMIT, for most units), which runs after it.
    this.sql.defer(WRITES.completeIdempotency, [accountId, operation, key, response.status, response.json]);
  }
  async pruneIdempotency(before: string) {
    let pruned = 0;
    for (;;) {
      const batch = await this.sql.change(WRITES.pruneIdempotency, [before, PRUNE_BATCH]);
      pruned += batch;
      if (batch < PRUNE_BATCH) return pruned;
    }
  }

  async purgeFinished(before: string, spanBudget: number) {
    const done = { instances: 0, spans: 0 };
    const candidates = await this.sql.rows<{ account_id: string; id: string }>(PURGE.candidates, [before, PURGE_CANDIDATES]);
    for (const { account_id, id } of candidates) {
      const budget = spanBudget - done.spans;
      const deleted = (await this.sql.first<{ n: number }>(PURGE.deleteSpans, [account_id, id, budget]))?.n ?? 0;
      done.spans += deleted;
      // Fewer than asked for: the instance has no spans left, and goes too.
      if (deleted >= budget) break;
      await this.sql.change(PURGE.deleteCounts, [account_id, id]);
      await this.sql.change(PURGE.deleteTypeCounts, [account_id, id]);
      await this.sql.change(PURGE.deleteAlerts, [account_id, id]);
      await this.sql.change(PURGE.deleteRunRollups, [account_id, id]);
      await this.sql.change(PURGE.deleteSpanUsage, [account_id, id]);
      await this.sql.change(PURGE.deleteInstanceUsage, [account_id, id]);
      await this.sql.change(PURGE.deleteInstance, [account_id, id]);
      done.instances += 1;
    }
    return done;
  }
  async copyRowsIn(table: CopiedTable, rows: ReadonlyArray<Record<string, unknown>>) {
    if (rows.length === 0) return 0;
    if (table === 'spans') return (await this.insertSpansIfAbsent(rows as unknown as SpanRecord[])).length;
    const values = rows.map((row) => `(${columnValues(table, row).map(literal).join(', ')})`).join(', ');
    if (table === 'agent_instances') {
      // Runs count in the rollups as they are copied in.
      const [copied] = await this.sql.script([
        `WITH r AS (INSERT INTO agent_instances (${TABLE_COLUMNS.agent_instances.join(', ')}) VALUES ${values}
           ON CONFLICT (${COPIED_TABLE_KEYS.agent_instances.join(', ')}) DO NOTHING RETURNING *),
         rolled AS (${addRunRollups(`SELECT ${runDeltas('r', '1')} FROM r`)})
         SELECT count(*)::integer AS n FROM r`,
      ]);
      return (copied!.rows[0] as { n: number }).n;
    }
    const [result] = await this.sql.script([
      `INSERT INTO ${table} (${TABLE_COLUMNS[table].join(', ')}) VALUES ${values}
       ON CONFLICT (${COPIED_TABLE_KEYS[table].join(', ')}) DO NOTHING`,
    ]);
    return result!.rowCount ?? 0;
  }

  /** Drops claims the unit never completed, so only answered keys are committed (as on SQLite). */
  dropUncompletedClaims() {
    for (const values of this.#claims.values()) this.sql.defer(WRITES.dropClaim, values);
    this.#claims.clear();
  }

  /** Inserts `row`, or returns the row already holding its natural key (`byKey`). */
  async #ensure<R extends object>(table: 'agent_versions' | 'schema_versions', row: R, byKey: Statement, keyValues: unknown[]): Promise<R> {
    const inserted = await this.sql.first<R & object>(WRITES[table], columnValues(table, row));
    if (inserted) return inserted;
    const existing = await this.sql.first<R & object>(byKey, keyValues);
    // Nothing under the natural key: the insert hit the (account_id, id) key instead.
    if (!existing) throw new StoreConflictError(table);
    return existing;
  }
}
