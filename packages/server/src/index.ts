export type { Store, ReadTx, WriteTx, SequenceOutcome } from './store/store.js';
export { StoreConflictError, StoreUnavailableError } from './store/errors.js';
export { openSqliteStore, type SqliteLocation } from './store/sqlite/sqlite-store.js';
