import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../src/index.js';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.js';
import { withPostgresStoreFrom, withSqliteStoreFrom } from './migrated-stores.js';
import { describePostgres } from './postgres-database.js';
import { at } from './store-records.js';

/** The migrations before the one that gave tokens a status (found by what it makes, whatever its number). */
const before = (migrations: readonly string[]) =>
  migrations.slice(
    0,
    migrations.findIndex((m) => m.includes('tokens_by_account')),
  );

const HASH = '4e9ad0ed1f4d2e0b3e3ae1f55e7b3e9bc9d4ef5d7ab6e5b1a0a5f5a5b6c7d8e9';

/** A token as a store made before statuses wrote it. */
const OLD_ROWS = `INSERT INTO tokens (id, account_id, scope, deployment_id, token_hash, inserted_at) VALUES
  ('t1', 'acc', 'account', NULL, '${HASH}', '${at(1)}')`;

async function assertMigrated(store: Store) {
  const [token] = await store.read((tx) => tx.listAccountTokens('acc'));
  assert.deepEqual(
    { ...token },
    {
      id: 't1',
      account_id: 'acc',
      scope: 'account',
      deployment_id: null,
      token_hash: HASH,
      inserted_at: at(1),
      last_used_at: null,
      status: 'active',
      expires_at: null,
      created_by: null,
      updated_at: at(1),
    },
  );
}

describe('token status migration (sqlite)', () => {
  it('keeps tokens made before it active, never expiring, updated when inserted', () =>
    withSqliteStoreFrom(before(SQLITE_MIGRATIONS), [OLD_ROWS], assertMigrated));
});

describePostgres('token status migration (postgres)', (url) => {
  it('keeps tokens made before it active, never expiring, updated when inserted', () =>
    withPostgresStoreFrom(url, before(POSTGRES_MIGRATIONS), [OLD_ROWS], assertMigrated));
});
