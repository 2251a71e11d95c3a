import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../src/index.js';
import { purgeFinishedBefore } from '../src/domain/retention/purge.js';
import { exportLines } from '../src/domain/transfer/export-rows.js';
import { importFile } from '../src/domain/transfer/import-rows.js';
import { exactQuantile, expectedRows, storedItems, type Priced } from './analytics-expected.js';
import { ENGINES } from './engines.js';
import { createSpan, openInstance } from './fixtures.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { exportRequest, newSpanId, newTraceId, postTraces } from './otlp-exports.js';

const scratch = await mkdtemp(join(tmpdir(), 'agentspan-analytics-'));
after(() => rm(scratch, { recursive: true, force: true }));

const analytics = (server: Server, token: string, query: Record<string, string>) =>
  call(server, token, 'GET', `/api/v1/analytics?${new URLSearchParams(query)}`);

/** Rates per million tokens the tests set; `local-model-x` is left unpriced. */
const PRICES: Record<string, Priced> = {
  'model-a': { input: 1, output: 4, cache_read: 0.5, cache_write: 2, reasoning: 8 },
  'model-b': { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75, reasoning: 15 },
};
const MODELS = ['model-a', 'model-b', 'local-model-x'];
const WEEK_START = Date.parse('2024-05-06T00:00:00Z');
const HOUR = 3_600_000;

