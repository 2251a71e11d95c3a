import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../src/index.js';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.js';
import { withPostgresStoreFrom, withSqliteStoreFrom } from './migrated-stores.js';
import { describePostgres } from './postgres-database.js';
import { at } from './store-records.js';

/** Rows as a store before the agents API wrote them: every agent `active`, one of them with an instance. */
const OLD_ROWS = [
  `INSERT INTO agents (account_id, id, name, description, external_identifier, status, inserted_at, updated_at)
   VALUES ('acc', 'used', 'used', NULL, NULL, 'active', '${at(1)}', '${at(1)}'),
          ('acc', 'unused', 'unused', NULL, 'ext', 'active', '${at(2)}', '${at(2)}')`,
  `INSERT INTO agent_instances (account_id, id, agent_id, agent_version_id, schema_version_id, environment_id,
     agent_deployment_id, status, purpose, quality_payloads_json, quality_summaries_json, inserted_at, updated_at)
   VALUES ('acc', 'i2', 'used', 'v', 's', 'e', 'd', 'complete', 'live', '{}', '{}', '${at(5)}', '${at(5)}'),
          ('acc', 'i1', 'used', 'v', 's', 'e', 'd', 'pending', 'live', '{}', '{}', '${at(3)}', '${at(3)}')`,
];

async function assertMigrated(store: Store) {
  const [used, unused] = await store.read(async (tx) => [await tx.getAgent('acc', 'used'), await tx.getAgent('acc', 'unused')]);
  assert.deepEqual(
    { status: used?.status, first: used?.first_instance_at, team: used?.team_id, owner: used?.owner_person_id, risk: used?.risk_profile_id },
    { status: 'active', first: at(3), team: null, owner: null, risk: null },
  );
  assert.deepEqual({ status: unused?.status, first: unused?.first_instance_at }, { status: 'pending', first: null });
  assert.deepEqual(await store.read((tx) => tx.instanceCounts('acc', 'used')), { pending: 1, complete: 1 });
}

describe('agent status migration (sqlite)', () => {
  it('makes agents with instances active from their first instance, and the others pending', () =>
    withSqliteStoreFrom(SQLITE_MIGRATIONS.slice(0, 3), OLD_ROWS, assertMigrated));
});

describePostgres('agent status migration (postgres)', (url) => {
  it('makes agents with instances active from their first instance, and the others pending', () =>
    withPostgresStoreFrom(url, POSTGRES_MIGRATIONS.slice(0, 2), OLD_ROWS, assertMigrated));
});
