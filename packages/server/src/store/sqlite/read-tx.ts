import { COUNT_COLUMNS, modelCountsByInstance, modelCountsRecord, spanKeysJson, spanUsageRecord, type SpanUsageRecord } from '../span-usage.js';
import type { Database, Statement } from 'better-sqlite3';
import type { ReadTx } from '../store.js';
import type {
  AlertFilter,
  AlertPageQuery,
  AccountRecord,
  AgentPageQuery,
  AgentRecord,
  AgentVersionRecord,
  DeploymentRecord,
  DeploymentUse,
  DeploymentVersionRecord,
  EnvironmentRecord,
  EnvironmentUse,
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
  SpanRecord,
  SpanStatusCounts,
  TokenRecord,
  SpanOutlineRecord,
} from '../records.js';
import type { InstanceStatus } from '@agentspan/protocol';
import { activitySql, type ActivityQuery, type ActivityRow } from '../activity-sql.js';
import { rollupRow, rollupSql, type RollupQuery } from '../analytics-sql.js';
import { decodeHistogramInto } from '../duration-histogram.js';
import { agentPageSql } from '../agent-sql.js';
import { deploymentUseSql, deploymentVersionsSql } from '../deployment-sql.js';
import { environmentUseSql } from '../environment-sql.js';
import { instancePageSql, PRICE_RATES, type InstancePageDialect } from '../instance-page-sql.js';
import { modelPricesOfAccountSql } from '../model-price-sql.js';
import { agentRiskProfileSql, riskProfileAgentCountsSql } from '../risk-profile-sql.js';
import { spanOffsetSql } from '../span-offset-sql.js';
import { spanPageBounds, spanPageSql } from '../span-page-bounds.js';
import type { CopiedTable } from '../table-columns.js';
import { AlertReads } from './alert-statements.js';
import { CopyLookups, CopyPages } from './copy-statements.js';
import { PurgeableCounts } from './purge-statements.js';
import { SqliteSpanCheckpoints } from './span-checkpoint-reads.js';
import { isCheckpointed } from '../span-checkpoints.js';

/** The instance pages as SQLite writes them. */
export const SQLITE_INSTANCE_PAGES: InstancePageDialect = {
  placeholder: () => '?',
  search: (param, accountId, words) =>
    `SELECT agent_instance_id FROM spans WHERE rowid IN (SELECT rowid FROM span_search WHERE span_search MATCH ${param(
      words.map((word) => `"${word}"*`).join(' AND '),
    )}) AND account_id = ${param(accountId)}`,
  // Whole seconds through unixepoch, the six fraction digits as an integer: exact, unlike julianday's double.
  micros: (later, earlier) =>
    `((unixepoch(substr(${later}, 1, 19)) - unixepoch(substr(${earlier}, 1, 19))) * 1000000
      + CAST(substr(${later}, 21, 6) AS INTEGER) - CAST(substr(${earlier}, 21, 6) AS INTEGER))`,
  prices: (param) =>
    `SELECT value ->> '$.model' AS model, ${PRICE_RATES.map((rate) => `value ->> '$.${rate}' AS ${rate}`).join(', ')} FROM json_each(${param})`,
};

