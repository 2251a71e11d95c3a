/** The columns an insert writes into each table, in order: one list for every engine. */
export const TABLE_COLUMNS = {
  accounts: ['id', 'name', 'inserted_at'],
  environments: ['account_id', 'id', 'name', 'inserted_at'],
  agents: [
    'account_id', 'id', 'name', 'description', 'external_identifier', 'owner_person_id', 'risk_profile_id', 'team_id',
    'status', 'first_instance_at', 'inserted_at', 'updated_at',
  ],
  deployments: ['account_id', 'id', 'agent_id', 'environment_id', 'current_version_id', 'inserted_at', 'updated_at'],
  agent_versions: ['account_id', 'id', 'agent_id', 'name', 'external_identifier', 'description', 'inserted_at'],
  schema_versions: ['account_id', 'id', 'agent_id', 'external_identifier', 'document_json', 'inserted_at'],
  tokens: ['id', 'account_id', 'scope', 'deployment_id', 'token_hash', 'inserted_at'],
  agent_instances: [
    'account_id', 'id', 'agent_id', 'agent_version_id', 'schema_version_id', 'environment_id', 'agent_deployment_id',
    'status', 'purpose', 'started_at', 'finished_at', 'termination_reason', 'quality_payloads_json',
    'quality_summaries_json', 'inserted_at', 'updated_at',
  ],
  spans: [
    'account_id', 'id', 'agent_id', 'agent_instance_id', 'parent_span_id', 'schema_name', 'schema_title', 'status',
    'payload_json', 'result_payload_json', 'summary', 'started_at', 'finished_at', 'inserted_at', 'updated_at',
  ],
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