function sequence(seed: number) {
  return (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

interface Query {
  view?: 'spans' | 'runs';
  measures: string[];
  by: string[];
  granularity?: string;
  from: string;
  to: string;
  filters?: Record<string, string[]>;
}

/** The answer to `query` equals the direct computation over the stored rows. */
async function assertAnswers(server: Server, token: string, accountId: string, instanceIds: readonly string[], query: Query, prices = PRICES) {
  const params: Record<string, string> = { measures: query.measures.join(','), from: query.from, to: query.to };
  if (query.view) params.view = query.view;
  if (query.by.length > 0) params.by = query.by.join(',');
  if (query.granularity) params.granularity = query.granularity;
  for (const [name, values] of Object.entries(query.filters ?? {})) params[name] = values.join(',');
  const reply = await analytics(server, token, params);
  assert.equal(reply.status, 200, reply.text);
  const details = reply.body.details;
  const items = await storedItems(server.store, accountId, instanceIds, query.view ?? 'spans');
  // The range is read in whole hours: from the start of from's hour to the end of the hour before to.
  const canon = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');
  const from = canon(Math.floor(Date.parse(query.from) / HOUR) * HOUR);
  const to = canon(Math.floor((Date.parse(query.to) - 1) / HOUR) * HOUR + HOUR);
  const want = expectedRows(items, { ...query, from, to }, prices);
  assert.equal(details.rows.length, want.rows.length, `rows of ${JSON.stringify(params)}: ${reply.text}`);
  const label = JSON.stringify(params);
  const check = (got: Record<string, unknown>, e: (typeof want.rows)[number], what: string) => {
    const count = query.view === 'runs' ? 'runs' : 'spans';
    for (const m of query.measures) {
      const value = got[m];
      const where = `${m} of ${what} in ${label}`;
      if (m === count) assert.equal(value, e.count, where);
      else if (m === 'errors') assert.equal(value, e.errors, where);
      else if (m === 'error_rate') assert.equal(value, e.count === 0 ? null : e.errors / e.count, where);
      else if (m === 'duration_avg') {
        if (e.durations.length === 0) assert.equal(value, null, where);
        else
          assert.ok(Math.abs((value as number) - e.durations.reduce((a, b) => a + b, 0) / e.durations.length) < 0.01, `${where}: ${String(value)}`);
      } else if (m.startsWith('duration_p')) {
        const exact = exactQuantile(e.durations, Number(m.slice('duration_p'.length)) / 100);
        if (exact === null) assert.equal(value, null, where);
        else assert.ok(Math.abs((value as number) - exact) <= 0.02 * exact + 0.001, `${where}: ${String(value)} vs exact ${exact}`);
      } else if (m.endsWith('_tokens')) assert.equal(value, e.tokens[m.slice(0, -'_tokens'.length) as keyof typeof e.tokens], where);
      else if (m === 'cost_usd') {
        if (e.cost === null) assert.equal(value, null, where);
        else assert.ok(Math.abs((value as number) - e.cost) <= 1e-9 * Math.max(1, e.cost), `${where}: ${String(value)} vs ${e.cost}`);
        assert.deepEqual(got.unpriced_models, e.unpriced, where);
      }
    }
  };
  for (const e of want.rows) {
    const got = details.rows.find((row: Record<string, unknown>) => (row.bucket ?? null) === e.bucket && query.by.every((d) => row[d] === e.dims[d]));
    assert.ok(got, `a row for ${JSON.stringify([e.bucket, e.dims])} in ${label}: ${reply.text}`);
    check(got, e, JSON.stringify([e.bucket, e.dims]));
  }
  check(details.totals, want.totals, 'totals');
  return details;
}

for (const engine of ENGINES) {
  describe(`analytics (${engine.name})`, () => {
    let server: Server;
    before(async () => {
      server = await startServer(engine);
    });
    after(() => server.close());

    async function seedAccount() {
      const account = await newAccount(server);
      const staging = await call(server, account.accountToken, 'POST', '/api/v1/environment', { details: { name: 'staging', purpose: 'staging' } });
      assert.equal(staging.status, 201, staging.text);
      const other = await call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name: 'other agent' } });
      assert.equal(other.status, 201, other.text);
      for (const [model, rates] of Object.entries(PRICES)) {
        const put = await call(server, account.accountToken, 'PUT', `/api/v1/model_prices/${model}`, { details: rates });
        assert.equal(put.status, 200, put.text);
      }
      return { account, stagingId: staging.body.details.id as string, otherAgentId: other.body.details.id as string };
    }

    async function openOther(account: Account, agentId: string, environmentId: string) {
      const registered = await call(server, account.accountToken, 'POST', '/api/v1/agent_instance/register', {
        agent_id: agentId,
        environment_id: environmentId,
        agent_version: {},
        agent_schema_version: {},
      });
      assert.equal(registered.status, 201, registered.text);
      const id = registered.body.details.id as string;
      assert.equal((await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${id}/start`, {})).status, 200);
      return id;
    }

    /** A seeded week: two agents in two environments, three models (one unpriced), failures, through the API, bulk and OTLP. */
    async function seedWeek() {
      const { account, stagingId, otherAgentId } = await seedAccount();
      const random = sequence(7);
      const runs = [await openInstance(server, account), await openOther(account, otherAgentId, stagingId), await openInstance(server, account)];
      const instances = [...runs];
      const usage = () => ({
        input_tokens: 100 + random(900),
        output_tokens: 10 + random(300),
        input_tokens_details: { cached_tokens: random(80) },
        output_tokens_details: { reasoning_tokens: random(10) },
      });
      const spanAt = () => WEEK_START + random(7 * 24) * HOUR + random(3_600_000);
      const duration = () => Math.round(Math.exp(random(1000) / 100)) + random(1000) / 1000;
      for (let i = 0; i < 40; i++) {
        const run = runs[random(runs.length)]!;
        const token = run === runs[1] ? account.accountToken : account.token;
        const start = spanAt();
        const llm = random(3) > 0;
        const created = await createSpan(
          server,
          { ...account, token },
          {
            agent_instance_id: run,
            schema_name: llm ? 'agent:llm' : 'agent:tool',
            status: 'active',
            payload: llm ? { model: MODELS[random(3)], prompt: `q${i}` } : { name: 'search' },
            started_at: iso(start),
            idempotency_key: `week-${engine.name}-${i}`,
          },
        );
        assert.equal(created.status, 201, created.text);
        if (i % 7 === 6) continue; // left open: cancelled when its run is terminated, or counted without a duration
        const finished = await call(server, token, 'POST', `/api/v1/agent_spans/${created.body.details.id}/finish`, {
          status: random(4) === 0 ? 'failed' : 'complete',
          timestamp: new Date(start + duration()).toISOString(),
          result_payload: llm ? { response: 'ok', usage: usage() } : undefined,
        });
        assert.equal(finished.status, 200, finished.text);
      }
      // A replayed create (same idempotency key) stores nothing more.
      const replay = await createSpan(server, account, {
        agent_instance_id: runs[0]!,
        schema_name: 'agent:tool',
        status: 'active',
        payload: { name: 'search' },
        started_at: iso(WEEK_START + 5 * HOUR),
        idempotency_key: `week-replayed-${engine.name}`,
      });
      assert.equal(replay.status, 201, replay.text);
      const again = await createSpan(server, account, {
        agent_instance_id: runs[0]!,
        schema_name: 'agent:tool',
        status: 'active',
        payload: { name: 'search' },
        started_at: iso(WEEK_START + 5 * HOUR),
        idempotency_key: `week-replayed-${engine.name}`,
      });
      assert.equal(again.body.details.id, replay.body.details.id);
      // Bulk: spans created finished, with usage in their results.
      const bulk = await call(server, account.token, 'POST', '/api/v1/bulk', {
        items: Array.from({ length: 15 }, (_, i) => {
          const start = spanAt();
          return {
            _type: 'agent_spans/create',
            idempotency_key: `week-bulk-${engine.name}-${i}`,
            agent_instance_id: runs[i % 2 === 0 ? 0 : 2],
            schema_name: 'agent:llm',
            status: i % 5 === 0 ? 'failed' : 'complete',
            payload: { model: MODELS[i % 3], prompt: 'bulk' },
            result_payload: { response: 'ok', usage: usage() },
            started_at: iso(start),
            finished_at: iso(start + duration()),
          };
        }),
      });
      assert.equal(bulk.status, 200, bulk.text);
      assert.doesNotMatch(bulk.text, /"status":"error"/);
      // OTLP: GenAI spans with usage (their times are in November 2023).
      for (let t = 0; t < 3; t++) {
        const traceId = newTraceId();
        const root = newSpanId();
        const request = exportRequest([
          { traceId, spanId: root, name: 'run', start: t * 1000, end: t * 1000 + 900_000 },
          {
            traceId,
            spanId: newSpanId(),
            parentSpanId: root,
            name: 'chat model-a',
            start: t * 1000 + 10,
            end: t * 1000 + 10 + 1000 * (t + 1) * 37,
            attributes: { 'gen_ai.request.model': 'model-a', 'gen_ai.usage.input_tokens': 400 + t, 'gen_ai.usage.output_tokens': 50 + t },
          },
        ]);
        const posted = await postTraces(server, account.accountToken, request);
        assert.equal(posted.status, 200);
        instances.push(traceId);
      }
      // The third run is terminated: its open spans are cancelled.
      const terminated = await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${runs[2]}/terminate`, { reason: 'stop' });
      assert.equal(terminated.status, 200, terminated.text);
      return { account, instances, runs };
    }

    const WIDE = { from: '2023-11-01T00:00:00Z', to: '2024-05-20T00:00:00Z' };
    const ALL_MEASURES = [
      'spans',
      'errors',
      'error_rate',
      'duration_p50',
      'duration_p90',
      'duration_p95',
      'duration_p99',
      'duration_avg',
      'input_tokens',
      'output_tokens',
      'cache_read_tokens',
      'cache_write_tokens',
      'reasoning_tokens',
      'total_tokens',
      'cost_usd',
    ];
    const queries = (runsFrom: string, runsTo: string): Query[] => [
      { measures: ALL_MEASURES, by: ['model'], ...WIDE },
      {
        measures: ['spans', 'errors', 'total_tokens', 'duration_avg', 'cost_usd'],
        by: ['agent_id', 'environment_id', 'status'],
        granularity: 'day',
        ...WIDE,
      },
      {
        measures: ['spans', 'duration_p95', 'input_tokens'],
        by: ['span_type'],
        granularity: 'week',
        ...WIDE,
        filters: { model: ['model-a', 'model-b'] },
      },
      {
        measures: ['spans', 'errors', 'cost_usd'],
        by: ['agent_version_id'],
        granularity: 'hour',
        from: '2024-05-07T05:30:00Z',
        to: '2024-05-09T13:00:00Z',
      },
      {
        measures: ['spans', 'errors', 'duration_p50'],
        by: [],
        from: '2024-05-06T07:20:00Z',
        to: '2024-05-11T19:00:00Z',
        filters: { status: ['failed', 'cancelled'] },
      },
      {
        view: 'runs',
        measures: ['runs', 'errors', 'error_rate', 'duration_avg', 'duration_p50', 'total_tokens', 'cost_usd'],
        by: ['status', 'agent_id'],
        from: runsFrom,
        to: runsTo,
      },
      {
        view: 'runs',
        measures: ['runs', 'input_tokens', 'cost_usd'],
        by: ['environment_id', 'purpose'],
        granularity: 'day',
        from: runsFrom,
        to: runsTo,
      },
    ];

    it('equals a direct computation over the stored spans for a seeded week, after export and import, and after a purge', async () => {
      const { account, instances, runs } = await seedWeek();
      const runsFrom = iso(Date.now() - 2 * HOUR);
      const runsTo = iso(Date.now() + 2 * HOUR);
      const all = queries(runsFrom, runsTo);
      for (const query of all) await assertAnswers(server, account.accountToken, account.accountId, instances, query);

      // The unpriced model is named, and never costed at $0.
      const byModel = await analytics(server, account.accountToken, { measures: 'spans,cost_usd', by: 'model', ...WIDE });
      const unpriced = byModel.body.details.rows.find((row: { model: string }) => row.model === 'local-model-x');
      assert.equal(unpriced.cost_usd, null, byModel.text);
      assert.deepEqual(unpriced.unpriced_models, ['local-model-x']);
      assert.ok(byModel.body.details.unpriced_models.includes('local-model-x'), byModel.text);
      assert.ok(byModel.body.details.totals.cost_usd > 0, byModel.text);

      // A price override re-prices history.
      const repriced = { ...PRICES, 'model-a': { input: 10, output: 40, cache_read: 5, cache_write: 20, reasoning: 80 } };
      const put = await call(server, account.accountToken, 'PUT', '/api/v1/model_prices/model-a', { details: repriced['model-a'] });
      assert.equal(put.status, 200, put.text);
      await assertAnswers(server, account.accountToken, account.accountId, instances, all[0]!, repriced);
      const priced = await call(server, account.accountToken, 'PUT', '/api/v1/model_prices/model-a', { details: PRICES['model-a'] });
      assert.equal(priced.status, 200, priced.text);

      // Carried through an export and an import (twice: the second adds nothing) into an empty store.
      let text = '';
      for await (const chunk of exportLines(server.store, {})) text += chunk;
      const file = join(scratch, `analytics-${engine.name}.ndjson`);
      await writeFile(file, text);
      const { store, cleanup } = await engine.open();
      const app = buildApp({ store });
      try {
        await importFile(store, file);
        await importFile(store, file);
        const imported: Server = { url: await app.listen({ port: 0, host: '127.0.0.1' }), store, app, close: async () => {} };
        for (const query of all) {
          const there = await assertAnswers(imported, account.accountToken, account.accountId, instances, query);
          const here = (await analytics(server, account.accountToken, paramsOf(query))).body.details;
          assert.deepEqual({ ...there, priced_at: null }, { ...here, priced_at: null });
        }
      } finally {
        await app.close();
        await cleanup();
      }

      // Finish the first run, purge what finished: what is left still adds up.
      assert.equal((await call(server, account.token, 'POST', `/api/v1/agent_instance/${runs[0]}/finish`, { status: 'complete' })).status, 200);
      const report = await purgeFinishedBefore(server.store, iso(Date.now() + HOUR), { stepSpans: 7 });
      assert.ok(report.instances >= 2, JSON.stringify(report));
      for (const query of queries(runsFrom, iso(Date.now() + 2 * HOUR)))
        await assertAnswers(server, account.accountToken, account.accountId, instances, query);
    });

    it('reads percentiles within 2 % of the exact ones over a known distribution', async () => {
      const { account } = await seedAccount();
      const run = await openInstance(server, account);
      const start = Date.parse('2024-06-03T10:00:00Z');
      // Durations from 1 ms to 40 s, quadratically spread, plus sub-millisecond ones.
      const durations = Array.from({ length: 300 }, (_, i) => (i < 5 ? i * 0.2 : ((i * i) / 90_000) * 40_000));
      for (let chunk = 0; chunk < durations.length; chunk += 100) {
        const reply = await call(server, account.token, 'POST', '/api/v1/bulk', {
          items: durations.slice(chunk, chunk + 100).map((ms, i) => ({
            _type: 'agent_spans/create',
            idempotency_key: `pct-${engine.name}-${chunk + i}`,
            agent_instance_id: run,
            schema_name: 'agent:tool',
            status: 'complete',
            payload: { name: 'x' },
            started_at: iso(start + (chunk + i) * 10_000),
            finished_at: new Date(start + (chunk + i) * 10_000 + Math.floor(ms))
              .toISOString()
              .replace('Z', `${String(Math.floor((ms % 1) * 1000)).padStart(3, '0')}Z`),
          })),
        });
        assert.equal(reply.status, 200, reply.text);
        assert.doesNotMatch(reply.text, /"status":"error"/);
      }
      const stored = durations.map((ms) => Math.floor(ms) + Math.floor((ms % 1) * 1000) / 1000);
      const reply = await analytics(server, account.token, {
        measures: 'spans,duration_p50,duration_p90,duration_p95,duration_p99,duration_avg',
        from: '2024-06-03T00:00:00Z',
        to: '2024-06-04T00:00:00Z',
      });
      assert.equal(reply.status, 200, reply.text);
      const totals = reply.body.details.totals;
      assert.equal(totals.spans, 300);
      for (const q of [50, 90, 95, 99]) {
        const exact = exactQuantile(stored, q / 100)!;
        const got = totals[`duration_p${q}`] as number;
        assert.ok(Math.abs(got - exact) <= 0.02 * exact, `p${q}: ${got} vs exact ${exact}`);
      }
      assert.ok(Math.abs(totals.duration_avg - stored.reduce((a, b) => a + b) / stored.length) < 0.01, `avg ${totals.duration_avg}`);
    });

    it('refuses what it cannot read with 422 naming the parameter and its allowed values', async () => {
      const { account } = await seedAccount();
      const refusals: Array<[Record<string, string>, string, RegExp]> = [
        [{ view: 'traces' }, 'view', /spans|runs/],
        [{ measures: 'spans,latency' }, 'measures', /latency.*duration_p95/],
        [{ view: 'runs', measures: 'spans' }, 'measures', /runs, errors/],
        [{ by: 'model,span_type,status,agent_id' }, 'by', /at most 3/],
        [{ view: 'runs', by: 'model' }, 'by', /purpose/],
        [{ view: 'runs', model: 'gpt-4o' }, 'model', /not a dimension of the runs view/],
        [{ status: 'done' }, 'status', /complete, failed/],
        [{ granularity: 'month' }, 'granularity', /hour|day|week/],
        [{ from: 'yesterday' }, 'from', /ISO-8601/],
        [{ from: '2024-05-02T00:00:00Z', to: '2024-05-01T00:00:00Z' }, 'from', /must be before to/],
        [{ from: '2024-01-01T00:00:00Z', to: '2024-05-01T00:00:00Z', granularity: 'hour' }, 'from', /more than the 2000/],
        [{ order_by: '-cost_usd' }, 'order_by', /spans, errors/],
        [{ limit: '0' }, 'limit', /./],
        [{ limit: '10001' }, 'limit', /./],
      ];
      for (const [query, field, message] of refusals) {
        const reply = await analytics(server, account.token, query);
        assert.equal(reply.status, 422, `${JSON.stringify(query)}: ${reply.text}`);
        assert.ok(reply.body.errors?.[field] || new RegExp(field).test(reply.body.message), `${JSON.stringify(query)} names ${field}: ${reply.text}`);
        assert.match(reply.text, message, JSON.stringify(query));
      }
    });

    it('orders and limits rows, and defaults to spans and errors over the last 24 hours', async () => {
      const { account } = await seedAccount();
      const run = await openInstance(server, account);
      for (const [i, status] of ['complete', 'failed', 'failed', 'complete', 'failed'].entries()) {
        const created = await createSpan(server, account, {
          agent_instance_id: run,
          schema_name: i % 2 === 0 ? 'agent:llm' : 'agent:tool',
          status,
          payload: { model: 'model-a', prompt: 'x' },
          started_at: iso(Date.now() - (i + 1) * HOUR),
          finished_at: iso(Date.now() - (i + 1) * HOUR + 50),
        });
        assert.equal(created.status, 201, created.text);
      }
      const plain = await analytics(server, account.token, {});
      assert.equal(plain.status, 200, plain.text);
      assert.deepEqual(plain.body.details.measures, ['spans', 'errors']);
      assert.equal(plain.body.details.granularity, null);
      assert.deepEqual(plain.body.details.rows, [{ spans: 5, errors: 3 }]);
      const ordered = await analytics(server, account.token, { by: 'span_type', order_by: '-errors', limit: '1' });
      assert.deepEqual(ordered.body.details.rows, [{ span_type: 'agent:llm', spans: 3, errors: 2 }]);
      assert.deepEqual(ordered.body.details.totals, { spans: 5, errors: 3 });
      const hourly = await analytics(server, account.token, { granularity: 'hour', measures: 'spans' });
      const buckets = hourly.body.details.rows.map((row: { bucket: string }) => row.bucket);
      assert.deepEqual(buckets, [...buckets].sort());
      assert.equal(buckets.length, 5);
    });
  });
}

function paramsOf(query: Query): Record<string, string> {
  const params: Record<string, string> = { measures: query.measures.join(','), from: query.from, to: query.to };
  if (query.view) params.view = query.view;
  if (query.by.length > 0) params.by = query.by.join(',');
  if (query.granularity) params.granularity = query.granularity;
  for (const [name, values] of Object.entries(query.filters ?? {})) params[name] = values.join(',');
  return params;
}
