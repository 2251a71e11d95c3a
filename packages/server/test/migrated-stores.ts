import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openPostgresStore, openSqliteStore, type Store } from '../src/index.js';
import { lendNormaliser } from '../src/store/sqlite/migrations.js';
import { dropSchema, freshSchema, withClient } from './postgres-database.js';

/**
 * A store as an earlier build left it: only `earlier` migrations applied, then `rows` written with
 * them; `use` gets it opened by this build, so every later migration runs on those rows.
 */
export async function withSqliteStoreFrom(earlier: readonly string[], rows: readonly string[], use: (store: Store) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'agentspan-migrate-'));
  const file = join(dir, 'agentspan.sqlite');
  try {
    const old = new Database(file);
    // Steps that fill with the normaliser call it as the store lends it.
    lendNormaliser(old);
    for (const migration of earlier) old.exec(migration);
    old.pragma(`user_version = ${earlier.length}`);
    for (const row of rows) old.exec(row);
    old.close();
    const store = await openSqliteStore({ file });
    try {
      await use(store);
    } finally {
      await store.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The same on PostgreSQL, in a fresh schema of its own. */
export async function withPostgresStoreFrom(url: string, earlier: readonly string[], rows: readonly string[], use: (store: Store) => Promise<void>) {
  const schema = await freshSchema(url);
  try {
    await withClient(url, async (client) => {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`);
      await client.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
      for (const [i, migration] of earlier.entries()) {
        await client.query(migration);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [i + 1]);
      }
      for (const row of rows) await client.query(row);
    });
    const store = await openPostgresStore({ connectionString: url, schema, poolSize: 2 });
    try {
      await use(store);
    } finally {
      await store.close();
    }
  } finally {
    await dropSchema(url, schema);
  }
}
