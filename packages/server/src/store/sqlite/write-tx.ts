import type { Database, Statement } from 'better-sqlite3';
import { OPEN_STATUSES } from '@agentspan/protocol';
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
import { columnValues, ledgerKey, TABLE_COLUMNS, type CopiedTable, type InsertableTable } from '../table-columns.js';
import { AlertWrites } from './alert-statements.js';
import {
  isZero,
  modelKey,
  runShare,
  SPAN_USAGE_COLUMNS,
  spanUsageValues,
  usageChange,
  usageOfSpan,
  type PayloadObjects,
  type SpanUsage,
} from '../span-usage.js';
import { CopyInserts } from './copy-statements.js';
import { PurgeStep } from './purge-statements.js';
import { RollupWrites } from './rollup-writes.js';
import { UsageWatch, type UsageWritten } from '../usage-watch.js';
import { spanUsage } from '../../usage/normalise.js';
import type { InstanceCache } from './instance-cache.js';
import type { PendingSpanCounts } from './pending-span-counts.js';
import { SqliteReadTx, type ReadStatements } from './read-tx.js';

function insertInto(db: Database, table: InsertableTable, suffix = '') {
  const columns = TABLE_COLUMNS[table];
  // Positional parameters: binding an array costs less than looking each name up in an object.
  return db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ${suffix}`);
}

/** Write statements of the writer connection, prepared once. */
export class WriteStatements {
  readonly insertAccount: Statement;
  readonly updateAccount: Statement;
  readonly insertEnvironment: Statement;
  readonly updateEnvironment: Statement;
  readonly deleteEnvironment: Statement;
  readonly insertRiskProfile: Statement;
  readonly updateRiskProfile: Statement;
  readonly upsertModelPrice: Statement;
  readonly deleteModelPrice: Statement;
  readonly insertAgent: Statement;
  readonly updateAgent: Statement;
  readonly deleteAgent: Statement[];
  readonly insertDeployment: Statement;
  readonly deploymentByKey: Statement;
  readonly setDeploymentVersion: Statement;
  readonly upsertDeploymentVersion: Statement;
  readonly deleteDeployment: Statement[];
  readonly insertAgentVersion: Statement;
  readonly agentVersionByExternal: Statement;
  readonly setAgentVersionSdk: Statement;
  readonly insertSchemaVersion: Statement;
  readonly schemaVersionByExternal: Statement;
  readonly insertToken: Statement;
  readonly deleteToken: Statement;
  readonly touchToken: Statement;
  readonly setTokenStatus: Statement;
  readonly insertInstance: Statement;
  readonly updateInstance: Statement;
  readonly insertSpan: Statement;
  readonly insertSpanIfAbsent: Statement;
  readonly updateSpan: Statement;
  readonly cancelOpenSpans: Statement;
  readonly addSpanCount: Statement;
  readonly addSpanTypeCount: Statement;
  readonly addSpanActivity: Statement;
  readonly putSpanUsage: Statement;
  readonly deleteSpanUsage: Statement;
  readonly insertIdempotency: Statement;
  readonly pruneIdempotency: Statement;
  readonly purgeStep: PurgeStep;
  readonly copyInserts: CopyInserts;
  readonly rollups: RollupWrites;
  readonly alerts: AlertWrites;

  constructor(db: Database) {
    this.purgeStep = new PurgeStep(db);
    this.alerts = new AlertWrites(db);
    this.copyInserts = new CopyInserts(db);
    this.rollups = new RollupWrites(db);
    this.insertAccount = insertInto(db, 'accounts');
    this.updateAccount = db.prepare('UPDATE accounts SET name = ? WHERE id = ?');
    this.insertEnvironment = insertInto(db, 'environments');
    this.updateEnvironment = db.prepare(environmentUpdateSql(() => '?'));
    this.deleteEnvironment = db.prepare('DELETE FROM environments WHERE account_id = ? AND id = ?');
    this.insertRiskProfile = insertInto(db, 'risk_profiles');
    this.updateRiskProfile = db.prepare(riskProfileUpdateSql(() => '?'));
    this.upsertModelPrice = db.prepare(modelPriceUpsertSql(() => '?'));
    this.deleteModelPrice = db.prepare(modelPriceDeleteSql(() => '?'));
    this.insertAgent = insertInto(db, 'agents');
    this.updateAgent = db.prepare(agentUpdateSql(() => '?'));
    this.deleteAgent = agentDeletionSql(() => '?').map((text) => db.prepare(text));
    this.insertDeployment = insertInto(db, 'deployments', 'ON CONFLICT (account_id, agent_id, environment_id) DO NOTHING');
    this.deploymentByKey = db.prepare('SELECT * FROM deployments WHERE account_id = ? AND agent_id = ? AND environment_id = ?');
    // Only when the version is another: a registration that repeats the version leaves no history row.
    this.setDeploymentVersion = db.prepare(
      'UPDATE deployments SET current_version_id = ?, updated_at = ? WHERE account_id = ? AND id = ? AND current_version_id IS NOT ?',
    );
    this.upsertDeploymentVersion = db.prepare(deploymentVersionUpsertSql(() => '?'));
    this.deleteDeployment = deploymentDeletionSql(() => '?').map((text) => db.prepare(text));
    this.insertAgentVersion = insertInto(
      db,
      'agent_versions',
      'ON CONFLICT (account_id, agent_id, external_identifier) WHERE external_identifier IS NOT NULL DO NOTHING',
    );
    this.agentVersionByExternal = db.prepare('SELECT * FROM agent_versions WHERE account_id = ? AND agent_id = ? AND external_identifier = ?');
    this.setAgentVersionSdk = db.prepare(agentVersionSdkSql(() => '?'));
    this.insertSchemaVersion = insertInto(
      db,
      'schema_versions',
      'ON CONFLICT (account_id, agent_id, external_identifier, document_hash) WHERE external_identifier IS NOT NULL DO NOTHING',
    );
    this.schemaVersionByExternal = db.prepare(
      'SELECT * FROM schema_versions WHERE account_id = ? AND agent_id = ? AND external_identifier = ? AND document_hash = ?',
    );
    this.insertToken = insertInto(db, 'tokens');
    this.deleteToken = db.prepare('DELETE FROM tokens WHERE id = ? RETURNING *');
    this.touchToken = db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?');
    this.setTokenStatus = db.prepare('UPDATE tokens SET status = ?, updated_at = ? WHERE account_id = ? AND id = ? RETURNING *');
    this.insertInstance = insertInto(db, 'agent_instances');
    this.updateInstance = db.prepare(
      `UPDATE agent_instances SET status = @status, started_at = @started_at, finished_at = @finished_at,
         termination_reason = @termination_reason, terminated_by_token_id = @terminated_by_token_id,
         quality_payloads_json = @quality_payloads_json,
         quality_summaries_json = @quality_summaries_json, updated_at = @updated_at
       WHERE account_id = @account_id AND id = @id`,
    );
    this.insertSpan = insertInto(db, 'spans');
    this.insertSpanIfAbsent = insertInto(db, 'spans', 'ON CONFLICT (account_id, id) DO NOTHING');
    this.updateSpan = db.prepare(
      `UPDATE spans SET status = @status, result_payload_json = @result_payload_json, summary = @summary,
         finished_at = @finished_at, updated_at = @updated_at
       WHERE account_id = @account_id AND id = @id`,
    );
    // One status per run, so the rows it returns say which count each leaves.
    this.cancelOpenSpans = db.prepare(
      `UPDATE spans SET status = 'cancelled', result_payload_json = @result_payload_json, finished_at = max(started_at, @at), updated_at = @at
       WHERE account_id = @account_id AND agent_instance_id = @agent_instance_id AND status = @status
       RETURNING *`,
    );
    this.addSpanCount = db.prepare(
      `INSERT INTO span_counts (account_id, agent_instance_id, status, n) VALUES (?, ?, ?, ?)
       ON CONFLICT (account_id, agent_instance_id, status) DO UPDATE SET n = n + excluded.n`,
    );
    this.addSpanTypeCount = db.prepare(
      `INSERT INTO span_type_counts (account_id, agent_instance_id, schema_name, n) VALUES (?, ?, ?, ?)
       ON CONFLICT (account_id, agent_instance_id, schema_name) DO UPDATE SET n = n + excluded.n`,
    );
    this.addSpanActivity = db.prepare(
      `INSERT INTO span_activity (account_id, hour, agent_id, environment_id, status, n) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id, hour, agent_id, environment_id, status) DO UPDATE SET n = n + excluded.n`,
    );
    this.putSpanUsage = db.prepare(
      `INSERT OR REPLACE INTO span_usage (${SPAN_USAGE_COLUMNS.join(', ')}) VALUES (${SPAN_USAGE_COLUMNS.map(() => '?').join(', ')})`,
    );
    this.deleteSpanUsage = db.prepare('DELETE FROM span_usage WHERE account_id = ? AND agent_instance_id = ? AND span_id = ?');
    this.insertIdempotency = insertInto(db, 'idempotency');
    /*
     * Rows append in commit order, and `inserted_at` is each request's clock reading, so rowid order
     * follows age to within the few milliseconds a commit group spans. The oldest rows go, up to the
     * first one young enough to keep; an old row behind that one goes at a later prune.
     */
    this.pruneIdempotency = db.prepare(
      `DELETE FROM idempotency
       WHERE rowid < coalesce((SELECT rowid FROM idempotency WHERE inserted_at >= @before ORDER BY rowid LIMIT 1), 9223372036854775807)
         AND inserted_at < @before`,
    );
  }
}

const byStartThenId = (a: SpanRecord, b: SpanRecord) =>
  a.started_at < b.started_at ? -1 : a.started_at > b.started_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

function insert(table: InsertableTable, statement: Statement, row: object) {
  try {
    return statement.run(columnValues(table, row));
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT_')) throw new StoreConflictError(table, { cause: error });
    throw error;
  }
}

/**
 * The writer connection's view for one unit. Writers are serialized on this connection, so a
 * claim only has to look for an existing row; the row is inserted whole when the unit completes it.
 */
export class SqliteWriteTx extends SqliteReadTx implements WriteTx {
  readonly #w: WriteStatements;
  readonly #counts: PendingSpanCounts;
  readonly #instances: InstanceCache;
  readonly #claims = new Map<string, IdempotencyClaim>();
  readonly #usageWatch = new UsageWatch();

  constructor(reads: ReadStatements, writes: WriteStatements, counts: PendingSpanCounts, instances: InstanceCache) {
    super(reads);
    this.#w = writes;
    this.#counts = counts;
    this.#instances = instances;
  }

  async insertAccount(row: AccountRecord) {
    insert('accounts', this.#w.insertAccount, row);
  }
  async updateAccount(row: AccountRecord) {
    this.#w.updateAccount.run(row.name, row.id);
  }
  async insertEnvironment(row: EnvironmentRecord) {
    insert('environments', this.#w.insertEnvironment, row);
  }
  async lockEnvironment(accountId: string, id: string) {
    return this.getEnvironment(accountId, id);
  }
  async lockEnvironmentShared(accountId: string, id: string) {
    return this.getEnvironment(accountId, id);
  }
  async updateEnvironment(row: EnvironmentRecord) {
    try {
      this.#w.updateEnvironment.run(environmentUpdateValues(row));
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT_')) throw new StoreConflictError('environments', { cause: error });
      throw error;
    }
  }
  async deleteEnvironment(accountId: string, id: string) {
    this.#w.deleteEnvironment.run(accountId, id);
  }
  async insertRiskProfile(row: RiskProfileRecord) {
    insert('risk_profiles', this.#w.insertRiskProfile, row);
  }
  async lockRiskProfile(accountId: string, id: string) {
    return this.getRiskProfile(accountId, id);
  }
  async lockRiskProfileShared(accountId: string, id: string) {
    return this.getRiskProfile(accountId, id);
  }
  async updateRiskProfile(row: RiskProfileRecord) {
    this.#w.updateRiskProfile.run(riskProfileUpdateValues(row));
  }
  async upsertModelPrice(row: ModelPriceRecord) {
    this.#w.upsertModelPrice.run(columnValues('model_prices', row));
  }
  async deleteModelPrice(accountId: string, model: string) {
    return this.#w.deleteModelPrice.run(accountId, model).changes > 0;
  }
  async insertAgent(row: AgentRecord) {
    insert('agents', this.#w.insertAgent, row);
  }
  async lockAgent(accountId: string, id: string) {
    return this.getAgent(accountId, id);
  }
  async lockAgentShared(accountId: string, id: string) {
    return this.getAgent(accountId, id);
  }
  async updateAgent(row: AgentRecord) {
    this.#w.updateAgent.run(agentUpdateValues(row));
  }
  async deleteAgent(accountId: string, id: string) {
    for (const statement of this.#w.deleteAgent) statement.run(accountId, id);
  }
  async ensureDeployment(row: DeploymentRecord, changedByTokenId: string | null = null) {
    if (insert('deployments', this.#w.insertDeployment, row).changes === 1) {
      this.#w.upsertDeploymentVersion.run(row.account_id, row.id, row.updated_at, row.current_version_id, changedByTokenId);
      return row;
    }
    return this.#w.deploymentByKey.get(row.account_id, row.agent_id, row.environment_id) as DeploymentRecord;
  }
  async setDeploymentVersion(
    accountId: string,
    deploymentId: string,
    versionId: string | null,
    updatedAt: string,
    changedByTokenId: string | null = null,
  ) {
    if (this.#w.setDeploymentVersion.run(versionId, updatedAt, accountId, deploymentId, versionId).changes === 0) return;
    this.#w.upsertDeploymentVersion.run(accountId, deploymentId, updatedAt, versionId, changedByTokenId);
  }
  // SQLite writers are serialized: a read is as good as a lock.
  async lockDeployment(accountId: string, id: string) {
    return this.getDeployment(accountId, id);
  }
  async lockDeploymentShared(accountId: string, id: string) {
    return this.getDeployment(accountId, id);
  }
  async deleteDeployment(accountId: string, id: string) {
    for (const statement of this.#w.deleteDeployment) statement.run(accountId, id);
  }
  async ensureAgentVersion(row: AgentVersionRecord) {
    if (insert('agent_versions', this.#w.insertAgentVersion, row).changes === 1) return row;
    return this.#w.agentVersionByExternal.get(row.account_id, row.agent_id, row.external_identifier) as AgentVersionRecord;
  }
  async setAgentVersionSdk(accountId: string, id: string, sdk: string) {
    this.#w.setAgentVersionSdk.run(sdk, accountId, id, sdk);
  }
  async ensureSchemaVersion(row: SchemaVersionRecord) {
    if (insert('schema_versions', this.#w.insertSchemaVersion, row).changes === 1) return row;
    return this.#w.schemaVersionByExternal.get(row.account_id, row.agent_id, row.external_identifier, row.document_hash) as SchemaVersionRecord;
  }
  async insertToken(row: TokenRecord) {
    insert('tokens', this.#w.insertToken, row);
  }
  async deleteToken(id: string) {
    return this.#w.deleteToken.get(id) as TokenRecord | undefined;
  }
  /** SQLite writers are serialized: the plain read is already alone. */
  async lockAccountTokens(accountId: string) {
    return this.listAccountTokens(accountId);
  }
  async setTokenStatus(accountId: string, id: string, status: TokenStatus, updatedAt: string) {
    return this.#w.setTokenStatus.get(status, updatedAt, accountId, id) as TokenRecord | undefined;
  }
  async touchToken(id: string, usedAt: string) {
    this.#w.touchToken.run(usedAt, id);
  }
  async insertInstance(row: InstanceRecord) {
    insert('agent_instances', this.#w.insertInstance, row);
    this.#w.rollups.runInserted(this.#counts.rollups, row);
  }
  override async getInstance(accountId: string, id: string) {
    return this.#instances.get(accountId, id, () => this.q.instance.get(accountId, id) as InstanceRecord | undefined);
  }
  async lockInstance(accountId: string, id: string) {
    return this.getInstance(accountId, id);
  }
  async lockInstanceShared(accountId: string, id: string) {
    return this.getInstance(accountId, id);
  }
  async updateInstance(row: InstanceRecord) {
    const before = await this.getInstance(row.account_id, row.id);
    this.#instances.forget(row.account_id, row.id);
    this.#w.updateInstance.run(row);
    this.#w.rollups.runUpdated(this.#counts.rollups, before, row);
  }
  /**
   * The environment the rollup counts the instance's spans under: its instance's ('' for a span
   * whose instance is not stored, which no write path makes, so the rollup still adds up to the spans).
   */
  async #environmentOf(accountId: string, instanceId: string) {
    return (await this.getInstance(accountId, instanceId))?.environment_id ?? '';
  }
  /** Counts a stored span, by status, by type and in the hourly rollup. */
  async #countInserted(row: SpanRecord, made?: PayloadObjects) {
    this.#counts.add(row.account_id, row.agent_instance_id, row.status, 1);
    this.#counts.addType(row.account_id, row.agent_instance_id, row.schema_name, 1);
    const run = await this.getInstance(row.account_id, row.agent_instance_id);
    this.#counts.activity.add(row, run?.environment_id ?? '', 1);
    const usage = usageOfSpan(row, made);
    // The span's share of its run's tokens: one array for the run totals, the watcher and the rollups.
    const share = runShare(usage);
    this.#storeUsage(row, usage, share);
    this.#w.rollups.spanInserted(this.#counts.rollups, row, run, usage, share);
  }
  async insertSpan(row: SpanRecord, made?: PayloadObjects) {
    insert('spans', this.#w.insertSpan, row);
    await this.#countInserted(row, made);
  }
  async insertSpansIfAbsent(rows: readonly SpanRecord[]) {
    const inserted: string[] = [];
    for (const row of rows) {
      if (insert('spans', this.#w.insertSpanIfAbsent, row).changes === 0) continue;
      await this.#countInserted(row);
      inserted.push(row.id);
    }
    return inserted;
  }
  /** A new span's usage, and its share of its run's totals. */
  #storeUsage(row: SpanRecord, usage: SpanUsage | null, share: number[]) {
    if (usage === null) return;
    this.#w.putSpanUsage.run(spanUsageValues(row, usage));
    if (!isZero(share)) this.#counts.usage.add(row.account_id, row.agent_instance_id, modelKey(usage), share);
    this.#usageWatch.inserted(row, usage, share);
  }
  watchUsage(sink: UsageWritten[] | null) {
    this.#usageWatch.watch(sink);
  }
  async lockSpan(accountId: string, id: string) {
    return this.getSpan(accountId, id);
  }
  async updateSpan(row: SpanRecord, previousStatus: SpanRecord['status'], previousResultJson: string | null = row.result_payload_json) {
    this.#w.updateSpan.run(row);
    const change = usageChange(row, previousResultJson);
    if (change) {
      if (change.after === null) this.#w.deleteSpanUsage.run(row.account_id, row.agent_instance_id, row.id);
      else this.#w.putSpanUsage.run(spanUsageValues(row, change.after));
      for (const { model, delta } of change.runChanges) this.#counts.usage.add(row.account_id, row.agent_instance_id, model, delta);
      this.#usageWatch.changed(row, change.runChanges);
    }
    if (previousStatus !== row.status || change) {
      const run = await this.getInstance(row.account_id, row.agent_instance_id);
      // Without a change the usage is what it was (parsed once); with one, both sides are known.
      const after = change ? change.after : usageOfSpan(row);
      const before = change ? spanUsage(row.schema_name, row.payload_json, previousResultJson) : after;
      this.#w.rollups.spanFinished(this.#counts.rollups, row, previousStatus, run, before, after);
    }
    if (previousStatus !== row.status) {
      this.#counts.add(row.account_id, row.agent_instance_id, previousStatus, -1);
      this.#counts.add(row.account_id, row.agent_instance_id, row.status, 1);
      const environmentId = await this.#environmentOf(row.account_id, row.agent_instance_id);
      this.#counts.activity.add({ ...row, status: previousStatus }, environmentId, -1);
      this.#counts.activity.add(row, environmentId, 1);
    }
  }
  async cancelOpenSpans(accountId: string, instanceId: string, resultPayloadJson: string, at: string) {
    const cancelled: SpanRecord[] = [];
    for (const status of OPEN_STATUSES) {
      const rows = this.#w.cancelOpenSpans.all({
        account_id: accountId,
        agent_instance_id: instanceId,
        status,
        result_payload_json: resultPayloadJson,
        at,
      }) as SpanRecord[];
      if (rows.length === 0) continue;
      this.#counts.add(accountId, instanceId, status, -rows.length);
      this.#counts.add(accountId, instanceId, 'cancelled', rows.length);
      const environmentId = await this.#environmentOf(accountId, instanceId);
      this.#w.rollups.spansCancelled(this.#counts.rollups, rows, status, await this.getInstance(accountId, instanceId));
      for (const row of rows) {
        this.#counts.activity.add({ ...row, status }, environmentId, -1);
        this.#counts.activity.add(row, environmentId, 1);
      }
      cancelled.push(...rows);
    }
    return cancelled.sort(byStartThenId);
  }
  async insertAlertIfAbsent(row: AlertRecord) {
    return this.#w.alerts.insertIfAbsent(row);
  }
  // SQLite writers are serialized: a read is as good as a lock.
  async lockAlertByKey(accountId: string, dedupeKey: string) {
    return this.findAlert(accountId, dedupeKey);
  }
  async lockAlert(accountId: string, id: string) {
    return this.getAlert(accountId, id);
  }
  async updateAlert(row: AlertRecord) {
    this.#w.alerts.update(row);
  }
  async claimIdempotency(claim: IdempotencyClaim) {
    const existing = await this.getIdempotency(claim.account_id, claim.operation, claim.key);
    if (!existing) this.#claims.set(ledgerKey(claim.account_id, claim.operation, claim.key), claim);
    return existing;
  }
  async completeIdempotency(accountId: string, operation: string, key: string, response: { status: number; json: string }) {
    const id = ledgerKey(accountId, operation, key);
    const claim = this.#claims.get(id);
    if (!claim) throw new Error(`idempotency key ${key} for ${operation} was not claimed in this unit`);
    this.#claims.delete(id);
    insert('idempotency', this.#w.insertIdempotency, {
      ...claim,
      response_status: response.status,
      response_json: response.json,
    });
  }
  override async spanCounts(accountId: string, instanceId: string) {
    return this.#counts.withPending(accountId, instanceId, await super.spanCounts(accountId, instanceId));
  }
  override async instanceModelUsage(accountId: string, instanceId: string) {
    return this.#counts.usage.withPending(accountId, instanceId, await super.instanceModelUsage(accountId, instanceId));
  }
  override async instanceModelUsageOf(accountId: string, instanceIds: readonly string[]) {
    const stored = await super.instanceModelUsageOf(accountId, instanceIds);
    for (const id of instanceIds) {
      const models = this.#counts.usage.withPending(accountId, id, stored.get(id) ?? []);
      if (models.length > 0) stored.set(id, models);
    }
    return stored;
  }
  override async usageModels(accountId: string) {
    const models = new Set(await super.usageModels(accountId));
    for (const model of this.#counts.usage.modelsOf(accountId)) models.add(model === '' ? null : model);
    return [...models];
  }
  override async spanTypeCounts(accountId: string, instanceId: string) {
    return this.#counts.typesWithPending(accountId, instanceId, await super.spanTypeCounts(accountId, instanceId));
  }
  async pruneIdempotency(before: string) {
    return this.#w.pruneIdempotency.run({ before }).changes;
  }
  async purgeFinished(before: string, spanBudget: number) {
    return this.#w.purgeStep.run(before, spanBudget, this.#instances, this.#counts, this.#w.rollups);
  }
  broadcastOnCommit() {
    // One process writes the file at a time; the others see its commits (Store.othersCommitted).
  }

  async copyRowsIn(table: CopiedTable, rows: ReadonlyArray<Record<string, unknown>>) {
    if (table === 'spans') return (await this.insertSpansIfAbsent(rows as unknown as SpanRecord[])).length;
    const statement = this.#w.copyInserts.statement(table);
    let inserted = 0;
    for (const row of rows) {
      const changes = insert(table, statement, row).changes;
      if (changes > 0 && table === 'agent_instances') this.#w.rollups.runInserted(this.#counts.rollups, row as unknown as InstanceRecord);
      inserted += changes;
    }
    return inserted;
  }
}
