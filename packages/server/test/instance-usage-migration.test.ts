import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../src/index.js';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.js';
import { withPostgresStoreFrom, withSqliteStoreFrom } from './migrated-stores.js';
import { describePostgres } from './postgres-database.js';
import { at, spanRow } from './store-records.js';

/** The migrations before the one that keeps run totals by model (found by what it makes). */
const migrationsBefore = (migrations: readonly string[]) =>
  migrations.slice(
    0,
    migrations.findIndex((m) => m.includes('DROP TABLE instance_usage')),
  );

const counts = (input: number, output: number, cacheRead = 0) => ({
  input,
  output,
  cache_read: cacheRead,
  cache_write: 0,
  reasoning: 0,
  total: input + output + cacheRead,
});

/**
 * Span usage as the build before stored it (with its run totals, which had no model): two models
 * and usage naming none in one run, a span summing its steps (left out of the run), another run.
 */
const oldRows = (sumsChildren: (yes: boolean) => string, slot: string) => [
  `INSERT INTO span_usage (account_id, agent_instance_id, span_id, model, sums_children, input, output, cache_read, cache_write, reasoning, total)
   VALUES ('acc', 'i1', 's1', 'gpt-4o-mini', ${sumsChildren(false)}, 100, 10, 5, 0, 0, 115),
          ('acc', 'i1', 's2', 'gpt-4o-mini', ${sumsChildren(false)}, 200, 20, 0, 0, 0, 220),
          ('acc', 'i1', 's3', 'my-local-model', ${sumsChildren(false)}, 7, 3, 0, 0, 0, 10),
          ('acc', 'i1', 's4', NULL, ${sumsChildren(false)}, 1, 1, 0, 0, 0, 2),
          ('acc', 'i1', 's5', 'gpt-4o-mini', ${sumsChildren(true)}, 300, 30, 5, 0, 0, 335),
          ('acc', 'i2', 's6', 'claude-3-5-sonnet', ${sumsChildren(false)}, 9, 4, 0, 0, 0, 13)`,
  `INSERT INTO instance_usage VALUES ('acc', 'i1', ${slot}308, 31, 5, 0, 0, 344), ('acc', 'i2', ${slot}9, 4, 0, 0, 0, 13)`,
];

async function assertFilled(store: Store) {
  assert.deepEqual(await store.read((tx) => tx.instanceModelUsage('acc', 'i1')), [
    { model: null, ...counts(1, 1) },
    { model: 'gpt-4o-mini', ...counts(300, 30, 5) },
    { model: 'my-local-model', ...counts(7, 3) },
  ]);
  assert.deepEqual(await store.read((tx) => tx.instanceModelUsage('acc', 'i2')), [{ model: 'claude-3-5-sonnet', ...counts(9, 4) }]);
  assert.deepEqual((await store.read((tx) => tx.usageModels('acc'))).sort(), ['claude-3-5-sonnet', 'gpt-4o-mini', 'my-local-model', null]);
  // Counting goes on from the filled rows, under the model a new span names.
  await store.write((tx) =>
    tx.insertSpan({
      ...spanRow('acc', 's7', at(3)),
      agent_instance_id: 'i2',
      payload_json: '{"model":"claude-3-5-sonnet"}',
      result_payload_json: JSON.stringify({ usage: { input_tokens: 1, output_tokens: 1 } }),
    }),
  );
  assert.deepEqual(await store.read((tx) => tx.instanceModelUsage('acc', 'i2')), [{ model: 'claude-3-5-sonnet', ...counts(10, 5) }]);
}

describe('run usage by model migration (sqlite)', () => {
  it('rebuilds the run totals by model from the span usage stored', () =>
    withSqliteStoreFrom(
      migrationsBefore(SQLITE_MIGRATIONS),
      oldRows((yes) => (yes ? '1' : '0'), ''),
      assertFilled,
    ));
});

describePostgres('run usage by model migration (postgres)', (url) => {
  it('rebuilds the run totals by model from the span usage stored', () =>
    withPostgresStoreFrom(
      url,
      migrationsBefore(POSTGRES_MIGRATIONS),
      oldRows((yes) => (yes ? 'true' : 'false'), '0, '),
      assertFilled,
    ));
});
