export { openPostgresStore } from './postgres-store.js';
export type { PostgresStoreOptions, PostgresTlsOptions } from './options.js';
