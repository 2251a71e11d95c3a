import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { openInstance } from './fixtures.js';
import { call, newAccount, snapshot, startServer, type Account, type Server } from './harness.js';

/**
 * The schema version prefactor_core's own end-to-end example (packages/core/examples/agent_e2e.py)
 * derives from its SchemaRegistry: every span type declares required params.
 */
const E2E_SCHEMA = {
  external_identifier: 'agent-e2e-schema',
  span_type_schemas: [
    {
      name: 'agent:run',
      params_schema: { type: 'object', properties: { task: { type: 'string' } }, required: ['task'] },
      result_schema: { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] },
      title: 'Agent Run',
      description: 'Top-level agent execution span',
      template: 'task: {{task}} → {{summary}}',
    },
    {
      name: 'agent:llm_call',
      params_schema: {
        type: 'object',
        properties: { model: { type: 'string' }, prompt: { type: 'string' } },
        required: ['model', 'prompt'],
      },
      result_schema: {
        type: 'object',
        properties: { response: { type: 'string' }, tokens: { type: 'integer' } },
        required: ['response', 'tokens'],
      },
      title: 'LLM Call',
      template: '{{model}}: {{prompt}} → {{response}} ({{tokens}} tokens)',
    },
    {
      name: 'agent:tool_call',
      params_schema: {
        type: 'object',
        properties: { tool_name: { type: 'string' }, input: { type: 'string' } },
        required: ['tool_name', 'input'],
      },
      result_schema: {
        type: 'object',
        properties: { output: { type: 'string' }, success: { type: 'boolean' } },
        required: ['output', 'success'],
      },
      title: 'Tool Call',
      template: '{{tool_name}}({{input}}) → {{output}}',
    },
    {
      name: 'agent:retrieval',
      params_schema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
      result_schema: {
        type: 'object',
        properties: { documents: { type: 'array', items: { type: 'string' } }, count: { type: 'integer' } },
        required: ['documents', 'count'],
      },
      title: 'Retrieval',
      template: 'query: {{query}} → {{count}} docs',
    },
  ],
};

const key = () => randomUUID();

/** `SpanManager.start`: the span is created active with its params. */
async function startSpan(server: Server, account: Account, instanceId: string, schemaName: string, payload: object, parentId: string | null) {
  const reply = await call(server, account.token, 'POST', '/api/v1/agent_spans', {
    details: {
      agent_instance_id: instanceId,
      schema_name: schemaName,
      status: 'active',
      payload,
      parent_span_id: parentId,
      started_at: null,
      idempotency_key: key(),
    },
  });
  assert.equal(reply.status, 201, reply.text);
  return reply.body.details.id as string;
}

/** `SpanManager.finish`: the finish endpoint with a terminal status and the result. */
async function finishSpan(server: Server, account: Account, spanId: string, status: string, resultPayload?: object) {
  const reply = await call(server, account.token, 'POST', `/api/v1/agent_spans/${spanId}/finish`, {
    status,
    timestamp: null,
    idempotency_key: key(),
    ...(resultPayload === undefined ? {} : { result_payload: resultPayload }),
  });
  assert.equal(reply.status, 200, reply.text);
  return reply.body.details;
}

