import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Server } from './harness.js';
import { createSpan, openInstance } from './fixtures.js';

for (const engine of ENGINES) {
  describe(`agent context (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('answers the run in tree order, where the CLI reads it (result.agent_context.body) and under details', async () => {
      const account = await newAccount(server);
      const id = await openInstance(server, account);
      const span = async (name: string, schema: string, startedAt: string, parent: string | null, payload: object) => {
        const reply = await createSpan(server, account, {
          agent_instance_id: id,
          id: name,
          schema_name: schema,
          status: 'active',
          parent_span_id: parent,
          payload,
          started_at: startedAt,
        });
        assert.equal(reply.status, 201, reply.text);
      };
      await span('root-a', 'agent:tool', '2024-05-01T12:00:01Z', null, { name: 'plan' });
      await span('root-c', 'agent:tool', '2024-05-01T12:00:02Z', null, { name: 'wrap' });
      await span('child-b', 'agent:llm', '2024-05-01T12:00:03Z', 'root-a', { model: 'm', prompt: 'hi' });
      await span('child-e', 'agent:tool', '2024-05-01T12:00:02.5Z', 'root-a', { name: 'read' });
      await span('grandchild-d', 'agent:tool', '2024-05-01T12:00:04Z', 'child-b', { name: 'deep' });
      const finished = await call(server, account.token, 'POST', '/api/v1/agent_spans/child-b/finish', {
        timestamp: '2024-05-01T12:00:05Z',
        status: 'complete',
        result_payload: { response: 'hello' },
      });
      assert.equal(finished.status, 200, finished.text);

      // Prefactor's CLI: apiClient.request(`/agent_instance/${id}/agent_context`, { method: 'GET' }),
      // then `result.agent_context.body` for --output.
      const reply = await call(server, account.token, 'GET', `/api/v1/agent_instance/${id}/agent_context`);
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.status, 'success');
      assert.deepEqual(reply.body.details.agent_context, reply.body.agent_context);
      const body = reply.body.agent_context.body;
      assert.equal(body.format, 'agent_context_v1');
      assert.equal(body.agent_instance_id, id);
      assert.equal(body.truncated, false);
      assert.deepEqual(
        body.spans.map((s: { id: string; depth: number }) => [s.id, s.depth]),
        [
          ['root-a', 0],
          ['child-e', 1],
          ['child-b', 1],
          ['grandchild-d', 2],
          ['root-c', 0],
        ],
      );
      const llm = body.spans[2];
      assert.deepEqual(llm, {
        id: 'child-b',
        parent_span_id: 'root-a',
        depth: 1,
        schema_name: 'agent:llm',
        title: 'LLM call',
        status: 'complete',
        started_at: '2024-05-01T12:00:03.000000Z',
        finished_at: '2024-05-01T12:00:05.000000Z',
        summary: llm.summary,
        payload: { model: 'm', prompt: 'hi' },
        result_payload: { response: 'hello' },
      });
      assert.match(llm.summary, /m: hi/);
      assert.equal(body.spans[3].title, 'Tool call');
      assert.equal(body.spans[3].result_payload, null);
    });

    it('answers an empty run, and 404 for an unknown instance or one of another account', async () => {
      const account = await newAccount(server);
      const id = await openInstance(server, account);
      const empty = await call(server, account.token, 'GET', `/api/v1/agent_instance/${id}/agent_context`);
      assert.equal(empty.status, 200, empty.text);
      assert.deepEqual(empty.body.agent_context.body, { format: 'agent_context_v1', agent_instance_id: id, spans: [], truncated: false });
      const other = await newAccount(server);
      for (const [token, path] of [
        [account.token, 'nope'],
        [other.token, id],
      ] as const) {
        const reply = await call(server, token, 'GET', `/api/v1/agent_instance/${path}/agent_context`);
        assert.equal(reply.status, 404, reply.text);
        assert.equal(reply.body.message, `agent instance ${path} was not found`);
      }
    });
  });
}
