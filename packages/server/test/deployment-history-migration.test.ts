import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../src/index.js';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.js';
import { withPostgresStoreFrom, withSqliteStoreFrom } from './migrated-stores.js';
import { describePostgres } from './postgres-database.js';
import { at } from './store-records.js';

/** The migrations before the one that keeps deployments' version histories (found by what it makes, whatever its number). */
const before = (migrations: readonly string[]) =>
  migrations.slice(
    0,
    migrations.findIndex((m) => m.includes('CREATE TABLE deployment_versions')),
  );

/** Deployments as a store made before histories wrote them: one on a version, one without. */
const OLD_ROWS = `INSERT INTO deployments (account_id, id, agent_id, environment_id, current_version_id, inserted_at, updated_at) VALUES
  ('acc', 'd1', 'a1', 'e1', 'v1', '${at(1)}', '${at(5)}'), ('acc', 'd2', 'a2', 'e1', NULL, '${at(2)}', '${at(2)}')`;

async function assertMigrated(store: Store) {
  const histories = await store.read(async (tx) => [await tx.listDeploymentVersions('acc', 'd1'), await tx.listDeploymentVersions('acc', 'd2')]);
  assert.deepEqual(
    histories.map((rows) => rows.map((row) => ({ ...row }))),
    [
      [{ account_id: 'acc', deployment_id: 'd1', changed_at: at(5), version_id: 'v1', changed_by_token_id: null }],
      [{ account_id: 'acc', deployment_id: 'd2', changed_at: at(2), version_id: null, changed_by_token_id: null }],
    ],
  );
  // The history goes on from there.
  await store.write((tx) => tx.setDeploymentVersion('acc', 'd1', 'v2', at(6), 'tok'));
  assert.deepEqual(
    (await store.read((tx) => tx.listDeploymentVersions('acc', 'd1'))).map((row) => [row.version_id, row.changed_at, row.changed_by_token_id]),
    [
      ['v1', at(5), null],
      ['v2', at(6), 'tok'],
    ],
  );
}

describe('deployment history migration (sqlite)', () => {
  it('starts the history of each deployment made before it with its current version', () =>
    withSqliteStoreFrom(before(SQLITE_MIGRATIONS), [OLD_ROWS], assertMigrated));
});

describePostgres('deployment history migration (postgres)', (url) => {
  it('starts the history of each deployment made before it with its current version', () =>
    withPostgresStoreFrom(url, before(POSTGRES_MIGRATIONS), [OLD_ROWS], assertMigrated));
});
