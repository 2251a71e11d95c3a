export type StoreTable =
  | 'accounts'
  | 'environments'
  | 'risk_profiles'
  | 'agents'
  | 'deployments'
  | 'deployment_versions'
  | 'agent_versions'
  | 'schema_versions'
  | 'tokens'
  | 'agent_instances'
  | 'spans'
  | 'alerts'
  | 'model_prices'
  | 'idempotency';

/** A unique key is taken (e.g. a span id already used in the account). */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
  /** The table whose unique key was violated. */
  readonly table: StoreTable;
  constructor(table: StoreTable, options?: { cause?: unknown }) {
    super(`unique key taken in ${table}`, options);
    this.table = table;
  }
}

/** The database cannot be reached or lost its connection; the request may be retried. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(message = 'the database is unavailable', options?: { cause?: unknown }) {
    super(message, options);
  }
}
