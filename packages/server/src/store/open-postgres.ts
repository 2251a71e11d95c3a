import type { Store } from './store.js';
import type { PostgresStoreOptions } from './postgres/options.js';

/**
 * Opens (and migrates) the PostgreSQL store. The PostgreSQL store and its driver are loaded on the
 * first call, so a server on SQLite never holds them.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const postgres = await import('./postgres/postgres-store.js');
  return postgres.openPostgresStore(options);
}
