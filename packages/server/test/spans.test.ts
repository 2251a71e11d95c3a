import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, snapshot, startServer, type Server } from './harness.js';
import { createSpan, llmPayload, openInstance } from './fixtures.js';

for (const engine of ENGINES) {
  describe(`agent spans (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('creates a span from the Python client body and answers the full resource', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const reply = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:llm',
        status: 'active',
        payload: llmPayload('what is 2+2?'),
        started_at: '2024-05-01T12:00:00.123456',
        idempotency_key: 'py-create-1',
      });
      assert.equal(reply.status, 201);
      assert.equal(reply.body.status, 'success');
      assert.equal(reply.body.control, undefined);
      const span = reply.body.details;
      assert.equal(span.type, 'agent_span');
      assert.match(span.id, /^[A-Za-z0-9_.:-]{1,64}$/);
      assert.equal(span.account_id, account.accountId);
      assert.equal(span.agent_id, account.agentId);
      assert.equal(span.agent_instance_id, instanceId);
      assert.equal(span.parent_span_id, null);
      assert.equal(span.schema_title, 'LLM call');
      assert.equal(span.status, 'active');
      assert.deepEqual(span.payload, llmPayload('what is 2+2?'));
      assert.equal(span.result_payload, null);
      assert.equal(span.started_at, '2024-05-01T12:00:00.123456Z');
      assert.equal(span.finished_at, null);
      assert.match(span.inserted_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
      const fetched = await call(server, account.token, 'GET', `/api/v1/agent_spans/${span.id}`);
      assert.equal(fetched.status, 200);
      assert.deepEqual(fetched.body.details, span);
    });

    it('creates a span from the official TS SDK body: explicit nulls, sensitive_encoding, top-level key, extra fields', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const reply = await call(server, account.token, 'POST', '/api/v1/agent_spans', {
        details: {
          agent_instance_id: instanceId,
          schema_name: 'agent:tool',
          status: 'complete',
          payload: { name: 'read_file', args: { path: '/etc/hosts' }, token_usage: null, error: null },
          result_payload: null,
          id: null,
          parent_span_id: null,
          started_at: '2024-05-01T12:00:00.000Z',
          finished_at: '2024-05-01T12:00:01.500Z',
          sensitive_encoding: false,
          a_field_from_a_newer_sdk: { anything: true },
        },
        idempotency_key: 'ts-sdk-create-1',
        another_new_field: 1,
      });
      assert.equal(reply.status, 201, reply.text);
      const span = reply.body.details;
      assert.equal(span.status, 'complete');
      assert.equal(span.finished_at, '2024-05-01T12:00:01.500000Z');
      assert.equal(span.summary, 'read_file(/etc/hosts) ');
      const replay = await call(server, account.token, 'POST', '/api/v1/agent_spans', {
        details: {
          agent_instance_id: instanceId,
          schema_name: 'agent:tool',
          status: 'complete',
          payload: span.payload,
          started_at: '2024-05-01T12:00:00.000Z',
          finished_at: '2024-05-01T12:00:01.500Z',
          sensitive_encoding: false,
          a_field_from_a_newer_sdk: { anything: true },
        },
        idempotency_key: 'ts-sdk-create-1',
      });
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(replay.body.details.id, span.id);
    });

    it('finishes a span now when created with a finish status and no finished_at', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const before = new Date().toISOString();
      const reply = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:tool',
        status: 'failed',
        payload: { name: 'x' },
      });
      assert.equal(reply.status, 201);
      assert.ok(reply.body.details.finished_at >= before.replace('Z', '000Z'));
      assert.equal(reply.body.details.started_at <= reply.body.details.finished_at, true);
    });

    it('uses a given span id, and answers 409 when the id is taken', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const details = { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active', id: 'span:custom-1.a_b' };
      const first = await createSpan(server, account, details);
      assert.equal(first.status, 201);
      assert.equal(first.body.details.id, 'span:custom-1.a_b');
      const before = await snapshot(server, account.accountId, [instanceId]);
      const second = await createSpan(server, account, { ...details, payload: { name: 'other' } });
      assert.equal(second.status, 409);
      assert.equal(second.body.code, 'conflict');
      assert.match(second.body.message, /span id span:custom-1\.a_b is already taken/);
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });

    it('rejects span ids outside [A-Za-z0-9_.:-]{1,64} with 422 and stores nothing', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const before = await snapshot(server, account.accountId, [instanceId]);
      for (const id of ['has space', 'x'.repeat(65), 'slash/no']) {
        const reply = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active', id });
        assert.equal(reply.status, 422, id);
        assert.equal(reply.body.code, 'validation_error');
        assert.ok(reply.body.errors['details.id'], reply.text);
      }
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });

    it('requires the parent span to exist in the same instance', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const otherInstanceId = await openInstance(server, account);
      const parent = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' });
      const child = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:tool',
        status: 'active',
        parent_span_id: parent.body.details.id,
      });
      assert.equal(child.status, 201);
      assert.equal(child.body.details.parent_span_id, parent.body.details.id);

      const before = await snapshot(server, account.accountId, [instanceId, otherInstanceId]);
      const elsewhere = await createSpan(server, account, {
        agent_instance_id: otherInstanceId,
        schema_name: 'agent:tool',
        status: 'active',
        parent_span_id: parent.body.details.id,
      });
      assert.equal(elsewhere.status, 422);
      assert.match(elsewhere.body.errors.parent_span_id[0], /names no span of agent instance/);
      const missing = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:tool',
        status: 'active',
        parent_span_id: 'no-such-span',
      });
      assert.equal(missing.status, 422);
      assert.ok(missing.body.errors.parent_span_id);
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId, otherInstanceId]), before);
    });

    it('answers 422 for an unknown or missing agent instance, and for status terminated', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const before = await snapshot(server, account.accountId, [instanceId]);
      const unknown = await createSpan(server, account, { agent_instance_id: 'nope', schema_name: 'agent:tool', status: 'active' });
      assert.equal(unknown.status, 422);
      assert.match(unknown.body.errors.agent_instance_id[0], /names no agent instance of this account/);
      const nullInstance = await createSpan(server, account, { agent_instance_id: null, schema_name: 'agent:tool', status: 'active' });
      assert.equal(nullInstance.status, 422);
      assert.deepEqual(nullInstance.body.errors['details.agent_instance_id'], ['must be a string']);
      const terminated = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'terminated' });
      assert.equal(terminated.status, 422);
      assert.match(terminated.body.errors['details.status'][0], /must be one of: pending, active, complete, failed, cancelled/);
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });

    it('reads naive Python timestamps with microseconds as UTC, and offsets as the moment they name', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const naive = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:tool',
        status: 'complete',
        started_at: '2024-05-01T12:00:00.123456',
        finished_at: '2024-05-01T12:00:02.654321',
      });
      assert.equal(naive.body.details.started_at, '2024-05-01T12:00:00.123456Z');
      assert.equal(naive.body.details.finished_at, '2024-05-01T12:00:02.654321Z');
      const offset = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:tool',
        status: 'active',
        started_at: '2024-05-01T14:30:00+02:00',
      });
      assert.equal(offset.body.details.started_at, '2024-05-01T12:30:00.000000Z');
    });

    it('refuses a finish before the start, and bad timestamps, with 422 naming the field', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const before = await snapshot(server, account.accountId, [instanceId]);
      const backwards = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:tool',
        status: 'complete',
        started_at: '2024-05-01T12:00:01Z',
        finished_at: '2024-05-01T12:00:00Z',
      });
      assert.equal(backwards.status, 422);
      assert.match(backwards.body.errors.finished_at[0], /must not be before started_at/);
      const garbage = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:tool',
        status: 'active',
        started_at: 'yesterday',
      });
      assert.equal(garbage.status, 422);
      assert.match(garbage.body.errors.started_at[0], /must be an ISO-8601 date-time/);
      const openWithFinish = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:tool',
        status: 'active',
        finished_at: '2024-05-01T12:00:00Z',
      });
      assert.equal(openWithFinish.status, 422);
      assert.match(openWithFinish.body.errors.finished_at[0], /must be absent while status is active/);
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });

    it('finishes an open span once; a second finish is 409 invalid_action and changes nothing', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      for (const [created, finishStatus] of [
        ['pending', 'cancelled'],
        ['active', undefined],
      ] as const) {
        const span = await createSpan(server, account, {
          agent_instance_id: instanceId,
          schema_name: 'agent:llm',
          status: created,
          payload: llmPayload(),
          started_at: '2024-05-01T12:00:00Z',
        });
        const finished = await call(server, account.token, 'POST', `/api/v1/agent_spans/${span.body.details.id}/finish`, {
          status: finishStatus ?? null,
          result_payload: { response: 'hi there' },
          timestamp: '2024-05-01T12:00:03.250000',
        });
        assert.equal(finished.status, 200, finished.text);
        assert.equal(finished.body.details.status, finishStatus ?? 'complete');
        assert.equal(finished.body.details.finished_at, '2024-05-01T12:00:03.250000Z');
        assert.deepEqual(finished.body.details.result_payload, { response: 'hi there' });
        assert.equal(finished.body.details.summary, 'gpt-test: hello -> hi there');

        const before = await snapshot(server, account.accountId, [instanceId]);
        const again = await call(server, account.token, 'POST', `/api/v1/agent_spans/${span.body.details.id}/finish`, {});
        assert.equal(again.status, 409);
        assert.equal(again.body.code, 'invalid_action');
        assert.match(again.body.message, /is already (cancelled|complete)/);
        assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
      }
    });

    it('refuses a finish timestamp before the span started, and answers 404 for an unknown span', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const span = await createSpan(server, account, {
        agent_instance_id: instanceId,
        schema_name: 'agent:tool',
        status: 'active',
        started_at: '2024-05-01T12:00:00Z',
      });
      const before = await snapshot(server, account.accountId, [instanceId]);
      const early = await call(server, account.token, 'POST', `/api/v1/agent_spans/${span.body.details.id}/finish`, {
        timestamp: '2024-05-01T11:59:59Z',
      });
      assert.equal(early.status, 422);
      assert.match(early.body.errors.timestamp[0], /must not be before the span's started_at/);
      const unknown = await call(server, account.token, 'POST', '/api/v1/agent_spans/no-such-span/finish', {});
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.code, 'not_found');
      const unknownGet = await call(server, account.token, 'GET', '/api/v1/agent_spans/no-such-span');
      assert.equal(unknownGet.status, 404);
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });

    it('answers 409 invalid_action for a span on a finished instance, and stores nothing', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      await call(server, account.token, 'POST', `/api/v1/agent_instance/${instanceId}/finish`, { status: 'complete' });
      const before = await snapshot(server, account.accountId, [instanceId]);
      const reply = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' });
      assert.equal(reply.status, 409);
      assert.equal(reply.body.code, 'invalid_action');
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });

    it('stores spans of a terminated instance and tells the agent to stop on create and finish', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const open = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' });
      assert.equal(open.body.control, undefined);
      const terminated = await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${instanceId}/terminate`, {
        reason: 'operator stopped a runaway loop',
      });
      assert.equal(terminated.status, 200);
      assert.equal(terminated.body.details.status, 'terminated');
      assert.equal(terminated.body.details.termination_reason, 'operator stopped a runaway loop');

      const late = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' });
      assert.equal(late.status, 201);
      assert.deepEqual(late.body.control, { terminate: true, reason: 'operator stopped a runaway loop' });
      const stored = await call(server, account.token, 'GET', `/api/v1/agent_spans/${late.body.details.id}`);
      assert.equal(stored.status, 200);
      assert.equal(stored.body.control, undefined);
      const finished = await call(server, account.token, 'POST', `/api/v1/agent_spans/${open.body.details.id}/finish`, {});
      assert.equal(finished.status, 200);
      assert.deepEqual(finished.body.control, { terminate: true, reason: 'operator stopped a runaway loop' });

      const before = await snapshot(server, account.accountId, [instanceId]);
      const again = await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${instanceId}/terminate`, { reason: 'again' });
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'invalid_action');
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });
  });
}
