import { OPEN_STATUSES } from '@agentspan/protocol';

/** The columns an insert writes into each table, in order: one list for every engine. */
export const TABLE_COLUMNS = {
  accounts: ['id', 'name', 'inserted_at'],
  environments: ['account_id', 'id', 'name', 'inserted_at', 'purpose', 'description', 'updated_at'],
  risk_profiles: [
    'account_id',
    'id',
    'name',
    'description',
    'categories_json',
    'actions_json',
    'thresholds_json',
    'archived_at',
    'inserted_at',
    'updated_at',
  ],
  agents: [
    'account_id',
    'id',
    'name',
    'description',
    'external_identifier',
    'owner_person_id',
    'risk_profile_id',
    'team_id',
    'status',
    'first_instance_at',
    'inserted_at',
    'updated_at',
  ],
  deployments: ['account_id', 'id', 'agent_id', 'environment_id', 'current_version_id', 'inserted_at', 'updated_at'],
  deployment_versions: ['account_id', 'deployment_id', 'changed_at', 'version_id', 'changed_by_token_id'],
  agent_versions: ['account_id', 'id', 'agent_id', 'name', 'external_identifier', 'description', 'inserted_at', 'agent_schema_version_id', 'sdk'],
  schema_versions: ['account_id', 'id', 'agent_id', 'external_identifier', 'document_json', 'inserted_at', 'document_hash'],
  tokens: ['id', 'account_id', 'scope', 'deployment_id', 'token_hash', 'inserted_at', 'status', 'expires_at', 'created_by', 'updated_at'],
  agent_instances: [
    'account_id',
    'id',
    'agent_id',
    'agent_version_id',
    'schema_version_id',
    'environment_id',
    'agent_deployment_id',
    'status',
    'purpose',
    'started_at',
    'finished_at',
    'termination_reason',
    'terminated_by_token_id',
    'quality_payloads_json',
    'quality_summaries_json',
    'inserted_at',
    'updated_at',
  ],
  spans: [
    'account_id',
    'id',
    'agent_id',
    'agent_instance_id',
    'parent_span_id',
    'schema_name',
    'schema_title',
    'status',
    'payload_json',
    'result_payload_json',
    'summary',
    'started_at',
    'finished_at',
    'inserted_at',
    'updated_at',
    'schema_validation',
  ],
  alerts: [
    'account_id',
    'id',
    'dedupe_key',
    'alert_type',
    'status',
    'agent_id',
    'agent_instance_id',
    'agent_schema_version_id',
    'environment_id',
    'risk_profile_id',
    'risk_level',
    'risk_score',
    'span_type',
    'exceeds_kind',
    'exceeds_name',
    'message',
    'opened_at',
    'updated_at',
    'acknowledged_at',
    'acknowledged_note',
    'acknowledged_by',
  ],
  model_prices: ['account_id', 'model', 'prices_json', 'inserted_at', 'updated_at'],
  idempotency: ['account_id', 'operation', 'key', 'fingerprint', 'response_status', 'response_json', 'inserted_at'],
} as const;

export type InsertableTable = keyof typeof TABLE_COLUMNS;

/** A row's values in its table's column order, for positional parameters. */
export const columnValues = (table: InsertableTable, row: object): unknown[] =>
  TABLE_COLUMNS[table].map((column) => (row as Record<string, unknown>)[column]);

/** One text for a row's (account, id): the key of the per-row maps the writers keep. */
export const rowKey = (accountId: string, id: string) => `${accountId}\u0000${id}`;

/** One text for (account, operation, key): how a unit finds the idempotency claims it made. */
export const ledgerKey = (accountId: string, operation: string, key: string) => `${accountId}\u0000${operation}\u0000${key}`;

/** The tables an export copies, in dependency order (a row's references come before it); the ledger stays behind. */
export const COPIED_TABLES = [
  'accounts',
  'environments',
  'risk_profiles',
  'model_prices',
  'agents',
  // Before agent versions, which name the schema version they declare their span types in.
  'schema_versions',
  'agent_versions',
  'deployments',
  'deployment_versions',
  'tokens',
  'agent_instances',
  'spans',
  'alerts',
] as const;
export type CopiedTable = (typeof COPIED_TABLES)[number];

/** Each copied table's primary key: the order an export walks it in, and what an import skips on. */
export const COPIED_TABLE_KEYS: Record<CopiedTable, readonly string[]> = {
  accounts: ['id'],
  environments: ['account_id', 'id'],
  risk_profiles: ['account_id', 'id'],
  model_prices: ['account_id', 'model'],
  agents: ['account_id', 'id'],
  schema_versions: ['account_id', 'id'],
  agent_versions: ['account_id', 'id'],
  deployments: ['account_id', 'id'],
  deployment_versions: ['account_id', 'deployment_id', 'changed_at'],
  tokens: ['id'],
  agent_instances: ['account_id', 'id'],
  spans: ['account_id', 'id'],
  alerts: ['account_id', 'id'],
};

/** One text for a copied row's primary key values (see `COPIED_TABLE_KEYS`), as `ReadTx.presentRows` answers. */
export const copiedRowKey = (values: readonly string[]) => values.join('\u0000');

/** The keyset page of a copied table after a given key, with `param(n)` writing the n-th (1-based) parameter. */
export function copyPageSql(table: CopiedTable, param: (n: number) => string, after: boolean): string {
  const key = COPIED_TABLE_KEYS[table];
  const columns = TABLE_COLUMNS[table].join(', ');
  const where = after ? `WHERE (${key.join(', ')}) > (${key.map((_, i) => param(i + 1)).join(', ')})` : '';
  return `SELECT ${columns} FROM ${table} ${where} ORDER BY ${key.join(', ')} LIMIT ${param(after ? key.length + 1 : 1)}`;
}

/** The open statuses as an SQL list: an instance in none of them is final, and may be purged. */
export const OPEN_STATUSES_SQL = `(${OPEN_STATUSES.map((status) => `'${status}'`).join(', ')})`;
