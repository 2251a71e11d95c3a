import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PrefactorHttpClient, PrefactorApiError, PrefactorValidationError } from '@agentspan/client';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Server } from './harness.js';
import { AGENT_VERSION, SCHEMA_VERSION } from './fixtures.js';

for (const engine of ENGINES) {
  describe(`a full agent run (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('runs an agent through @agentspan/client: nested spans, a failure, quality, listing and counts', async (t) => {
      const account = await newAccount(server);
      const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.token, maxRetries: 0 });
      t.after(() => client.close());
      assert.equal(await client.validateToken(), true);

      const instance = await client.agentInstances.register({
        agent_version: AGENT_VERSION,
        agent_schema_version: {
          ...SCHEMA_VERSION,
          quality_schemas: [{ name: 'accuracy', schema: { type: 'object' }, template: '{{score}}' }],
        },
      });
      assert.equal(instance.status, 'pending');
      await client.agentInstances.start(instance.id);

      const root = await client.agentSpans.create({
        agent_instance_id: instance.id,
        schema_name: 'agent:llm',
        status: 'active',
        payload: { model: 'm', prompt: 'plan' },
      });
      const tool = await client.agentSpans.create({
        agent_instance_id: instance.id,
        schema_name: 'agent:tool',
        status: 'active',
        parent_span_id: root.id,
        payload: { name: 'search', args: { path: 'docs' } },
      });
      await client.agentSpans.finish(tool.id, { status: 'failed', result_payload: { error: 'timeout' } });
      const retry = await client.agentSpans.create({
        agent_instance_id: instance.id,
        schema_name: 'agent:tool',
        status: 'complete',
        parent_span_id: root.id,
        payload: { name: 'search', args: { path: 'docs' } },
      });
      const finishedRoot = await client.agentSpans.finish(root.id, { result_payload: { response: 'done' } });
      assert.equal(finishedRoot.summary, 'm: plan -> done');
      await client.agentInstances.recordQuality(instance.id, { name: 'accuracy', payload: { score: 0.75 } });
      const finished = await client.agentInstances.finish(instance.id, { status: 'complete' });
      assert.equal(finished.status, 'complete');
      assert.deepEqual(finished.span_counts, { total: 3, pending: 0, active: 0, complete: 2, failed: 1, cancelled: 0, finished: 3 });
      assert.deepEqual(finished.quality_summaries, { accuracy: '0.75' });

      const spans = [];
      for await (const span of client.agentSpans.list({ agent_instance_id: instance.id, limit: 2 })) spans.push(span);
      assert.deepEqual(
        spans.map((s) => s.id),
        [root.id, tool.id, retry.id],
      );
      assert.deepEqual(
        spans.map((s) => s.parent_span_id),
        [null, root.id, root.id],
      );
      assert.deepEqual(
        spans.map((s) => s.status),
        ['complete', 'failed', 'complete'],
      );

      await assert.rejects(
        client.agentSpans.finish(root.id),
        (error: unknown) => error instanceof PrefactorApiError && error.statusCode === 409 && error.code === 'invalid_action',
      );
      await assert.rejects(
        client.agentSpans.create({ agent_instance_id: instance.id, schema_name: 'agent:llm', status: 'active', payload: {} }),
        (error: unknown) => error instanceof PrefactorApiError && error.statusCode === 409,
      );
    });

    it('signals termination to the agent through the control block, and bulk runs through the client', async (t) => {
      const account = await newAccount(server);
      const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.token, maxRetries: 0 });
      const operator = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.accountToken, maxRetries: 0 });
      t.after(() => Promise.all([client.close(), operator.close()]));
      const outputs = await client.bulk.execute({
        items: [
          {
            _type: 'agent_instances/register',
            idempotency_key: 'run-register',
            id: 'client-run',
            agent_version: AGENT_VERSION,
            agent_schema_version: SCHEMA_VERSION,
          },
          { _type: 'agent_instances/start', idempotency_key: 'run-start-1', agent_instance_id: 'client-run' },
        ],
      });
      assert.equal(outputs['run-start-1']?.status, 'success');
      await operator.agentInstances.terminate('client-run', { reason: 'budget exceeded' });
      const signals: Array<string | null> = [];
      const span = await client.agentSpans.create(
        { agent_instance_id: 'client-run', schema_name: 'agent:tool', status: 'active' },
        { onControlSignal: (reason) => signals.push(reason) },
      );
      assert.deepEqual(signals, ['budget exceeded']);
      assert.equal((await client.agentSpans.get(span.id)).id, span.id);
      await assert.rejects(
        client.agentSpans.create({ agent_instance_id: 'client-run', schema_name: 'agent:llm', status: 'active', payload: {} }),
        (error: unknown) => error instanceof PrefactorValidationError,
      );
    });

    it('accepts an agent run exactly as the official TS SDK (@prefactor/core 0.2.9) sends it', async () => {
      const account = await newAccount(server);
      // Registration without agent_version or agent_schema_version, start and finish with {}.
      const registered = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {});
      assert.equal(registered.status, 201, registered.text);
      const id = registered.body.details.id;
      assert.equal((await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/start`, {})).status, 200);
      const created = await call(server, account.token, 'POST', '/api/v1/agent_spans', {
        details: {
          agent_instance_id: id,
          schema_name: 'langchain:agent',
          status: 'active',
          payload: {
            span_id: 'local-1',
            trace_id: 'trace-1',
            name: 'agent',
            status: 'active',
            inputs: { question: 'q' },
            outputs: null,
            metadata: {},
            token_usage: null,
            error: null,
          },
          parent_span_id: null,
          started_at: '2024-05-01T12:00:00.000Z',
          finished_at: null,
        },
      });
      assert.equal(created.status, 201, created.text);
      const finish = () =>
        call(server, account.token, 'POST', `/api/v1/agent_spans/${created.body.details.id}/finish`, {
          timestamp: '2024-05-01T12:00:05.000Z',
          status: 'complete',
          result_payload: {},
        });
      assert.equal((await finish()).status, 200);
      const again = await finish();
      // The SDK reads 409 with code invalid_action as "already finished".
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'invalid_action');
      const done = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/finish`, {});
      assert.equal(done.body.details.status, 'complete');
      assert.equal(done.body.details.span_counts.complete, 1);
    });
  });
}
