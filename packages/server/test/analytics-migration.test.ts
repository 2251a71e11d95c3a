import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { buildApp, createAccount, createToken, openPostgresStore, openSqliteStore, SQLITE_FILE_NAME, type Store } from '../src/index.js';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.js';
import { createSpan, openInstance } from './fixtures.js';
import { call, type Account, type Server } from './harness.js';
import { exportRequest, newSpanId, newTraceId, postTraces } from './otlp-exports.js';
import { describePostgres, dropSchema, freshSchema, withClient } from './postgres-database.js';

const ROLLUP_TABLES = ['span_rollups', 'run_rollups', 'run_rollup_tokens'];

/** The dashboard-like questions whose answers must not change when the rollups are rebuilt by the migration. */
const QUESTIONS: Array<Record<string, string>> = [
  {
    measures: 'spans,errors,duration_p50,duration_p95,duration_avg,total_tokens,cost_usd',
    by: 'model,status',
    from: '2023-11-01T00:00:00Z',
    to: '2024-06-01T00:00:00Z',
  },
  {
    measures: 'spans,input_tokens,cache_read_tokens,reasoning_tokens',
    by: 'span_type',
    granularity: 'day',
    from: '2023-11-01T00:00:00Z',
    to: '2024-06-01T00:00:00Z',
  },
  {
    view: 'runs',
    measures: 'runs,errors,duration_p50,total_tokens,cost_usd',
    by: 'status,agent_version_id',
    from: '2020-01-01T00:00:00Z',
    to: '2030-01-01T00:00:00Z',
  },
];

async function withServer<T>(store: Store, use: (server: Server) => Promise<T>): Promise<T> {
  const app = buildApp({ store });
  const server: Server = { url: await app.listen({ port: 0, host: '127.0.0.1' }), store, app, close: () => app.close() };
  try {
    return await use(server);
  } finally {
    await app.close();
  }
}

/** Runs with finished, failed, cancelled and open spans with usage, through the API and OTLP; answers the questions. */
async function seedAndAsk(store: Store): Promise<{ account: Account; answers: unknown[] }> {
  const created = await createAccount(store);
  const account: Account = { ...created, accountToken: await createToken(store, { scope: 'account', accountId: created.accountId }) };
  return withServer(store, async (server) => {
    const runs = [await openInstance(server, account), await openInstance(server, account)];
    for (let i = 0; i < 24; i++) {
      const start = Date.parse('2024-05-01T00:00:00Z') + i * 5_400_000;
      const reply = await createSpan(server, account, {
        agent_instance_id: runs[i % 2],
        schema_name: i % 3 === 0 ? 'agent:tool' : 'agent:llm',
        status: 'active',
        payload: { model: ['model-a', 'model-b', 'gpt-4o'][i % 3], prompt: 'x' },
        started_at: new Date(start).toISOString(),
      });
      assert.equal(reply.status, 201, reply.text);
      if (i % 5 === 4) continue;
      const finished = await call(server, account.token, 'POST', `/api/v1/agent_spans/${reply.body.details.id}/finish`, {
        status: i % 4 === 0 ? 'failed' : 'complete',
        timestamp: new Date(start + 17 * (i + 1) ** 2).toISOString(),
        result_payload: { response: 'ok', usage: { prompt_tokens: 300 + i, completion_tokens: 40 + i, prompt_tokens_details: { cached_tokens: i } } },
      });
      assert.equal(finished.status, 200, finished.text);
    }
    const traceId = newTraceId();
    const root = newSpanId();
    const otlp = exportRequest([
      { traceId, spanId: root, name: 'run', start: 0, end: 2_000_000 },
      {
        traceId,
        spanId: newSpanId(),
        parentSpanId: root,
        name: 'chat',
        start: 10,
        end: 900_000,
        attributes: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 500, 'gen_ai.usage.output_tokens': 60 },
      },
    ]);
    assert.equal((await postTraces(server, account.accountToken, otlp)).status, 200);
    assert.equal((await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${runs[1]}/terminate`, { reason: 'stop' })).status, 200);
    return { account, answers: await ask(server, account) };
  });
}

async function ask(server: Server, account: Account): Promise<unknown[]> {
  const answers = [];
  for (const question of QUESTIONS) {
    const reply = await call(server, account.accountToken, 'GET', `/api/v1/analytics?${new URLSearchParams(question)}`);
    assert.equal(reply.status, 200, reply.text);
    assert.ok(reply.body.details.totals.spans !== 0 && reply.body.details.totals.runs !== 0, reply.text);
    answers.push({ ...reply.body.details, priced_at: null });
  }
  return answers;
}

describe('the rollups migration (sqlite)', () => {
  it('fills the rollups for stored data exactly as the writes keep them', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'agentspan-rollups-migration-'));
    try {
      const store = await openSqliteStore({ dataDir });
      const { account, answers } = await seedAndAsk(store);
      await store.close();
      // The store as the build before left it: no rollups, one migration to go.
      const db = new Database(join(dataDir, SQLITE_FILE_NAME));
      for (const table of ROLLUP_TABLES) db.exec(`DROP TABLE ${table}`);
      db.pragma(`user_version = ${SQLITE_MIGRATIONS.length - 1}`);
      db.close();
      const migrated = await openSqliteStore({ dataDir });
      try {
        assert.deepEqual(await withServer(migrated, (server) => ask(server, account)), answers);
      } finally {
        await migrated.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describePostgres('the rollups migration (postgres)', (url) => {
  it('fills the rollups for stored data exactly as the writes keep them', async () => {
    const schema = await freshSchema(url);
    try {
      const store = await openPostgresStore({ connectionString: url, schema, poolSize: 2 });
      const { account, answers } = await seedAndAsk(store);
      await store.close();
      await withClient(url, async (client) => {
        await client.query(`SET search_path TO ${schema}`);
        for (const table of ROLLUP_TABLES) await client.query(`DROP TABLE ${table}`);
        await client.query('DROP AGGREGATE agentspan_hist_sum(integer[])');
        await client.query('DROP FUNCTION agentspan_hist_add(integer[], integer[])');
        await client.query('DROP FUNCTION agentspan_duration_us(text, text)');
        await client.query('DROP FUNCTION agentspan_duration_bucket(double precision)');
        await client.query('DELETE FROM schema_migrations WHERE version = $1', [POSTGRES_MIGRATIONS.length]);
      });
      const migrated = await openPostgresStore({ connectionString: url, schema, poolSize: 2 });
      try {
        assert.deepEqual(await withServer(migrated, (server) => ask(server, account)), answers);
      } finally {
        await migrated.close();
      }
    } finally {
      await dropSchema(url, schema);
    }
  });
});
