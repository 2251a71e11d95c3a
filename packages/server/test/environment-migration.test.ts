import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../src/index.js';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.js';
import { withPostgresStoreFrom, withSqliteStoreFrom } from './migrated-stores.js';
import { describePostgres } from './postgres-database.js';
import { at } from './store-records.js';

/** The migrations before the one that gave environments a purpose (found by what it makes, whatever its number). */
const before = (migrations: readonly string[]) =>
  migrations.slice(
    0,
    migrations.findIndex((m) => m.includes('environments_by_name')),
  );

/** Environments as a store made before purposes wrote them: only names, one of them twice in an account. */
const OLD_ROWS = `INSERT INTO environments (account_id, id, name, inserted_at) VALUES
  ('acc', 'e1', 'default', '${at(1)}'), ('acc', 'e2', 'default', '${at(2)}'), ('acc', 'e3', 'staging', '${at(3)}'),
  ('other', 'e1', 'default', '${at(4)}')`;

async function assertMigrated(store: Store) {
  const rows = await store.read(async (tx) => [...(await tx.listEnvironments('acc')), ...(await tx.listEnvironments('other'))]);
  assert.deepEqual(
    rows.map((e) => ({ ...e })),
    [
      { account_id: 'acc', id: 'e1', name: 'default', purpose: 'production', description: null, inserted_at: at(1), updated_at: at(1) },
      { account_id: 'acc', id: 'e2', name: 'default (e2)', purpose: 'production', description: null, inserted_at: at(2), updated_at: at(2) },
      { account_id: 'acc', id: 'e3', name: 'staging', purpose: 'production', description: null, inserted_at: at(3), updated_at: at(3) },
      { account_id: 'other', id: 'e1', name: 'default', purpose: 'production', description: null, inserted_at: at(4), updated_at: at(4) },
    ],
  );
  // Names are unique in an account from now on.
  await assert.rejects(
    store.write((tx) =>
      tx.insertEnvironment({
        account_id: 'acc',
        id: 'e4',
        name: 'staging',
        purpose: 'staging',
        description: null,
        inserted_at: at(5),
        updated_at: at(5),
      }),
    ),
    { name: 'StoreConflictError' },
  );
}

describe('environment purpose migration (sqlite)', () => {
  it('gives environments made before it production, their own time as updated_at, and names unique in each account', () =>
    withSqliteStoreFrom(before(SQLITE_MIGRATIONS), [OLD_ROWS], assertMigrated));
});

describePostgres('environment purpose migration (postgres)', (url) => {
  it('gives environments made before it production, their own time as updated_at, and names unique in each account', () =>
    withPostgresStoreFrom(url, before(POSTGRES_MIGRATIONS), [OLD_ROWS], assertMigrated));
});
