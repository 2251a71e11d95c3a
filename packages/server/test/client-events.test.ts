import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PrefactorHttpClient, PrefactorNotFoundError, type AgentEvent, type AgentOutlineEvent, type PrefactorClientConfig } from '@agentspan/client';
import { ENGINES } from './engines.js';
import { createSpan, llmPayload, openInstance } from './fixtures.js';
import { newAccount, startServer, type Server } from './harness.js';
import { DatabaseProxy } from './postgres-proxy.js';

const TRANSPORTS = [
  { name: 'default transport', config: {} as PrefactorClientConfig },
  { name: 'fetch transport', config: { fetch: globalThis.fetch } as PrefactorClientConfig },
];

/** Collects a stream's events in the background; `take(n)` waits for the first n. */
function collect<E extends AgentEvent | AgentOutlineEvent>(stream: AsyncIterable<E>) {
  const events: E[] = [];
  let wake = () => {};
  const done = (async () => {
    for await (const event of stream) {
      events.push(event);
      wake();
    }
  })();
  const take = async (count: number, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (events.length < count) {
      if (Date.now() > deadline) throw new Error(`waited for ${count} events, got ${events.length}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    return events.slice(0, count);
  };
  return { events, take, done };
}

for (const engine of ENGINES) {
  describe(`@agentspan/client events stream (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    for (const transport of TRANSPORTS) {
      it(`yields changes as they happen and reconnects after a drop without repeats (${transport.name})`, async (t) => {
        const account = await newAccount(server);
        const instanceId = await openInstance(server, account);
        const proxy = await DatabaseProxy.start(server.url);
        t.after(() => proxy.close());
        const client = new PrefactorHttpClient({ apiUrl: `http://127.0.0.1:${proxy.port}`, apiToken: account.token, ...transport.config });
        const stop = new AbortController();
        t.after(async () => {
          stop.abort();
          await client.close();
        });
        const stream = collect(client.events.stream({ agent_instance_id: instanceId }, { signal: stop.signal, reconnectDelayMs: 100 }));
        await new Promise((resolve) => setTimeout(resolve, 100));
        const first = await createSpan(server, account, {
          agent_instance_id: instanceId,
          schema_name: 'agent:llm',
          status: 'active',
          payload: llmPayload(),
        });
        const [created] = await stream.take(1);
        assert.equal(created!.type, 'span.created');
        assert.equal(created!.type === 'span.created' && created!.data.id, first.body.details.id);

        await proxy.cut();
        const whileDown = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' });
        await proxy.restore();
        const afterUp = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' });
        const events = await stream.take(3);
        assert.deepEqual(
          events.map((e) => (e.type === 'resync' ? 'resync' : e.data.id)),
          [first.body.details.id, whileDown.body.details.id, afterUp.body.details.id],
        );
        stop.abort();
        await stream.done;
      });
    }

    it('streams spans as outlines with include_payloads: false, instance updates whole', async (t) => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.token });
      const stop = new AbortController();
      t.after(async () => {
        stop.abort();
        await client.close();
      });
      const stream = collect(client.events.stream({ agent_instance_id: instanceId, include_payloads: false }, { signal: stop.signal }));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const span = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:llm',
        status: 'active',
        payload: llmPayload(),
      });
      await client.agentInstances.finish(instanceId);
      const [created, updated] = await stream.take(2);
      const { payload: _payload, result_payload: _result, ...outline } = span.body.details;
      assert.deepEqual(created, { id: created!.id, type: 'span.created', data: outline });
      assert.equal(updated!.type, 'instance.updated');
      assert.equal(updated!.type === 'instance.updated' && updated!.data.status, 'complete');
      stop.abort();
      await stream.done;
    });

    it('throws the API error when the server refuses the stream', async () => {
      const account = await newAccount(server);
      const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.token });
      try {
        await assert.rejects(
          (async () => {
            for await (const event of client.events.stream({ agent_instance_id: 'missing' })) void event;
          })(),
          (error: unknown) => error instanceof PrefactorNotFoundError && /agent instance missing was not found/.test(error.message),
        );
      } finally {
        await client.close();
      }
    });
  });
}
