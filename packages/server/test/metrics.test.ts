import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Server } from './harness.js';
import { createSpan, llmPayload, openInstance } from './fixtures.js';
import { describePostgres } from './postgres-database.js';
import { startServerBehindProxy, type ServerBehindProxy } from './server-behind-proxy.js';
import { SseConnection } from './sse-client.js';

/** The value of one series in Prometheus text (0 when absent), e.g. `name{a="b"}`. */
function sample(text: string, series: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return 0;
}

const scrape = async (server: Server, token?: string) => {
  const reply = await call(server, token, 'GET', '/metrics');
  assert.equal(reply.status, 200, reply.text);
  return reply.text;
};

for (const engine of ENGINES) {
  describe(`metrics and health (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('answers /healthz and /readyz without a token', async () => {
      const health = await call(server, undefined, 'GET', '/healthz');
      assert.equal(health.status, 200);
      assert.deepEqual(health.body, { status: 'ok' });
      const ready = await call(server, undefined, 'GET', '/readyz');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body, { status: 'ready' });
    });

    it('counts requests by route pattern and status, times them, and counts spans, bulk items and replays', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const before = await scrape(server);
      const spanRoute = 'method="POST",route="/api/v1/agent_spans",status="201"';
      const details = {
        agent_instance_id: instanceId,
        schema_name: 'agent:llm',
        status: 'active',
        payload: llmPayload(),
        idempotency_key: 'metrics-key-1',
      };
      assert.equal((await call(server, account.token, 'POST', '/api/v1/agent_spans', { details })).status, 201);
      const replay = await call(server, account.token, 'POST', '/api/v1/agent_spans', { details });
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(
        (await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active', payload: { name: 't' } }))
          .status,
        201,
      );
      const bulk = await call(server, account.token, 'POST', '/api/v1/bulk', {
        items: [1, 2, 3].map((n) => ({
          _type: 'agent_spans/create',
          idempotency_key: `metrics-bulk-${n}`,
          agent_instance_id: instanceId,
          schema_name: 'agent:tool',
          status: 'active',
          payload: {},
        })),
      });
      assert.equal(bulk.status, 200, bulk.text);
      assert.equal((await call(server, account.token, 'GET', '/api/v1/agent_spans/no-such-span')).status, 404);
      assert.equal((await call(server, undefined, 'GET', '/no/such/route')).status, 404);

      const text = await scrape(server);
      const delta = (series: string) => sample(text, series) - sample(before, series);
      assert.equal(delta(`agentspan_http_requests_total{${spanRoute}}`), 3);
      assert.equal(delta('agentspan_http_requests_total{method="GET",route="/api/v1/agent_spans/:agent_span_id",status="404"}'), 1);
      assert.equal(delta('agentspan_http_requests_total{method="GET",route="unmatched",status="404"}'), 1);
      assert.equal(delta('agentspan_http_request_duration_seconds_count{method="POST",route="/api/v1/agent_spans"}'), 3);
      assert.ok(sample(text, 'agentspan_http_request_duration_seconds_sum{method="POST",route="/api/v1/agent_spans"}') > 0);
      assert.equal(delta('agentspan_spans_created_total'), 5, 'two direct creates and three bulk items; the replay is not a new span');
      assert.equal(delta('agentspan_bulk_items_total{type="agent_spans/create"}'), 3);
      assert.equal(delta('agentspan_idempotent_replays_total{operation="agent_spans/create"}'), 1);
      assert.ok(delta('agentspan_store_commit_duration_seconds_count') >= 1);
      if (engine.name === 'sqlite') assert.ok(delta('agentspan_store_fsync_duration_seconds_count') >= 1);
      assert.equal(sample(text, 'agentspan_store_queued_writes'), 0);
      if (engine.name === 'postgres') {
        assert.ok(sample(text, 'agentspan_postgres_pool_connections{state="total"}') >= 1, text);
        assert.equal(sample(text, 'agentspan_postgres_pool_connections{state="waiting"}'), 0);
      } else {
        assert.doesNotMatch(text, /agentspan_postgres_pool_connections/);
      }
      assert.doesNotMatch(text, /no-such-span|no\/such/, 'raw URLs never become labels');
    });

    it('counts the clients of the events stream while they are connected', async () => {
      const account = await newAccount(server);
      const base = sample(await scrape(server), 'agentspan_event_stream_clients');
      const streams = await Promise.all([1, 2].map(() => SseConnection.open(`${server.url}/api/v1/events`, account.token)));
      assert.equal(sample(await scrape(server), 'agentspan_event_stream_clients'), base + 2);
      for (const stream of streams) stream.close();
      for (let i = 0; i < 100 && sample(await scrape(server), 'agentspan_event_stream_clients') !== base; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(sample(await scrape(server), 'agentspan_event_stream_clients'), base);
    });

    it('keeps each app its own registry: a second app on another store starts from zero', async () => {
      const other = await startServer(engine);
      try {
        const text = await scrape(other);
        assert.equal(sample(text, 'agentspan_spans_created_total'), 0);
        assert.ok(sample(await scrape(server), 'agentspan_spans_created_total') > 0);
      } finally {
        await other.close();
      }
    });
  });

  describe(`metrics behind a token (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine, { metrics: { token: 'scrape-secret-1' } })));
    after(() => server.close());

    it('refuses a scrape without the metrics token, or with an API token, and serves it with the token', async () => {
      const account = await newAccount(server);
      for (const token of [undefined, account.token, 'scrape-secret-2']) {
        const reply = await call(server, token, 'GET', '/metrics');
        assert.equal(reply.status, 401);
        assert.equal(reply.body.code, 'unauthorized');
        assert.match(reply.body.message, /--metrics-token/);
      }
      assert.match(await scrape(server, 'scrape-secret-1'), /# TYPE agentspan_http_requests_total counter/);
      assert.equal((await call(server, undefined, 'GET', '/healthz')).status, 200, 'health checks stay open');
    });
  });
}

describePostgres('readiness when PostgreSQL goes away', (url) => {
  let behind: ServerBehindProxy;
  before(async () => (behind = await startServerBehindProxy(url)));
  after(() => behind.close());

  it('answers /readyz 503 with Retry-After while the database is down, /healthz 200, and ready again after', async () => {
    assert.equal((await call(behind.server, undefined, 'GET', '/readyz')).status, 200);
    await behind.proxy.cut();
    const down = await call(behind.server, undefined, 'GET', '/readyz');
    assert.equal(down.status, 503, down.text);
    assert.equal(down.body.status, 'error');
    assert.equal(down.body.code, 'service_unavailable');
    assert.equal(down.headers.get('retry-after'), '1');
    assert.equal((await call(behind.server, undefined, 'GET', '/healthz')).status, 200);
    await behind.proxy.restore();
    let ready = await call(behind.server, undefined, 'GET', '/readyz');
    for (let i = 0; i < 50 && ready.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = await call(behind.server, undefined, 'GET', '/readyz');
    }
    assert.equal(ready.status, 200);
  });
});