/** `SpanManager.cancel_unstarted`, body for body: a pending placeholder, then cancelled. */
async function cancelUnstarted(server: Server, account: Account, instanceId: string, schemaName: string, parentId: string) {
  const created = await call(server, account.token, 'POST', '/api/v1/agent_spans', {
    details: {
      agent_instance_id: instanceId,
      schema_name: schemaName,
      status: 'pending',
      payload: {},
      parent_span_id: parentId,
      idempotency_key: key(),
    },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.details.status, 'pending');
  assert.deepEqual(created.body.details.payload, {});
  const finished = await call(server, account.token, 'POST', `/api/v1/agent_spans/${created.body.details.id}/finish`, {
    status: 'cancelled',
    timestamp: null,
    idempotency_key: key(),
  });
  assert.equal(finished.status, 200, finished.text);
  return finished.body.details;
}

for (const engine of ENGINES) {
  describe(`prefactor_core span life cycle (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('takes a pending placeholder with an empty payload on a type with required params, and cancels it', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account, { schema: E2E_SCHEMA });
      const root = await startSpan(server, account, instanceId, 'agent:run', { task: 'summarise' }, null);
      const cancelled = await cancelUnstarted(server, account, instanceId, 'agent:retrieval', root);
      assert.equal(cancelled.status, 'cancelled');
      assert.equal(cancelled.parent_span_id, root);
      assert.deepEqual(cancelled.payload, {});
      assert.equal(cancelled.result_payload, null);
      assert.ok(cancelled.finished_at);
    });

    it('still checks the payload of every create that is not pending, and every result, storing nothing refused', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account, { schema: E2E_SCHEMA });
      const before = await snapshot(server, account.accountId, [instanceId]);
      for (const status of ['active', 'complete', 'failed', 'cancelled']) {
        const refused = await call(server, account.token, 'POST', '/api/v1/agent_spans', {
          details: { agent_instance_id: instanceId, schema_name: 'agent:retrieval', status, payload: {} },
        });
        assert.equal(refused.status, 422, `${status}: ${refused.text}`);
        assert.deepEqual(refused.body.errors, { 'payload.query': ['is required'] });
      }
      const pendingWithBadResult = await call(server, account.token, 'POST', '/api/v1/agent_spans', {
        details: {
          agent_instance_id: instanceId,
          schema_name: 'agent:retrieval',
          status: 'pending',
          payload: {},
          result_payload: { count: 'three' },
        },
      });
      assert.equal(pendingWithBadResult.status, 422, pendingWithBadResult.text);
      assert.ok(pendingWithBadResult.body.errors['result_payload.count'], pendingWithBadResult.text);
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);

      const placeholder = await call(server, account.token, 'POST', '/api/v1/agent_spans', {
        details: { agent_instance_id: instanceId, schema_name: 'agent:retrieval', status: 'pending', payload: {} },
      });
      const badFinish = await call(server, account.token, 'POST', `/api/v1/agent_spans/${placeholder.body.details.id}/finish`, {
        status: 'complete',
        result_payload: { documents: [] },
      });
      assert.equal(badFinish.status, 422);
      assert.deepEqual(badFinish.body.errors, { 'result_payload.count': ['is required'] });
      const stillPending = await call(server, account.token, 'GET', `/api/v1/agent_spans/${placeholder.body.details.id}`);
      assert.equal(stillPending.body.details.status, 'pending');
    });

    it("runs agent_e2e.py's whole flow as raw requests: 7 spans, 5 complete, 1 failed, 1 cancelled", async () => {
      const account = await newAccount(server);
      const registered = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
        agent_version: { name: 'Example Agent', external_identifier: 'v8.0.0' },
        agent_schema_version: E2E_SCHEMA,
        idempotency_key: key(),
      });
      assert.equal(registered.status, 201, registered.text);
      const instanceId = registered.body.details.id as string;
      const started = await call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/start`, {
        timestamp: null,
        idempotency_key: key(),
      });
      assert.equal(started.status, 200, started.text);

      const root = await startSpan(server, account, instanceId, 'agent:run', { task: 'summarise recent news' }, null);
      const plan = await startSpan(server, account, instanceId, 'agent:llm_call', { model: 'claude-3-5-sonnet', prompt: 'Plan the task' }, root);
      const tool = await startSpan(server, account, instanceId, 'agent:tool_call', { tool_name: 'web_search', input: 'recent news' }, plan);
      await finishSpan(server, account, tool, 'complete', { output: '[web_search] result for: recent news', success: true });
      const badTool = await startSpan(server, account, instanceId, 'agent:tool_call', { tool_name: 'database_lookup', input: 'recent news' }, plan);
      await finishSpan(server, account, badTool, 'failed', { output: '[database_lookup] timed out processing: recent news', success: false });
      await finishSpan(server, account, plan, 'complete', { response: '[claude-3-5-sonnet] response to: Plan the task', tokens: 150 });
      const retrieval = await startSpan(server, account, instanceId, 'agent:retrieval', { query: 'recent news' }, root);
      const docs = ["Document 1 about 'recent news'", "Document 2 about 'recent news'", "Document 3 about 'recent news'"];
      const retrieved = await finishSpan(server, account, retrieval, 'complete', { documents: docs, count: 3 });
      assert.equal(retrieved.summary, 'query: recent news → 3 docs');
      const extra = await cancelUnstarted(server, account, instanceId, 'agent:retrieval', root);
      const final = await startSpan(server, account, instanceId, 'agent:llm_call', { model: 'claude-3-5-sonnet', prompt: 'Summarise' }, root);
      await finishSpan(server, account, final, 'complete', { response: '[claude-3-5-sonnet] response to: Summarise', tokens: 200 });
      await finishSpan(server, account, root, 'complete', { summary: '[claude-3-5-sonnet] response to: Summarise' });
      const finished = await call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/finish`, { idempotency_key: key() });
      assert.equal(finished.status, 200, finished.text);
      assert.equal(finished.body.details.status, 'complete');

      const instance = await call(server, account.token, 'GET', `/api/v1/agent_instance/${instanceId}`);
      assert.deepEqual(instance.body.details.span_counts, {
        total: 7,
        pending: 0,
        active: 0,
        complete: 5,
        failed: 1,
        cancelled: 1,
        finished: 7,
      });
      const listed = await call(server, account.token, 'GET', `/api/v1/agent_spans?agent_instance_id=${instanceId}`);
      const parents = Object.fromEntries(
        (listed.body.details as Array<{ id: string; parent_span_id: string | null; status: string }>).map((s) => [
          s.id,
          [s.parent_span_id, s.status],
        ]),
      );
      assert.deepEqual(parents, {
        [root]: [null, 'complete'],
        [plan]: [root, 'complete'],
        [tool]: [plan, 'complete'],
        [badTool]: [plan, 'failed'],
        [retrieval]: [root, 'complete'],
        [extra.id]: [root, 'cancelled'],
        [final]: [root, 'complete'],
      });
    });
  });
}
