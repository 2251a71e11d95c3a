import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PrefactorAbortedError, PrefactorClientError, PrefactorTimeoutError } from '@agentspan/client';
import { failure, span, success } from './support/fixtures.js';
import { harness, TRANSPORTS } from './support/harness.js';

const createParams = { agent_instance_id: 'inst_1', schema_name: 'agent:llm', status: 'active' } as const;

for (const transport of TRANSPORTS) {
  describe(`abort and timeouts over the ${transport.name}`, () => {
    it('an already-aborted signal sends nothing', async (t) => {
      const { server, client } = await harness(t, transport);
      const reason = new Error('caller gave up');
      await assert.rejects(client.agentSpans.create(createParams, { signal: AbortSignal.abort(reason) }), (error: unknown) => {
        assert.ok(error instanceof PrefactorAbortedError && error instanceof PrefactorClientError);
        assert.equal(error.message, 'agentSpans.create was aborted before it completed');
        assert.equal(error.cause, reason);
        return true;
      });
      assert.equal(server.requests.length, 0);
    });

    it('aborting mid-request stops at once, without retrying', async (t) => {
      const { server, client, sleeps } = await harness(t, transport);
      server.reply({ hang: true });
      const controller = new AbortController();
      const pending = client.agentSpans.finish('s', {}, { signal: controller.signal });
      await server.received(1);
      controller.abort();
      await assert.rejects(pending, PrefactorAbortedError);
      assert.equal(server.requests.length, 1);
      assert.deepEqual(sleeps, []);
    });

    it('aborting while the body is arriving stops at once', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply({ hangBody: true });
      const controller = new AbortController();
      const pending = client.agentSpans.get('s', { signal: controller.signal });
      await server.received(1);
      controller.abort();
      await assert.rejects(pending, PrefactorAbortedError);
    });

    it('aborting mid-backoff ends the real wait at once, with no further attempt', async (t) => {
      const controller = new AbortController();
      const { server, client } = await harness(t, transport, {
        sleep: undefined,
        initialRetryDelay: 60_000,
        // random() is read just before the wait starts, so this abort lands inside it.
        random: () => {
          queueMicrotask(() => controller.abort());
          return 0.5;
        },
      });
      server.reply(failure(503, 'service_unavailable', 'later'), success(span()));
      await assert.rejects(client.agentSpans.get('s', { signal: controller.signal }), PrefactorAbortedError);
      assert.equal(server.requests.length, 1);
    });

    it('requestTimeout turns a silent server into a PrefactorTimeoutError', async (t) => {
      const { server, client } = await harness(t, transport, { requestTimeout: 150, maxRetries: 0 });
      server.reply({ hang: true });
      await assert.rejects(client.agentSpans.get('s'), (error: unknown) => {
        assert.ok(error instanceof PrefactorTimeoutError);
        assert.equal(error.timeoutMs, 150);
        assert.match(error.message, /^GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/agent_spans\/s timed out after 150 ms .*\(requestTimeout\)$/);
        return true;
      });
    });

    it('requestTimeout also covers a body that never finishes', async (t) => {
      const { server, client } = await harness(t, transport, { requestTimeout: 150, maxRetries: 0 });
      server.reply({ hangBody: true });
      await assert.rejects(client.agentSpans.get('s'), PrefactorTimeoutError);
    });
  });
}

describe('connectTimeout with the fetch transport', () => {
  it('bounds the wait for response headers, as fetch cannot see the connect phase', async (t) => {
    const { server, client } = await harness(t, TRANSPORTS[1], { connectTimeout: 100, requestTimeout: 60_000, maxRetries: 0 });
    server.reply({ hang: true });
    await assert.rejects(client.agentSpans.get('s'), (error: unknown) => {
      assert.ok(error instanceof PrefactorTimeoutError);
      assert.equal(error.timeoutMs, 100);
      assert.match(error.message, /waiting for the response headers \(connectTimeout\)$/);
      return true;
    });
  });
});
