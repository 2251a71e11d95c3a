export { buildApp, DEFAULT_BODY_LIMIT, type BuildAppOptions } from './app.js';
export { DEFAULT_OTLP_BODY_LIMIT } from './routes/otlp-traces.js';
export { DEFAULT_REQUEST_LIMITS, type RequestLimits } from './domain/request-limits.js';
export type { Store, ReadTx, WriteTx, SequenceOutcome } from './store/store.js';
export { StoreConflictError, StoreUnavailableError } from './store/errors.js';
export { openSqliteStore, SQLITE_FILE_NAME, type SqliteLocation } from './store/sqlite/sqlite-store.js';
export { openPostgresStore, type PostgresStoreOptions, type PostgresTlsOptions } from './store/postgres/index.js';
export { bootstrapAccount, createAccount, type BootstrapResult } from './domain/bootstrap.js';
export { createToken, type CreateTokenOptions } from './domain/access-tokens.js';
