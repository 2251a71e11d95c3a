import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../src/index.js';
import { activitySql, type ActivityQuery } from '../src/store/activity-sql.js';
import { SQLITE_FILE_NAME } from '../src/store/sqlite/sqlite-store.js';

const BASE = { account_id: 'acc', first_hour: '2024-05-01T00', end_hour: '2024-05-02T00', key_length: 13 } as const;

/** Each shape GET /activity reads with, and the index its plan must search by. */
const SHAPES: Array<[string, ActivityQuery, RegExp]> = [
  ['the account', { ...BASE, subject: 'spans', by_agent: false }, /SEARCH span_activity USING PRIMARY KEY \(account_id=\? AND hour>\? AND hour<\?\)/],
  ['an agent, by agent', { ...BASE, subject: 'spans', agent_id: 'a', by_agent: true }, /SEARCH span_activity USING PRIMARY KEY/],
  ['an environment', { ...BASE, subject: 'spans', environment_id: 'e', by_agent: false }, /SEARCH span_activity USING PRIMARY KEY/],
  ['one run', { ...BASE, subject: 'spans', agent_instance_id: 'i', by_agent: false }, /SEARCH spans USING INDEX spans_by_instance_time/],
  ['runs of the account', { ...BASE, subject: 'runs', by_agent: true }, /SEARCH agent_instances USING INDEX agent_instances_by_activity/],
  ['runs of an agent', { ...BASE, subject: 'runs', agent_id: 'a', by_agent: false }, /SEARCH agent_instances USING INDEX agent_instances_by_agent/],
  [
    'runs of an environment',
    { ...BASE, subject: 'runs', environment_id: 'e', by_agent: false },
    /SEARCH agent_instances USING INDEX agent_instances_by_environment_activity/,
  ],
];

describe('activity query plans (sqlite)', () => {
  let dir: string;
  let db: Database.Database;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentspan-activity-plans-'));
    await (await openSqliteStore({ dataDir: dir })).close();
    db = new Database(join(dir, SQLITE_FILE_NAME), { readonly: true });
  });
  after(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const [name, query, index] of SHAPES) {
    it(`reads ${name} through an index, never a scan of a table`, () => {
      const { text, values } = activitySql(query, () => '?');
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...values) as Array<{ detail: string }>).map((row) => row.detail).join('\n');
      assert.match(plan, index, plan);
      assert.doesNotMatch(plan, /SCAN (span_activity|spans|agent_instances)\b/, plan);
      if (query.subject === 'spans' && query.agent_instance_id === undefined) assert.doesNotMatch(plan, /\bspans\b/, plan);
    });
  }
});