/** Read statements of one connection, prepared once. */
export class ReadStatements {
  readonly tokenByHash: Statement;
  readonly tokens: Statement;
  readonly token: Statement;
  readonly accountTokens: Statement;
  readonly firstAccount: Statement;
  readonly environment: Statement;
  readonly environments: Statement;
  readonly agentVersions: Statement;
  readonly schemaVersions: Statement;
  readonly schemaVersionCount: Statement;
  readonly environmentByName: Statement;
  readonly environmentUse: Statement;
  readonly riskProfile: Statement;
  readonly riskProfiles: Statement;
  readonly agentRiskProfile: Statement;
  readonly riskProfileAgentCounts: Statement;
  readonly modelPrices: Statement;
  readonly account: Statement;
  readonly agent: Statement;
  readonly agentByExternal: Statement;
  /** Instance page statements by shape, made on first use. */
  readonly instancePages: Map<string, Statement> = new Map();
  readonly childSpansPage: Statement;
  readonly outlinesPage: Statement;
  readonly childOutlinesPage: Statement;
  readonly instanceCounts: Statement;
  readonly instanceCountsInEnvironment: Statement;
  /** The agent page statements of each shape asked for so far (a few dozen shapes at most). */
  readonly agentPages = new Map<string, { page: Statement; count: Statement }>();
  readonly #db: Database;
  readonly deployment: Statement;
  readonly deployments: Statement;
  readonly deploymentVersions: Statement;
  readonly deploymentUse: Statement;
  readonly agentVersion: Statement;
  readonly schemaVersion: Statement;
  readonly instance: Statement;
  readonly spanCounts: Statement;
  readonly spanTypeCounts: Statement;
  readonly spanUsage: Statement;
  readonly spanUsageOf: Statement;
  readonly instanceModelUsage: Statement;
  readonly usageModels: Statement;
  readonly span: Statement;
  readonly spansPage: Statement;
  readonly idempotency: Statement;
  readonly purgeable: PurgeableCounts;
  readonly copyPages: CopyPages;
  readonly copyLookups: CopyLookups;
  readonly alerts: AlertReads;

