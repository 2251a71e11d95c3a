import type { ReadTx } from '../store.js';
import type {
  AlertFilter,
  AlertPageQuery,
  AlertRecord,
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
import type { StoreTable } from '../errors.js';
import type { InstanceStatus } from '@agentspan/protocol';
import { agentPageSql } from '../agent-sql.js';
import { deploymentUseSql, deploymentVersionsSql } from '../deployment-sql.js';
import { environmentUseSql } from '../environment-sql.js';
import { instancePageSql, PRICE_RATES, type InstancePageDialect } from '../instance-page-sql.js';
import { activitySql, type ActivityQuery, type ActivityRow } from '../activity-sql.js';
import { createHash } from 'node:crypto';
import { rollupRow, rollupSql, type RollupQuery } from '../analytics-sql.js';
import { parsePostgresHistogramInto } from '../duration-histogram.js';
import { modelPricesOfAccountSql } from '../model-price-sql.js';
import { agentRiskProfileSql, riskProfileAgentCountsSql } from '../risk-profile-sql.js';
import { SPAN_SEARCH_DOCUMENT, tsquery } from './instance-search.js';
import { isCheckpointed } from '../span-checkpoints.js';
import { spanOffsetSql } from '../span-offset-sql.js';
import { PostgresSpanCheckpoints } from './span-checkpoint-reads.js';
import { spanPageBounds, spanPageSql } from '../span-page-bounds.js';
import { statement, type Sql, type Statement } from './sql.js';
import type { QueryResultRow } from 'pg';
import { COPIED_TABLE_KEYS, COPIED_TABLES, copiedRowKey, copyPageSql, type CopiedTable } from '../table-columns.js';
import { PURGE } from './purge-sql.js';
import { ALERTS, alertPageStatements } from './alert-statements.js';
import { modelCountsByInstance, modelCountsRecord, spanKeysJson, spanUsageRecord, type SpanUsageRecord } from '../span-usage.js';
import { USAGE_READS } from './usage-sql.js';

const byId = (table: StoreTable) => statement(table, `${table}_by_id`, `SELECT * FROM ${table} WHERE account_id = $1 AND id = $2`);

export const READS = {
  tokenByHash: statement('tokens', 'token_by_hash', 'SELECT * FROM tokens WHERE token_hash = $1'),
  tokens: statement('tokens', 'all_tokens', 'SELECT * FROM tokens ORDER BY inserted_at, id'),
  token: byId('tokens'),
  accountTokens: statement('tokens', 'tokens_of_account', 'SELECT * FROM tokens WHERE account_id = $1 ORDER BY inserted_at, id'),
  firstAccount: statement('accounts', 'first_account', 'SELECT * FROM accounts ORDER BY inserted_at, id LIMIT 1'),
  environment: byId('environments'),
  agentVersions: statement(
    'agent_versions',
    'agent_versions_of_agent',
    'SELECT * FROM agent_versions WHERE account_id = $1 AND agent_id = $2 ORDER BY inserted_at, id',
  ),
  schemaVersions: statement(
    'schema_versions',
    'schema_versions_of_agent',
    'SELECT * FROM schema_versions WHERE account_id = $1 AND agent_id = $2 ORDER BY inserted_at, id',
  ),
  schemaVersionCount: statement(
    'schema_versions',
    'schema_version_count',
    'SELECT COUNT(*)::integer AS n FROM schema_versions WHERE account_id = $1 AND agent_id = $2 AND external_identifier = $3',
  ),
  environments: statement('environments', 'environments_of_account', 'SELECT * FROM environments WHERE account_id = $1 ORDER BY inserted_at, id'),
  environmentByName: statement('environments', 'environment_by_name', 'SELECT * FROM environments WHERE account_id = $1 AND name = $2'),
  environmentUse: statement(
    'environments',
    'environment_use',
    environmentUseSql((n) => `$${n}`),
  ),
  riskProfile: byId('risk_profiles'),
  riskProfiles: statement('risk_profiles', 'risk_profiles_of_account', 'SELECT * FROM risk_profiles WHERE account_id = $1 ORDER BY inserted_at, id'),
  modelPrices: statement(
    'model_prices',
    'model_prices_of_account',
    modelPricesOfAccountSql((n) => `$${n}`),
  ),
  agentRiskProfile: statement(
    'risk_profiles',
    'agent_risk_profile',
    agentRiskProfileSql((n) => `$${n}`),
  ),
  riskProfileAgentCounts: statement(
    'agents',
    'risk_profile_agent_counts',
    riskProfileAgentCountsSql((n) => `$${n}`),
  ),
  account: statement('accounts', 'account_by_id', 'SELECT * FROM accounts WHERE id = $1'),
  agent: byId('agents'),
  agentByExternal: statement('agents', 'agent_by_external', 'SELECT * FROM agents WHERE account_id = $1 AND external_identifier = $2'),
  instanceCounts: statement(
    'agent_instances',
    'instance_counts_of_agent',
    `SELECT status, COUNT(*)::integer AS n FROM agent_instances
     WHERE account_id = $1 AND agent_id = $2 AND ($3::text IS NULL OR environment_id = $3) GROUP BY status`,
  ),
  deployment: byId('deployments'),
  deployments: statement('deployments', 'deployments_of_account', 'SELECT * FROM deployments WHERE account_id = $1 ORDER BY inserted_at, id'),
  deploymentVersions: statement(
    'deployment_versions',
    'deployment_versions',
    deploymentVersionsSql((n) => `$${n}`),
  ),
  deploymentUse: statement(
    'deployments',
    'deployment_use',
    deploymentUseSql((n) => `$${n}`),
  ),
  agentVersion: byId('agent_versions'),
  schemaVersion: byId('schema_versions'),
  instance: byId('agent_instances'),
  spanCounts: statement(
    'spans',
    'span_counts_of_instance',
    `SELECT status, sum(n)::integer AS n FROM span_counts WHERE account_id = $1 AND agent_instance_id = $2
     GROUP BY status`,
  ),
  spanCountsOf: statement(
    'spans',
    'span_counts_of_instances',
    `SELECT agent_instance_id, status, sum(n)::integer AS n FROM span_counts
     WHERE account_id = $1 AND agent_instance_id = ANY (string_to_array($2::text, ','))
     GROUP BY agent_instance_id, status`,
  ),
  spanTypeCounts: statement(
    'spans',
    'span_type_counts_of_instance',
    `SELECT schema_name, sum(n)::integer AS n FROM span_type_counts WHERE account_id = $1 AND agent_instance_id = $2
     GROUP BY schema_name`,
  ),
  spanTypeCountsOf: statement(
    'spans',
    'span_type_counts_of_instances',
    `SELECT agent_instance_id, schema_name, sum(n)::integer AS n FROM span_type_counts
     WHERE account_id = $1 AND agent_instance_id = ANY (string_to_array($2::text, ','))
     GROUP BY agent_instance_id, schema_name`,
  ),
  span: byId('spans'),
  // Ids as one comma-separated text (span ids have no commas): statements may be inlined, and literals are scalars.
  spansByIds: statement('spans', 'spans_by_ids', "SELECT * FROM spans WHERE account_id = $1 AND id = ANY (string_to_array($2::text, ','))"),
  // One statement for every page (see spanPageBounds): the lower bound is an index condition on
  // spans_by_instance_time, so the scan starts in the right place and reads rows already in order
  // (no sort).
  spansPage: statement(
    'spans',
    'spans_page',
    spanPageSql((n) => `$${n}`, { children: false, outline: false }),
  ),
  childSpansPage: statement(
    'spans',
    'child_spans_page',
    spanPageSql((n) => `$${n}`, { children: true, outline: false }),
  ),
  outlinesPage: statement(
    'spans',
    'span_outlines_page',
    spanPageSql((n) => `$${n}`, { children: false, outline: true }),
  ),
  childOutlinesPage: statement(
    'spans',
    'child_span_outlines_page',
    spanPageSql((n) => `$${n}`, { children: true, outline: true }),
  ),
  idempotency: statement('idempotency', 'idempotency_by_key', 'SELECT * FROM idempotency WHERE account_id = $1 AND operation = $2 AND key = $3'),
} as const;

/** Named statements of each agent page shape, made on first use. */
const agentPages = new Map<string, { page: Statement; count: Statement }>();

function agentPageStatements(query: AgentPageQuery) {
  const sql = agentPageSql(query, (n) => `$${n}`, ' COLLATE "C"');
  let statements = agentPages.get(sql.shape);
  if (!statements) {
    statements = {
      page: statement('agents', `agents_page_${sql.shape}`, sql.page),
      count: statement('agents', `agents_count_${sql.shape}`, sql.count),
    };
    agentPages.set(sql.shape, statements);
  }
  return { ...statements, values: sql.values };
}

/** Named statements of each span offset page shape, made on first use. */
const spanOffsetPages = new Map<string, { page: Statement; count: Statement }>();

function spanOffsetStatements(query: SpanOffsetQuery) {
  const sql = spanOffsetSql(query, (n) => `$${n}`);
  let statements = spanOffsetPages.get(sql.shape);
  if (!statements) {
    statements = {
      page: statement('spans', `spans_offset_page_${sql.shape}`, sql.page),
      count: statement('spans', `spans_offset_count_${sql.shape}`, sql.count),
    };
    spanOffsetPages.set(sql.shape, statements);
  }
  return { ...statements, sql };
}

/** Named statements of each instance page shape, made on first use. */
const instancePages = new Map<string, Statement>();
/** Activity statements by shape (a dozen at most), named once. */
const activityReads = new Map<string, Statement>();

/** The instance pages as PostgreSQL writes them. */
export const POSTGRES_INSTANCE_PAGES: InstancePageDialect = {
  placeholder: (n) => `$${n}`,
  search: (param, accountId, words) =>
    `SELECT agent_instance_id FROM spans WHERE account_id = ${param(accountId)}
         AND ${SPAN_SEARCH_DOCUMENT} @@ to_tsquery('simple', ${param(tsquery(words))})`,
  // extract() answers numeric: exact to the microsecond the text holds.
  micros: (later, earlier) => `((extract(epoch from ${later}::timestamptz) - extract(epoch from ${earlier}::timestamptz)) * 1000000)`,
  prices: (param) => `SELECT * FROM jsonb_to_recordset(${param}::jsonb) AS p (model text, ${PRICE_RATES.map((rate) => `${rate} float8`).join(', ')})`,
};

function instancePageStatement(query: InstanceListQuery) {
  const sql = instancePageSql(query, POSTGRES_INSTANCE_PAGES);
  let page = instancePages.get(sql.shape);
  if (!page) instancePages.set(sql.shape, (page = statement('agent_instances', `instances_page_${sql.shape}`, sql.text)));
  let count = instancePages.get(`count_${sql.shape}`);
  if (!count) instancePages.set(`count_${sql.shape}`, (count = statement('agent_instances', `instances_count_${sql.shape}`, sql.count)));
  return { page, values: sql.values, count, countValues: sql.countValues };
}

/** Parameters of one `spansPage`. */
export function spanPageValues(query: SpanListQuery): unknown[] {
  const { afterTime, afterId, untilTime } = spanPageBounds(query);
  return [query.account_id, query.agent_instance_id, afterTime, afterId, untilTime, query.limit];
}

export class PostgresReadTx implements ReadTx {
  protected readonly sql: Sql;
  /** Made on first use: the store's one read transaction keeps them; a write's dies with it. */
  #checkpoints: PostgresSpanCheckpoints | undefined;
  constructor(sql: Sql) {
    this.sql = sql;
  }

  findTokenByHash(tokenHash: string) {
    return this.sql.first<TokenRecord>(READS.tokenByHash, [tokenHash]);
  }
  listTokens() {
    return this.sql.rows<TokenRecord>(READS.tokens, []);
  }
  getToken(accountId: string, id: string) {
    return this.sql.first<TokenRecord>(READS.token, [accountId, id]);
  }
  listAccountTokens(accountId: string) {
    return this.sql.rows<TokenRecord>(READS.accountTokens, [accountId]);
  }
  firstAccount() {
    return this.sql.first<AccountRecord>(READS.firstAccount, []);
  }
  getEnvironment(accountId: string, id: string) {
    return this.sql.first<EnvironmentRecord>(READS.environment, [accountId, id]);
  }
  listEnvironments(accountId: string) {
    return this.sql.rows<EnvironmentRecord>(READS.environments, [accountId]);
  }
  findEnvironmentByName(accountId: string, name: string) {
    return this.sql.first<EnvironmentRecord>(READS.environmentByName, [accountId, name]);
  }
  async environmentUse(accountId: string, id: string) {
    const use = await this.sql.first<EnvironmentUse>(READS.environmentUse, [accountId, id, accountId, id]);
    return use ?? { deployments: 0, instances: 0 };
  }
  getRiskProfile(accountId: string, id: string) {
    return this.sql.first<RiskProfileRecord>(READS.riskProfile, [accountId, id]);
  }
  agentRiskProfile(accountId: string, agentId: string) {
    return this.sql.first<RiskProfileRecord>(READS.agentRiskProfile, [accountId, agentId]);
  }
  listRiskProfiles(accountId: string) {
    return this.sql.rows<RiskProfileRecord>(READS.riskProfiles, [accountId]);
  }
  listModelPrices(accountId: string) {
    return this.sql.rows<ModelPriceRecord>(READS.modelPrices, [accountId]);
  }
  async riskProfileAgentCounts(accountId: string) {
    const rows = await this.sql.rows<{ risk_profile_id: string; n: number }>(READS.riskProfileAgentCounts, [accountId]);
    return new Map(rows.map((row) => [row.risk_profile_id, row.n]));
  }
  getAccount(id: string) {
    return this.sql.first<AccountRecord>(READS.account, [id]);
  }
  getAgent(accountId: string, id: string) {
    return this.sql.first<AgentRecord>(READS.agent, [accountId, id]);
  }
  findAgentByExternalIdentifier(accountId: string, externalIdentifier: string) {
    return this.sql.first<AgentRecord>(READS.agentByExternal, [accountId, externalIdentifier]);
  }
  async listAgents(query: AgentPageQuery) {
    const { page, count, values } = agentPageStatements(query);
    const rows = await this.sql.rows<AgentRecord>(page, [...values, query.limit, query.offset]);
    const total = await this.sql.first<{ n: number }>(count, values);
    return { rows, total: total?.n ?? 0 };
  }
  async instanceCounts(accountId: string, agentId: string, environmentId?: string) {
    const counts: InstanceStatusCounts = {};
    const rows = await this.sql.rows<{ status: InstanceStatus; n: number }>(READS.instanceCounts, [accountId, agentId, environmentId ?? null]);
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }
  getDeployment(accountId: string, id: string) {
    return this.sql.first<DeploymentRecord>(READS.deployment, [accountId, id]);
  }
  listDeployments(accountId: string) {
    return this.sql.rows<DeploymentRecord>(READS.deployments, [accountId]);
  }
  listDeploymentVersions(accountId: string, deploymentId: string) {
    return this.sql.rows<DeploymentVersionRecord>(READS.deploymentVersions, [accountId, deploymentId]);
  }
  async deploymentUse(accountId: string, deployment: Pick<DeploymentRecord, 'id' | 'environment_id'>): Promise<DeploymentUse> {
    const use = await this.sql.first<DeploymentUse>(READS.deploymentUse, [
      accountId,
      deployment.environment_id,
      deployment.id,
      accountId,
      deployment.id,
    ]);
    return use ?? { instances: false, tokens: 0 };
  }
  getAgentVersion(accountId: string, id: string) {
    return this.sql.first<AgentVersionRecord>(READS.agentVersion, [accountId, id]);
  }
  listAgentVersions(accountId: string, agentId: string) {
    return this.sql.rows<AgentVersionRecord>(READS.agentVersions, [accountId, agentId]);
  }
  getSchemaVersion(accountId: string, id: string) {
    return this.sql.first<SchemaVersionRecord>(READS.schemaVersion, [accountId, id]);
  }
  listSchemaVersions(accountId: string, agentId: string) {
    return this.sql.rows<SchemaVersionRecord>(READS.schemaVersions, [accountId, agentId]);
  }
  async countSchemaVersions(accountId: string, agentId: string, externalIdentifier: string) {
    return (await this.sql.first<{ n: number }>(READS.schemaVersionCount, [accountId, agentId, externalIdentifier]))?.n ?? 0;
  }
  getInstance(accountId: string, id: string) {
    return this.sql.first<InstanceRecord>(READS.instance, [accountId, id]);
  }
  async spanCounts(accountId: string, instanceId: string) {
    const counts: SpanStatusCounts = {};
    const rows = await this.sql.rows<{ status: keyof SpanStatusCounts; n: number }>(READS.spanCounts, [accountId, instanceId]);
    for (const row of rows) counts[row.status] = row.n;
    return counts;
  }
  async rollups(query: RollupQuery) {
    const { text, values } = rollupSql(query, (n) => `$${n}`, 'agentspan_hist_sum(hist)::text');
    const name = `rollups_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    const rows = await this.sql.rows<Record<string, unknown>>(statement('spans', name, text), values);
    return rows.map((row) => rollupRow(row, query, (text) => parsePostgresHistogramInto(new Map(), text as string | null)));
  }
  async activity(query: ActivityQuery) {
    const sql = activitySql(query, (n) => `$${n}`);
    let read = activityReads.get(sql.shape);
    if (!read) activityReads.set(sql.shape, (read = statement('spans', `activity_${sql.shape}`, sql.text)));
    return this.sql.rows<ActivityRow>(read, sql.values);
  }
  async spanCountsOf(accountId: string, instanceIds: readonly string[]) {
    const counts = new Map<string, SpanStatusCounts>(instanceIds.map((id) => [id, {}]));
    if (instanceIds.length === 0) return counts;
    // Instance ids are like span ids, without commas.
    const rows = await this.sql.rows<{ agent_instance_id: string; status: keyof SpanStatusCounts; n: number }>(READS.spanCountsOf, [
      accountId,
      instanceIds.join(','),
    ]);
    for (const row of rows) counts.get(row.agent_instance_id)![row.status] = row.n;
    return counts;
  }
  async spanUsage(accountId: string, instanceId: string, spanId: string) {
    const row = await this.sql.first<Record<string, unknown>>(USAGE_READS.spanUsage, [accountId, instanceId, spanId]);
    return row && spanUsageRecord(row);
  }
  async spanUsageOf(accountId: string, spans: ReadonlyArray<{ agent_instance_id: string; id: string }>) {
    if (spans.length === 0) return new Map<string, SpanUsageRecord>();
    const rows = await this.sql.rows<Record<string, unknown>>(USAGE_READS.spanUsageOf, [accountId, spanKeysJson(spans)]);
    return new Map(rows.map((row) => [row.span_id as string, spanUsageRecord(row)]));
  }
  async instanceModelUsage(accountId: string, instanceId: string) {
    return (await this.sql.rows<Record<string, unknown>>(USAGE_READS.instanceModelUsage, [accountId, instanceId])).map(modelCountsRecord);
  }
  async instanceModelUsageOf(accountId: string, instanceIds: readonly string[]) {
    if (instanceIds.length === 0) return new Map();
    return modelCountsByInstance(await this.sql.rows<Record<string, unknown>>(USAGE_READS.instanceModelUsageOf, [accountId, instanceIds.join(',')]));
  }
  async usageModels(accountId: string) {
    const rows = await this.sql.rows<{ model: string }>(USAGE_READS.usageModels, [accountId]);
    return rows.map(({ model }) => (model === '' ? null : model));
  }
  async spanTypeCounts(accountId: string, instanceId: string) {
    const rows = await this.sql.rows<{ schema_name: string; n: number }>(READS.spanTypeCounts, [accountId, instanceId]);
    return new Map(rows.map((row) => [row.schema_name, row.n]));
  }
  async spanTypeCountsOf(accountId: string, instanceIds: readonly string[]) {
    const counts = new Map<string, Map<string, number>>(instanceIds.map((id) => [id, new Map()]));
    if (instanceIds.length === 0) return counts;
    // Instance ids are like span ids, without commas.
    const rows = await this.sql.rows<{ agent_instance_id: string; schema_name: string; n: number }>(READS.spanTypeCountsOf, [
      accountId,
      instanceIds.join(','),
    ]);
    for (const row of rows) counts.get(row.agent_instance_id)!.set(row.schema_name, row.n);
    return counts;
  }
  getSpan(accountId: string, id: string) {
    return this.sql.first<SpanRecord>(READS.span, [accountId, id]);
  }
  async findSpans(accountId: string, ids: readonly string[]) {
    if (ids.length === 0) return [];
    return this.sql.rows<SpanRecord>(READS.spansByIds, [accountId, ids.join(',')]);
  }
  listInstances(query: InstanceListQuery) {
    const { page, values } = instancePageStatement(query);
    return this.sql.rows<ListedInstance>(page, values);
  }
  async pageInstances(query: InstanceListQuery & { offset: number }) {
    const { page, values, count, countValues } = instancePageStatement(query);
    const rows = await this.sql.rows<ListedInstance>(page, values);
    const total = await this.sql.first<{ n: number }>(count, countValues);
    return { rows, total: total?.n ?? 0 };
  }
  listSpans(query: SpanListQuery) {
    return this.#spanPage<SpanRecord>(query, READS.spansPage, READS.childSpansPage);
  }
  listSpanOutlines(query: SpanListQuery) {
    return this.#spanPage<SpanOutlineRecord>(query, READS.outlinesPage, READS.childOutlinesPage);
  }
  async pageSpans(query: SpanOffsetQuery) {
    const { page, count, sql } = spanOffsetStatements(query);
    const whole = () => this.sql.rows<SpanRecord>(page, sql.pageValues(query.limit, query.offset));
    if (isCheckpointed(query)) return (this.#checkpoints ??= new PostgresSpanCheckpoints()).page(this.sql, query, whole);
    const rows = await whole();
    const total = await this.sql.first<{ n: number }>(count, sql.countValues);
    return { rows, total: total?.n ?? 0 };
  }
  #spanPage<R extends QueryResultRow>(query: SpanListQuery, ofInstance: Statement, ofParent: Statement) {
    if (query.parent_span_id === undefined) return this.sql.rows<R>(ofInstance, spanPageValues(query));
    const [account, instance, ...bounds] = spanPageValues(query);
    return this.sql.rows<R>(ofParent, [account, query.parent_span_id, instance, ...bounds]);
  }
  getAlert(accountId: string, id: string) {
    return this.sql.first<AlertRecord>(ALERTS.byId, [accountId, id]);
  }
  findAlert(accountId: string, dedupeKey: string) {
    return this.sql.first<AlertRecord>(ALERTS.byKey, [accountId, dedupeKey]);
  }
  async pageAlerts(query: AlertPageQuery) {
    const { page, count, values } = alertPageStatements(query);
    const rows = await this.sql.rows<AlertRecord>(page, [...values, query.limit, query.offset]);
    const total = await this.sql.first<{ n: number }>(count, values);
    return { rows, total: total?.n ?? 0 };
  }
  async countAlerts(filter: AlertFilter) {
    const { count, values } = alertPageStatements(filter);
    return (await this.sql.first<{ n: number }>(count, values))?.n ?? 0;
  }
  getIdempotency(accountId: string, operation: string, key: string) {
    return this.sql.first<IdempotencyRecord>(READS.idempotency, [accountId, operation, key]);
  }
  async purgeable(before: string) {
    const instances = await this.sql.first<{ n: number }>(PURGE.countInstances, [before]);
    const spans = await this.sql.first<{ n: number }>(PURGE.countSpans, [before]);
    return { instances: instances?.n ?? 0, spans: spans?.n ?? 0 };
  }
  async countIdempotencyBefore(before: string) {
    return (await this.sql.first<{ n: number }>(PURGE.countLedger, [before]))?.n ?? 0;
  }
  copyPage(table: CopiedTable, after: readonly string[] | undefined, limit: number) {
    const statements = COPY_PAGES[table];
    return after ? this.sql.rows(statements.after, [...after, limit]) : this.sql.rows(statements.first, [limit]);
  }
  async presentRows(table: CopiedTable, keys: ReadonlyArray<readonly string[]>) {
    if (keys.length === 0) return new Set<string>();
    const columns = COPIED_TABLE_KEYS[table];
    const rows = await this.sql.rows<Record<string, string>>(COPY_PAGES[table].present, [JSON.stringify(keys)]);
    return new Set(rows.map((row) => copiedRowKey(columns.map((column) => row[column]!))));
  }
}

/** Export pages of each copied table: the first, and the one after a key. */
const COPY_PAGES = Object.fromEntries(
  COPIED_TABLES.map((table) => [
    table,
    {
      first: statement(
        table,
        `copy_first_${table}`,
        copyPageSql(table, (n) => `$${n}`, false),
      ),
      after: statement(
        table,
        `copy_after_${table}`,
        copyPageSql(table, (n) => `$${n}`, true),
      ),
      present: statement(table, `copy_present_${table}`, presentRowsSql(table)),
    },
  ]),
) as Record<CopiedTable, { first: Statement; after: Statement; present: Statement }>;

/** The stored rows among keys given as one JSON array of key-value arrays (a text parameter, so it can be inlined). */
function presentRowsSql(table: CopiedTable): string {
  const columns = COPIED_TABLE_KEYS[table];
  const fields = columns.map((_, i) => `k ->> ${i}`).join(', ');
  return `SELECT ${columns.join(', ')} FROM ${table}
    WHERE (${columns.join(', ')}) IN (SELECT ${fields} FROM jsonb_array_elements($1::jsonb) AS k)`;
}
