import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openPostgresStore, openSqliteStore } from '../src/index.js';
import { instancePageSql } from '../src/store/instance-page-sql.js';
import type { InstanceListQuery } from '../src/store/records.js';
import { POSTGRES_INSTANCE_PAGES } from '../src/store/postgres/read-tx.js';
import { SQLITE_INSTANCE_PAGES } from '../src/store/sqlite/read-tx.js';
import { SQLITE_FILE_NAME } from '../src/store/sqlite/sqlite-store.js';
import { describePostgres, dropSchema, freshSchema, withClient } from './postgres-database.js';

/** The instance list of one environment, as `GET /agent_instance?environment_id=` asks for it. */
const QUERY: InstanceListQuery = { account_id: 'acc', environment_id: 'env-1', limit: 51 };
describe('the instance list of one environment (sqlite)', () => {
  it('reads agent_instances_by_environment_activity in order, with no sort', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'agentspan-plan-'));
    try {
      await (await openSqliteStore({ dataDir })).close();
      const db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
      try {
        const sql = instancePageSql(QUERY, SQLITE_INSTANCE_PAGES);
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql.text}`).all(...sql.values) as Array<{ detail: string }>).map((row) => row.detail);
        assert.ok(
          plan.some((detail) => detail.includes('USING INDEX agent_instances_by_environment_activity')),
          plan.join('\n'),
        );
        assert.ok(!plan.some((detail) => detail.includes('TEMP B-TREE')), plan.join('\n'));
      } finally {
        db.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describePostgres('the instance list of one environment (postgres)', (url) => {
  it('can read agent_instances_by_environment_activity in order, with no sort', async () => {
    const schema = await freshSchema(url);
    try {
      await (await openPostgresStore({ connectionString: url, schema, poolSize: 1 })).close();
      await withClient(url, async (client) => {
        await client.query(`SET search_path = ${schema}`);
        // An empty table is scanned whole at any size a planner estimates; forbid that to see which index serves the query.
        await client.query('SET enable_seqscan = off');
        const sql = instancePageSql(QUERY, POSTGRES_INSTANCE_PAGES);
        const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${sql.text}`, sql.values);
        const text = JSON.stringify(rows[0]['QUERY PLAN']);
        assert.match(text, /"Index Name":"agent_instances_by_environment_activity"/, text);
        assert.doesNotMatch(text, /"Node Type":"Sort"/, text);
      });
    } finally {
      await dropSchema(url, schema);
    }
  });
});