  instancePage(query: InstanceListQuery): { statement: Statement; values: unknown[]; count: Statement; countValues: unknown[] } {
    const sql = instancePageSql(query, SQLITE_INSTANCE_PAGES);
    let statement = this.instancePages.get(sql.shape);
    if (!statement) this.instancePages.set(sql.shape, (statement = this.#db.prepare(sql.text)));
    let count = this.instancePages.get(`count_${sql.shape}`);
    if (!count) this.instancePages.set(`count_${sql.shape}`, (count = this.#db.prepare(sql.count).pluck()));
    return { statement, values: sql.values, count, countValues: sql.countValues };
  }

  /** Activity statements by shape, made on first use (a dozen shapes at most). */
  readonly activityReads: Map<string, Statement> = new Map();
  activity(query: ActivityQuery): { statement: Statement; values: unknown[] } {
    const sql = activitySql(query, () => '?');
    let statement = this.activityReads.get(sql.shape);
    if (!statement) this.activityReads.set(sql.shape, (statement = this.#db.prepare(sql.text)));
    return { statement, values: sql.values };
  }

  /** Rollup reads by text, made on first use (a dashboard asks a few dozen shapes). */
  readonly rollupReads: Map<string, Statement> = new Map();
  rollups(text: string): Statement {
    let statement = this.rollupReads.get(text);
    if (!statement) {
      if (this.rollupReads.size >= 500) this.rollupReads.clear();
      this.rollupReads.set(text, (statement = this.#db.prepare(text)));
    }
    return statement;
  }

  readonly spanOffsetPages: Map<string, { page: Statement; count: Statement }> = new Map();
  readonly spanCheckpoints: SqliteSpanCheckpoints;
  spanOffsetPage(query: SpanOffsetQuery) {
    const sql = spanOffsetSql(query, () => '?');
    let statements = this.spanOffsetPages.get(sql.shape);
    if (!statements) {
      statements = { page: this.#db.prepare(sql.page), count: this.#db.prepare(sql.count).pluck() };
      this.spanOffsetPages.set(sql.shape, statements);
    }
    return { ...statements, sql };
  }

  agentPage(query: AgentPageQuery) {
    const sql = agentPageSql(query, () => '?');
    let statements = this.agentPages.get(sql.shape);
    if (!statements) {
      statements = { page: this.#db.prepare(sql.page), count: this.#db.prepare(sql.count).pluck() };
      this.agentPages.set(sql.shape, statements);
    }
    return { ...statements, values: sql.values };
  }

  constructor(db: Database) {
    const byId = (table: string) => db.prepare(`SELECT * FROM ${table} WHERE account_id = ? AND id = ?`);
    this.tokenByHash = db.prepare('SELECT * FROM tokens WHERE token_hash = ?');
    this.tokens = db.prepare('SELECT * FROM tokens ORDER BY inserted_at, id');
    this.token = byId('tokens');
    this.accountTokens = db.prepare('SELECT * FROM tokens WHERE account_id = ? ORDER BY inserted_at, id');
    this.firstAccount = db.prepare('SELECT * FROM accounts ORDER BY inserted_at, id LIMIT 1');
    this.environment = byId('environments');
    this.environments = db.prepare('SELECT * FROM environments WHERE account_id = ? ORDER BY inserted_at, id');
    this.agentVersions = db.prepare('SELECT * FROM agent_versions WHERE account_id = ? AND agent_id = ? ORDER BY inserted_at, id');
    this.schemaVersions = db.prepare('SELECT * FROM schema_versions WHERE account_id = ? AND agent_id = ? ORDER BY inserted_at, id');
    this.schemaVersionCount = db
      .prepare('SELECT COUNT(*) FROM schema_versions WHERE account_id = ? AND agent_id = ? AND external_identifier = ?')
      .pluck();
    this.environmentByName = db.prepare('SELECT * FROM environments WHERE account_id = ? AND name = ?');
    this.environmentUse = db.prepare(environmentUseSql(() => '?'));
    this.riskProfile = byId('risk_profiles');
    this.riskProfiles = db.prepare('SELECT * FROM risk_profiles WHERE account_id = ? ORDER BY inserted_at, id');
    this.riskProfileAgentCounts = db.prepare(riskProfileAgentCountsSql(() => '?'));
    this.modelPrices = db.prepare(modelPricesOfAccountSql(() => '?'));
    this.agentRiskProfile = db.prepare(agentRiskProfileSql(() => '?'));
    this.account = db.prepare('SELECT * FROM accounts WHERE id = ?');
    this.agent = byId('agents');
    this.agentByExternal = db.prepare('SELECT * FROM agents WHERE account_id = ? AND external_identifier = ?');
    const instanceCounts = 'SELECT status, COUNT(*) AS n FROM agent_instances WHERE account_id = ? AND agent_id = ?';
    this.instanceCounts = db.prepare(`${instanceCounts} GROUP BY status`);
    this.instanceCountsInEnvironment = db.prepare(`${instanceCounts} AND environment_id = ? GROUP BY status`);
    this.#db = db;
    this.spanCheckpoints = new SqliteSpanCheckpoints(db);
    this.deployment = byId('deployments');
    this.deployments = db.prepare('SELECT * FROM deployments WHERE account_id = ? ORDER BY inserted_at, id');
    this.deploymentVersions = db.prepare(deploymentVersionsSql(() => '?'));
    this.deploymentUse = db.prepare(deploymentUseSql(() => '?'));
    this.agentVersion = byId('agent_versions');
    this.schemaVersion = byId('schema_versions');
    this.instance = byId('agent_instances');
    this.spanCounts = db.prepare('SELECT status, n FROM span_counts WHERE account_id = ? AND agent_instance_id = ?');
    this.spanTypeCounts = db.prepare('SELECT schema_name, n FROM span_type_counts WHERE account_id = ? AND agent_instance_id = ?').raw();
    this.spanUsage = db.prepare('SELECT * FROM span_usage WHERE account_id = ? AND agent_instance_id = ? AND span_id = ?');
    // The spans as one JSON array of [instance, span] pairs: a page's usage in one statement, by key.
    this.spanUsageOf = db.prepare(
      `SELECT u.* FROM json_each(?) AS j
       JOIN span_usage AS u ON u.account_id = ? AND u.agent_instance_id = j.value ->> 0 AND u.span_id = j.value ->> 1`,
    );
    this.instanceModelUsage = db.prepare(
      `SELECT agent_instance_id, model, ${COUNT_COLUMNS.join(', ')} FROM instance_usage WHERE account_id = ? AND agent_instance_id = ? ORDER BY model`,
    );
    this.usageModels = db.prepare('SELECT DISTINCT model FROM instance_usage WHERE account_id = ?').pluck();
    this.span = byId('spans');
    // One statement for every page (see spanPageBounds).
    const page = (shape: Parameters<typeof spanPageSql>[1]) => db.prepare(spanPageSql(() => '?', shape));
    this.spansPage = page({ children: false, outline: false });
    this.childSpansPage = page({ children: true, outline: false });
    this.outlinesPage = page({ children: false, outline: true });
    this.childOutlinesPage = page({ children: true, outline: true });
    this.idempotency = db.prepare('SELECT * FROM idempotency WHERE account_id = ? AND operation = ? AND key = ?');
    this.purgeable = new PurgeableCounts(db);
    this.copyPages = new CopyPages(db);
    this.copyLookups = new CopyLookups(db);
    this.alerts = new AlertReads(db);
  }
}

export class SqliteReadTx implements ReadTx {
  protected readonly q: ReadStatements;
  constructor(statements: ReadStatements) {
    this.q = statements;
  }

  async findTokenByHash(tokenHash: string) {
    return this.q.tokenByHash.get(tokenHash) as TokenRecord | undefined;
  }
  async listTokens() {
    return this.q.tokens.all() as TokenRecord[];
  }
  async getToken(accountId: string, id: string) {
    return this.q.token.get(accountId, id) as TokenRecord | undefined;
  }
  async listAccountTokens(accountId: string) {
    return this.q.accountTokens.all(accountId) as TokenRecord[];
  }
  async firstAccount() {
    return this.q.firstAccount.get() as AccountRecord | undefined;
  }
  async getEnvironment(accountId: string, id: string) {
    return this.q.environment.get(accountId, id) as EnvironmentRecord | undefined;
  }
  async listEnvironments(accountId: string) {
    return this.q.environments.all(accountId) as EnvironmentRecord[];
  }
  async findEnvironmentByName(accountId: string, name: string) {
    return this.q.environmentByName.get(accountId, name) as EnvironmentRecord | undefined;
  }
  async environmentUse(accountId: string, id: string) {
    return this.q.environmentUse.get(accountId, id, accountId, id) as EnvironmentUse;
  }
  async getRiskProfile(accountId: string, id: string) {
    return this.q.riskProfile.get(accountId, id) as RiskProfileRecord | undefined;
  }
  async agentRiskProfile(accountId: string, agentId: string) {
    return this.q.agentRiskProfile.get(accountId, agentId) as RiskProfileRecord | undefined;
  }
  async listRiskProfiles(accountId: string) {
    return this.q.riskProfiles.all(accountId) as RiskProfileRecord[];
  }
  async listModelPrices(accountId: string) {
    return this.q.modelPrices.all(accountId) as ModelPriceRecord[];
  }
  async riskProfileAgentCounts(accountId: string) {
    const rows = this.q.riskProfileAgentCounts.all(accountId) as Array<{ risk_profile_id: string; n: number }>;
    return new Map(rows.map((row) => [row.risk_profile_id, row.n]));
  }
  async getAccount(id: string) {
    return this.q.account.get(id) as AccountRecord | undefined;
  }
  async getAgent(accountId: string, id: string) {
    return this.q.agent.get(accountId, id) as AgentRecord | undefined;
  }
  async findAgentByExternalIdentifier(accountId: string, externalIdentifier: string) {
    return this.q.agentByExternal.get(accountId, externalIdentifier) as AgentRecord | undefined;
  }
  async listAgents(query: AgentPageQuery) {
    const { page, count, values } = this.q.agentPage(query);
    const rows = page.all(...values, query.limit, query.offset) as AgentRecord[];
    return { rows, total: count.get(...values) as number };
  }
  async instanceCounts(accountId: string, agentId: string, environmentId?: string) {
    const counts: InstanceStatusCounts = {};
    const rows = (
      environmentId === undefined
        ? this.q.instanceCounts.all(accountId, agentId)
        : this.q.instanceCountsInEnvironment.all(accountId, agentId, environmentId)
    ) as Array<{ status: InstanceStatus; n: number }>;
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }
  async getDeployment(accountId: string, id: string) {
    return this.q.deployment.get(accountId, id) as DeploymentRecord | undefined;
  }
  async listDeployments(accountId: string) {
    return this.q.deployments.all(accountId) as DeploymentRecord[];
  }
  async listDeploymentVersions(accountId: string, deploymentId: string) {
    return this.q.deploymentVersions.all(accountId, deploymentId) as DeploymentVersionRecord[];
  }
  async deploymentUse(accountId: string, deployment: Pick<DeploymentRecord, 'id' | 'environment_id'>): Promise<DeploymentUse> {
    const use = this.q.deploymentUse.get(accountId, deployment.environment_id, deployment.id, accountId, deployment.id) as {
      instances: number;
      tokens: number;
    };
    return { instances: use.instances === 1, tokens: use.tokens };
  }
  async getAgentVersion(accountId: string, id: string) {
    return this.q.agentVersion.get(accountId, id) as AgentVersionRecord | undefined;
  }
  async listAgentVersions(accountId: string, agentId: string) {
    return this.q.agentVersions.all(accountId, agentId) as AgentVersionRecord[];
  }
  async getSchemaVersion(accountId: string, id: string) {
    return this.q.schemaVersion.get(accountId, id) as SchemaVersionRecord | undefined;
  }
  async listSchemaVersions(accountId: string, agentId: string) {
    return this.q.schemaVersions.all(accountId, agentId) as SchemaVersionRecord[];
  }
  async countSchemaVersions(accountId: string, agentId: string, externalIdentifier: string) {
    return this.q.schemaVersionCount.get(accountId, agentId, externalIdentifier) as number;
  }
  async getInstance(accountId: string, id: string) {
    return this.q.instance.get(accountId, id) as InstanceRecord | undefined;
  }
  async spanCounts(accountId: string, instanceId: string) {
    const counts: SpanStatusCounts = {};
    for (const row of this.q.spanCounts.all(accountId, instanceId) as Array<{ status: keyof SpanStatusCounts; n: number }>) {
      counts[row.status] = row.n;
    }
    return counts;
  }
  async activity(query: ActivityQuery) {
    const { statement, values } = this.q.activity(query);
    return statement.all(...values) as ActivityRow[];
  }
  async rollups(query: RollupQuery) {
    const { text, values } = rollupSql(query, () => '?', 'agentspan_hist_sum(hist)');
    const rows = this.q.rollups(text).all(...values) as Array<Record<string, unknown>>;
    return rows.map((row) => rollupRow(row, query, (blob) => decodeHistogramInto(new Map(), blob as Uint8Array | null)));
  }
  async spanCountsOf(accountId: string, instanceIds: readonly string[]) {
    // Each a prepared statement on the same connection: a loop costs no round trips here.
    const counts = new Map<string, SpanStatusCounts>();
    for (const id of instanceIds) counts.set(id, await this.spanCounts(accountId, id));
    return counts;
  }
  async spanTypeCounts(accountId: string, instanceId: string) {
    return new Map(this.q.spanTypeCounts.all(accountId, instanceId) as Array<[string, number]>);
  }
  async spanTypeCountsOf(accountId: string, instanceIds: readonly string[]) {
    const counts = new Map<string, Map<string, number>>();
    for (const id of instanceIds) counts.set(id, await this.spanTypeCounts(accountId, id));
    return counts;
  }
  async getSpan(accountId: string, id: string) {
    return this.q.span.get(accountId, id) as SpanRecord | undefined;
  }
  async spanUsage(accountId: string, instanceId: string, spanId: string) {
    const row = this.q.spanUsage.get(accountId, instanceId, spanId) as Record<string, unknown> | undefined;
    return row && spanUsageRecord(row);
  }
  async spanUsageOf(accountId: string, spans: ReadonlyArray<{ agent_instance_id: string; id: string }>) {
    if (spans.length === 0) return new Map<string, SpanUsageRecord>();
    const rows = this.q.spanUsageOf.all(spanKeysJson(spans), accountId) as Array<Record<string, unknown>>;
    return new Map(rows.map((row) => [row.span_id as string, spanUsageRecord(row)]));
  }
  async instanceModelUsage(accountId: string, instanceId: string) {
    return (this.q.instanceModelUsage.all(accountId, instanceId) as Array<Record<string, unknown>>).map(modelCountsRecord);
  }
  async instanceModelUsageOf(accountId: string, instanceIds: readonly string[]) {
    const rows: Array<Record<string, unknown>> = [];
    for (const id of instanceIds) rows.push(...(this.q.instanceModelUsage.all(accountId, id) as Array<Record<string, unknown>>));
    return modelCountsByInstance(rows);
  }
  async usageModels(accountId: string) {
    return (this.q.usageModels.all(accountId) as string[]).map((model) => (model === '' ? null : model));
  }
  async listInstances(query: InstanceListQuery) {
    const { statement, values } = this.q.instancePage(query);
    return statement.all(...values) as ListedInstance[];
  }
  async pageInstances(query: InstanceListQuery & { offset: number }) {
    const { statement, values, count, countValues } = this.q.instancePage(query);
    return { rows: statement.all(...values) as ListedInstance[], total: count.get(...countValues) as number };
  }
  async findSpans(accountId: string, ids: readonly string[]) {
    const found: SpanRecord[] = [];
    for (const id of ids) {
      const span = this.q.span.get(accountId, id) as SpanRecord | undefined;
      if (span) found.push(span);
    }
    return found;
  }
  async listSpans(query: SpanListQuery) {
    return this.#spanPage(query, this.q.spansPage, this.q.childSpansPage) as SpanRecord[];
  }
  async listSpanOutlines(query: SpanListQuery) {
    return this.#spanPage(query, this.q.outlinesPage, this.q.childOutlinesPage) as SpanOutlineRecord[];
  }
  async pageSpans(query: SpanOffsetQuery) {
    const { page, count, sql } = this.q.spanOffsetPage(query);
    const whole = () => page.all(...sql.pageValues(query.limit, query.offset)) as SpanRecord[];
    if (isCheckpointed(query)) return this.q.spanCheckpoints.page(query, whole);
    const rows = whole();
    return { rows, total: count.get(...sql.countValues) as number };
  }
  #spanPage(query: SpanListQuery, ofInstance: Statement, ofParent: Statement): unknown[] {
    const { afterTime, afterId, untilTime } = spanPageBounds(query);
    const bounds = [query.agent_instance_id, afterTime, afterId, untilTime, query.limit];
    return query.parent_span_id === undefined
      ? ofInstance.all(query.account_id, ...bounds)
      : ofParent.all(query.account_id, query.parent_span_id, ...bounds);
  }
  async getAlert(accountId: string, id: string) {
    return this.q.alerts.get(accountId, id);
  }
  async findAlert(accountId: string, dedupeKey: string) {
    return this.q.alerts.find(accountId, dedupeKey);
  }
  async pageAlerts(query: AlertPageQuery) {
    return this.q.alerts.page(query);
  }
  async countAlerts(filter: AlertFilter) {
    return this.q.alerts.count(filter);
  }
  async getIdempotency(accountId: string, operation: string, key: string) {
    return this.q.idempotency.get(accountId, operation, key) as IdempotencyRecord | undefined;
  }
  async purgeable(before: string) {
    return this.q.purgeable.purgeable(before);
  }
  async countIdempotencyBefore(before: string) {
    return this.q.purgeable.ledgerBefore(before);
  }
  async copyPage(table: CopiedTable, after: readonly string[] | undefined, limit: number) {
    return this.q.copyPages.page(table, after, limit);
  }
  async presentRows(table: CopiedTable, keys: ReadonlyArray<readonly string[]>) {
    return this.q.copyLookups.present(table, keys);
  }
}
