import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { call, newAccount, type Account, type Server } from './harness.js';
import { exportRequest, newSpanId, newTraceId, postTraces } from './otlp-exports.js';
import { describePostgres } from './postgres-database.js';
import type { DatabaseProxy } from './postgres-proxy.js';
import { startServerBehindProxy, type ServerBehindProxy } from './server-behind-proxy.js';

/** A hung operation fails the test instead of stalling the run. */
const BOUND = { timeout: 30_000 };

describePostgres('OTLP trace ingest when PostgreSQL goes away', (url) => {
  let running: ServerBehindProxy;
  let proxy: DatabaseProxy;
  let server: Server;
  let account: Account;

  before(async () => {
    running = await startServerBehindProxy(url);
    ({ proxy, server } = running);
    account = await newAccount(server);
  });

  after(() => running?.close());

  it(
    'answers 503 with Retry-After in the request encoding while the database is down, and stores the re-sent export once it is back',
    BOUND,
    async () => {
      const traceId = newTraceId();
      const request = exportRequest([{ traceId, spanId: newSpanId() }]);
      await proxy.cut();
      for (const encoding of ['protobuf', 'json'] as const) {
        const reply = await postTraces(server, account.accountToken, request, { encoding });
        assert.equal(reply.status, 503);
        assert.equal(reply.headers.get('retry-after'), '1');
        assert.equal(reply.body.code, 14);
        assert.match(reply.body.message, /database is unavailable/);
      }
      await proxy.restore();
      const stored = await postTraces(server, account.accountToken, request, { encoding: 'protobuf' });
      assert.equal(stored.status, 200);
      const instance = await call(server, account.accountToken, 'GET', `/api/v1/agent_instance/${traceId}`);
      assert.equal(instance.body.details.span_counts.total, 1);
    },
  );
});
