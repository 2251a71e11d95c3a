import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PrefactorApiError, PrefactorClientError, PrefactorHttpClient, SDK_VERSION, UndiciTransport } from '@agentspan/client';
import { failure, span, success } from './support/fixtures.js';
import { harness, TRANSPORTS } from './support/harness.js';
import { ScriptedServer } from './support/scripted-server.js';

const packageVersion = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

for (const transport of TRANSPORTS) {
  describe(`client lifecycle over the ${transport.name}`, () => {
    it('sends the bearer token and the SDK header on every request', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(span()), success(span()));
      await client.agentSpans.get('s');
      await client.agentSpans.finish('s');
      for (const request of server.requests) {
        assert.equal(request.headers.authorization, 'Bearer test-token');
        assert.equal(request.headers['x-prefactor-sdk'], `@agentspan/client@${packageVersion}`);
        assert.equal(request.headers.accept, 'application/json');
      }
    });

    it('layers a prefix in front of its own SDK header entry', async (t) => {
      const { server, client } = await harness(t, transport, { sdkHeaderPrefix: '@agentspan/tracer@2.0.0' });
      server.reply(success(span()));
      await client.agentSpans.get('s');
      assert.equal(server.last.headers['x-prefactor-sdk'], `@agentspan/tracer@2.0.0 @agentspan/client@${packageVersion}`);
    });

    it('validateToken is true on 200 and false on 401 or 403, via GET /api/v1/ping', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply({ json: { status: 'success' } }, failure(401, 'unauthorized', 'bad token'), failure(403, 'forbidden', 'no'));
      assert.equal(await client.validateToken(), true);
      assert.equal(await client.validateToken(), false);
      assert.equal(await client.validateToken(), false);
      assert.deepEqual(
        server.requests.map((r) => `${r.method} ${r.url}`),
        Array(3).fill('GET /api/v1/ping'),
      );
    });

    it('validateToken throws other failures, after retrying them', async (t) => {
      const { server, client } = await harness(t, transport, { maxRetries: 1 });
      server.reply(failure(503, 'service_unavailable', 'down'), { json: { status: 'success' } });
      assert.equal(await client.validateToken(), true);
      server.reply(failure(404, 'not_found', 'no ping here'));
      await assert.rejects(client.validateToken(), { name: 'PrefactorNotFoundError' });
      server.reply({ status: 200, text: 'pong' });
      await assert.rejects(client.validateToken(), { name: 'PrefactorResponseContractError' });
    });

    it('after close every call is rejected as a PrefactorClientError without sending', async (t) => {
      const { server, client } = await harness(t, transport);
      await client.close();
      await client.close();
      const calls = [
        client.agentSpans.create({ agent_instance_id: 'i', schema_name: 's', status: 'active' }),
        client.agentSpans.get('s'),
        client.agentInstances.get('i'),
        client.agents.list(),
        client.bulk.execute({ items: [{ _type: 'agent_spans/finish', idempotency_key: 'finish-001', agent_span_id: 's' }] }),
        client.validateToken(),
      ];
      for (const call of calls) {
        await assert.rejects(call, (error: unknown) => {
          assert.ok(error instanceof PrefactorClientError);
          assert.match(error.message, /: the client is closed; create a new PrefactorHttpClient$/);
          return true;
        });
      }
      assert.equal(server.requests.length, 0);
    });

    it('a call in backoff when the client closes stops instead of retrying', async (t) => {
      const { server, client } = await harness(t, transport, {
        sleep: async () => {
          await client.close();
        },
      });
      server.reply(failure(503, 'service_unavailable', 'later'), success(span()));
      await assert.rejects(client.agentSpans.get('s'), { name: 'PrefactorClientError', message: /client is closed/ });
      assert.equal(server.requests.length, 1);
    });
  });
}

describe('transport choice in Node', () => {
  it('defaults to the pooled undici transport, reusing one connection', async (t) => {
    const { server, client } = await harness(t, TRANSPORTS[0]);
    server.reply(success(span()), success(span()));
    await client.agentSpans.get('s');
    await client.agentSpans.get('s');
    // fetch adds the Fetch-standard request headers; a plain undici request does not.
    assert.equal(server.last.headers['sec-fetch-mode'], undefined);
    assert.equal(server.last.headers.connection, 'keep-alive');
  });

  it('holds at most 32 sockets to the server, queueing a larger burst of calls', async (t) => {
    const { server, client } = await harness(t, TRANSPORTS[0]);
    const burst = 40;
    server.reply(...Array.from({ length: burst }, (_, i) => success(span({ id: `span_${i}` }))));
    const spans = await Promise.all(Array.from({ length: burst }, () => client.agentSpans.get('s')));
    assert.equal(new Set(spans.map((s) => s.id)).size, burst);
    assert.equal(server.connections, 32);
  });

  it('a pool size of its own passed to UndiciTransport bounds the sockets instead', async (t) => {
    const server = await ScriptedServer.start();
    const client = new PrefactorHttpClient({
      apiUrl: server.url,
      apiToken: 't',
      transport: new UndiciTransport({ connectTimeout: 1000, connections: 3 }),
    });
    t.after(async () => {
      await client.close();
      await server.close();
    });
    server.reply(...Array.from({ length: 10 }, () => success(span())));
    await Promise.all(Array.from({ length: 10 }, () => client.agentSpans.get('s')));
    assert.equal(server.connections, 3);
  });

  it('sends through an injected fetch', async (t) => {
    const calls: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      calls.push(String(input));
      return fetch(input, init);
    };
    const { server, client } = await harness(t, TRANSPORTS[0], { fetch: countingFetch });
    server.reply(success(span()));
    await client.agentSpans.get('s');
    assert.deepEqual(calls, [`${server.url}/api/v1/agent_spans/s`]);
    assert.equal(server.last.headers['sec-fetch-mode'], 'cors');
  });

  it('sends through an injected transport, closing it with the client', async (t) => {
    const server = await ScriptedServer.start();
    t.after(() => server.close());
    let closed = 0;
    const sent: string[] = [];
    const client = new PrefactorHttpClient({
      apiUrl: server.url,
      apiToken: 't',
      transport: {
        async send(request) {
          sent.push(`${request.method} ${request.url}`);
          const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body });
          return { status: response.status, headers: {}, text: await response.text() };
        },
        async close() {
          closed += 1;
        },
      },
    });
    server.reply(failure(409, 'invalid_action', 'already finished'));
    await assert.rejects(client.agentSpans.finish('s'), PrefactorApiError);
    assert.deepEqual(sent, [`POST ${server.url}/api/v1/agent_spans/s/finish`]);
    await client.close();
    assert.equal(closed, 1);
  });

  it('SDK_VERSION matches package.json (run `npm version` to regenerate src/version.ts)', () => {
    assert.equal(SDK_VERSION, packageVersion);
  });
});
