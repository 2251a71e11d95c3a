import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../src/index.js';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.js';
import { withPostgresStoreFrom, withSqliteStoreFrom } from './migrated-stores.js';
import { describePostgres } from './postgres-database.js';
import { at } from './store-records.js';

/** The migrations before the one that gives agent versions a schema version (found by what it adds, whatever its number). */
const before = (migrations: readonly string[]) =>
  migrations.slice(
    0,
    migrations.findIndex((m) => m.includes('ADD COLUMN agent_schema_version_id')),
  );

/**
 * Versions as a store made before the column wrote them: '2.0' shares its external_identifier
 * with two schema versions (the newer, s2b, is the one OTLP ingest scored its runs against), '3.0'
 * with a schema version of another agent only, and one version has no external_identifier.
 */
const OLD_ROWS = [
  `INSERT INTO agent_versions (account_id, id, agent_id, name, external_identifier, description, inserted_at) VALUES
    ('acc', 'v2', 'a1', '2.0', '2.0', NULL, '${at(1)}'),
    ('acc', 'v3', 'a1', '3.0', '3.0', NULL, '${at(1)}'),
    ('acc', 'v-none', 'a1', NULL, NULL, NULL, '${at(1)}')`,
  `INSERT INTO schema_versions (account_id, id, agent_id, external_identifier, document_json, inserted_at, document_hash) VALUES
    ('acc', 's2a', 'a1', '2.0', '{}', '${at(2)}', 'h1'),
    ('acc', 's2b', 'a1', '2.0', '{}', '${at(3)}', 'h2'),
    ('acc', 's3', 'a2', '3.0', '{}', '${at(2)}', 'h1')`,
];

async function assertMigrated(store: Store) {
  const versions = await store.read((tx) => tx.listAgentVersions('acc', 'a1'));
  assert.deepEqual(Object.fromEntries(versions.map((version) => [version.id, version.agent_schema_version_id])), {
    v2: 's2b',
    v3: null,
    'v-none': null,
  });
}

describe('agent version schema version migration (sqlite)', () => {
  it('names the newest schema version sharing the external_identifier, as OTLP ingest chose it', () =>
    withSqliteStoreFrom(before(SQLITE_MIGRATIONS), OLD_ROWS, assertMigrated));
});

describePostgres('agent version schema version migration (postgres)', (url) => {
  it('names the newest schema version sharing the external_identifier, as OTLP ingest chose it', () =>
    withPostgresStoreFrom(url, before(POSTGRES_MIGRATIONS), OLD_ROWS, assertMigrated));
});
