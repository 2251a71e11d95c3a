import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openPostgresStore, openSqliteStore } from '../src/index.js';
import { SQLITE_FILE_NAME } from '../src/store/sqlite/sqlite-store.js';
import type {
  AccountRecord,
  AgentRecord,
  AgentVersionRecord,
  DeploymentRecord,
  DeploymentVersionRecord,
  EnvironmentRecord,
  IdempotencyRecord,
  InstanceRecord,
  ModelPriceRecord,
  RiskProfileRecord,
  SchemaVersionRecord,
  SpanRecord,
  TokenRecord,
} from '../src/store/records.js';
import { TABLE_COLUMNS, type InsertableTable } from '../src/store/table-columns.js';
import { describePostgres, dropSchema, freshSchema, withClient } from './postgres-database.js';

/** Columns a record has that an insert leaves to a later update. */
const WRITTEN_LATER = { tokens: ['last_used_at'] } as const;

// Compile time: each table's insert columns (plus those written later) are exactly its record's keys.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Columns<T extends InsertableTable> = (typeof TABLE_COLUMNS)[T][number];
type _RecordsMatchColumns = [
  Same<Columns<'accounts'>, keyof AccountRecord>,
  Same<Columns<'environments'>, keyof EnvironmentRecord>,
  Same<Columns<'risk_profiles'>, keyof RiskProfileRecord>,
  Same<Columns<'model_prices'>, keyof ModelPriceRecord>,
  Same<Columns<'agents'>, keyof AgentRecord>,
  Same<Columns<'deployments'>, keyof DeploymentRecord>,
  Same<Columns<'deployment_versions'>, keyof DeploymentVersionRecord>,
  Same<Columns<'agent_versions'>, keyof AgentVersionRecord>,
  Same<Columns<'schema_versions'>, keyof SchemaVersionRecord>,
  Same<Columns<'tokens'> | (typeof WRITTEN_LATER)['tokens'][number], keyof TokenRecord>,
  Same<Columns<'agent_instances'>, keyof InstanceRecord>,
  Same<Columns<'spans'>, keyof SpanRecord>,
  Same<Columns<'idempotency'>, keyof IdempotencyRecord>,
] extends true[]
  ? true
  : never;
const _recordsMatchColumns: _RecordsMatchColumns = true;

const TABLES = Object.keys(TABLE_COLUMNS) as InsertableTable[];

/** What each record table must hold, sorted: the columns the writers insert and those written later. */
const expected = (table: InsertableTable) =>
  [...TABLE_COLUMNS[table], ...((WRITTEN_LATER as Partial<Record<InsertableTable, readonly string[]>>)[table] ?? [])].sort();

/** Run time: the columns the engine actually created equal the record's. */
function assertTables(actual: Map<string, string[]>) {
  for (const table of TABLES) assert.deepEqual(actual.get(table)?.sort(), expected(table), `columns of ${table}`);
}

describe('table definitions match the store records', () => {
  it('sqlite: every record table has exactly its record columns', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'agentspan-tables-'));
    try {
      await (await openSqliteStore({ dataDir })).close();
      const db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
      try {
        const columns = new Map(
          TABLES.map((table) => [table, (db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((column) => column.name)]),
        );
        assertTables(columns);
      } finally {
        db.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  describePostgres('postgres', (url) => {
    it('every record table has exactly its record columns', async () => {
      const schema = await freshSchema(url);
      try {
        await (await openPostgresStore({ connectionString: url, schema, poolSize: 1 })).close();
        const rows = await withClient(url, async (client) => {
          const result = await client.query<{ table_name: string; column_name: string }>(
            'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $1',
            [schema],
          );
          return result.rows;
        });
        const columns = new Map<string, string[]>();
        for (const row of rows) columns.set(row.table_name, [...(columns.get(row.table_name) ?? []), row.column_name]);
        assertTables(columns);
      } finally {
        await dropSchema(url, schema);
      }
    });
  });
});
