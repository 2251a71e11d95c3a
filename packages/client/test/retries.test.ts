import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  PrefactorApiError,
  PrefactorConnectionError,
  PrefactorResponseContractError,
  PrefactorRetryExhaustedError,
  PrefactorTimeoutError,
} from '@agentspan/client';
import { failure, span, success } from './support/fixtures.js';
import { harness, TRANSPORTS } from './support/harness.js';

const createParams = { agent_instance_id: 'inst_1', schema_name: 'agent:llm', status: 'active' } as const;
const unavailable = failure(503, 'service_unavailable', 'try later');

for (const transport of TRANSPORTS) {
  describe(`retries over the ${transport.name}`, () => {
    it('retries each configured status, then succeeds', async (t) => {
      const { server, client, sleeps } = await harness(t, transport);
      server.reply(
        failure(429, 'rate_limited', 'slow down'),
        failure(500, 'internal_error', 'oops'),
        { status: 502, text: 'Bad Gateway' },
        success(span()),
      );
      const created = await client.agentSpans.create(createParams);
      assert.equal(created.id, 'span_1');
      assert.equal(server.requests.length, 4);
      // Equal jitter with random() = 0.5: three quarters of 1000, 2000, 4000.
      assert.deepEqual(sleeps, [750, 1500, 3000]);
    });

    it('sends the same idempotency key and body on every retry of a create', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(unavailable, unavailable, success(span()));
      await client.agentSpans.create(createParams);
      const keys = server.requests.map((r) => (r.body as { details: { idempotency_key: string } }).details.idempotency_key);
      assert.equal(keys.length, 3);
      assert.equal(new Set(keys).size, 1);
      assert.equal(server.requests[0]?.text, server.requests[2]?.text);
    });

    it('two separate calls get different generated keys', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(span()), success(span()));
      await client.agentSpans.finish('s');
      await client.agentSpans.finish('s');
      const [a, b] = server.requests.map((r) => (r.body as { idempotency_key: string }).idempotency_key);
      assert.notEqual(a, b);
    });

    it('exhaustion raises PrefactorRetryExhaustedError holding the last error', async (t) => {
      const { server, client, sleeps } = await harness(t, transport, { maxRetries: 2 });
      server.reply(unavailable, unavailable, failure(500, 'internal_error', 'last one'));
      await assert.rejects(client.agentSpans.create(createParams), (error: unknown) => {
        assert.ok(error instanceof PrefactorRetryExhaustedError);
        assert.equal(error.attempts, 3);
        assert.ok(error.lastError instanceof PrefactorApiError);
        assert.equal(error.lastError.statusCode, 500);
        assert.equal(error.cause, error.lastError);
        assert.match(error.message, /^agentSpans\.create: POST \/api\/v1\/agent_spans failed after 3 attempts; last error: .*last one$/);
        return true;
      });
      assert.equal(server.requests.length, 3);
      assert.equal(sleeps.length, 2);
    });

    it('with maxRetries 0 the original error is raised after one attempt', async (t) => {
      const { server, client, sleeps } = await harness(t, transport, { maxRetries: 0 });
      server.reply(unavailable);
      await assert.rejects(client.agentSpans.create(createParams), (error: unknown) => {
        assert.ok(error instanceof PrefactorApiError);
        assert.equal(error.statusCode, 503);
        return true;
      });
      assert.equal(server.requests.length, 1);
      assert.deepEqual(sleeps, []);
    });

    it('does not retry statuses outside the configured list', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(failure(409, 'invalid_action', 'already finished'));
      await assert.rejects(client.agentSpans.finish('s'), { name: 'PrefactorApiError' });
      assert.equal(server.requests.length, 1);
    });

    it('retryOnStatusCodes replaces the default list', async (t) => {
      const { server, client } = await harness(t, transport, { retryOnStatusCodes: [409] });
      server.reply(failure(409, 'conflict', 'busy'), success(span()));
      await client.agentSpans.finish('s');
      server.reply(unavailable);
      await assert.rejects(client.agentSpans.finish('s'), { name: 'PrefactorApiError' });
      assert.equal(server.requests.length, 3);
    });

    it('does not retry a malformed 200 but does retry a malformed 503', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply({ status: 200, text: 'not json' });
      await assert.rejects(client.agentSpans.get('s'), PrefactorResponseContractError);
      assert.equal(server.requests.length, 1);
      server.reply({ status: 503, text: '<html>down</html>' }, success(span()));
      await client.agentSpans.get('s');
      assert.equal(server.requests.length, 3);
    });

    it('backoff grows by retryMultiplier and is capped at maxRetryDelay', async (t) => {
      const { server, client, sleeps } = await harness(t, transport, {
        maxRetries: 5,
        initialRetryDelay: 100,
        retryMultiplier: 3,
        maxRetryDelay: 2000,
        random: () => 0,
      });
      server.reply(unavailable, unavailable, unavailable, unavailable, unavailable, success(span()));
      await client.agentSpans.get('s');
      // Equal jitter with random() = 0 waits half the ceiling: min(2000, 100 * 3^n) / 2.
      assert.deepEqual(sleeps, [50, 150, 450, 1000, 1000]);
    });

    it('full jitter waits random() times the capped ceiling', async (t) => {
      const randoms = [0, 0.25, 0.999];
      const { server, client, sleeps } = await harness(t, transport, {
        retryJitter: 'full',
        random: () => randoms.shift() ?? 0,
        maxRetryDelay: 3000,
      });
      server.reply(unavailable, unavailable, unavailable, success(span()));
      await client.agentSpans.get('s');
      assert.deepEqual(sleeps, [0, 500, 2997]);
    });

    it('honours Retry-After in seconds, capped at maxRetryDelay', async (t) => {
      const { server, client, sleeps } = await harness(t, transport, { maxRetryDelay: 10_000 });
      server.reply(
        { ...failure(429, 'rate_limited', 'slow'), headers: { 'retry-after': '7' } },
        { ...failure(503, 'service_unavailable', 'later'), headers: { 'retry-after': '120' } },
        { ...failure(429, 'rate_limited', 'slow'), headers: { 'retry-after': '0' } },
        success(span()),
      );
      await client.agentSpans.get('s');
      assert.deepEqual(sleeps, [7000, 10_000, 0]);
    });

    it('honours Retry-After as an HTTP date', async (t) => {
      const { server, client, sleeps } = await harness(t, transport, { maxRetryDelay: 3_600_000 });
      const inAnHour = new Date(Date.now() + 3_600_000).toUTCString();
      const past = new Date(Date.now() - 60_000).toUTCString();
      server.reply(
        { ...failure(503, 'service_unavailable', 'later'), headers: { 'retry-after': inAnHour } },
        { ...failure(503, 'service_unavailable', 'later'), headers: { 'retry-after': past } },
        { ...failure(503, 'service_unavailable', 'later'), headers: { 'retry-after': 'soon-ish' } },
        success(span()),
      );
      await client.agentSpans.get('s');
      // HTTP dates have whole seconds, so the wait lands within the hour's last second.
      assert.ok(sleeps[0]! > 3_598_000 && sleeps[0]! <= 3_600_000, `waited ${sleeps[0]}`);
      assert.equal(sleeps[1], 0);
      assert.equal(sleeps[2], 3000, 'an unreadable Retry-After falls back to backoff');
    });

    it('retries a dropped connection, then exhausts with a PrefactorConnectionError', async (t) => {
      const { server, client } = await harness(t, transport, { maxRetries: 1 });
      server.reply({ destroy: true }, success(span()));
      assert.equal((await client.agentSpans.get('s')).id, 'span_1');
      server.reply({ destroy: true }, { destroy: true });
      await assert.rejects(client.agentSpans.get('s'), (error: unknown) => {
        assert.ok(error instanceof PrefactorRetryExhaustedError);
        assert.ok(error.lastError instanceof PrefactorConnectionError);
        assert.match(error.lastError.message, /^GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/agent_spans\/s failed: /);
        return true;
      });
      assert.equal(server.requests.length, 4);
    });

    it('a refused connection is a PrefactorConnectionError', async (t) => {
      const { server, client } = await harness(t, transport, { maxRetries: 0 });
      void server;
      const closed = new URL(server.url);
      await server.close();
      await assert.rejects(client.agentSpans.get('s'), (error: unknown) => {
        assert.ok(error instanceof PrefactorConnectionError);
        assert.ok(!(error instanceof PrefactorTimeoutError));
        assert.match(error.message, new RegExp(`GET http://127\\.0\\.0\\.1:${closed.port}/api/v1/agent_spans/s failed: .*ECONNREFUSED`));
        return true;
      });
    });

    it('with the real timer the wait elapses and the retry goes out', async (t) => {
      const { server, client, sleeps } = await harness(t, transport, { sleep: undefined, initialRetryDelay: 1, maxRetryDelay: 2 });
      server.reply(unavailable, success(span()));
      assert.equal((await client.agentSpans.get('s')).id, 'span_1');
      assert.equal(server.requests.length, 2);
      assert.deepEqual(sleeps, []);
    });

    it('retries a request that timed out, with the same key', async (t) => {
      const { server, client } = await harness(t, transport, { requestTimeout: 200 });
      server.reply({ hang: true }, success(span()));
      await client.agentSpans.finish('s');
      assert.equal(server.requests.length, 2);
      const [a, b] = server.requests.map((r) => (r.body as { idempotency_key: string }).idempotency_key);
      assert.equal(a, b);
    });
  });
}
