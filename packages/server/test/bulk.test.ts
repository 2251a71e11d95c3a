import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, snapshot, startServer, type Server } from './harness.js';
import { AGENT_VERSION, SCHEMA_VERSION, createSpan, llmPayload, openInstance } from './fixtures.js';

for (const engine of ENGINES) {
  describe(`bulk (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('runs a whole agent run as items in order, answering each under its key', async () => {
      const account = await newAccount(server);
      const reply = await call(server, account.token, 'POST', '/api/v1/bulk', {
        items: [
          {
            _type: 'agent_instances/register',
            idempotency_key: 'bulk-register',
            id: 'bulk-run-1',
            agent_version: AGENT_VERSION,
            agent_schema_version: SCHEMA_VERSION,
          },
          { _type: 'agent_instances/start', idempotency_key: 'bulk-start-1', agent_instance_id: 'bulk-run-1', timestamp: '2024-05-01T12:00:00' },
          {
            _type: 'agent_spans/create',
            idempotency_key: 'bulk-span-1',
            agent_instance_id: 'bulk-run-1',
            id: 'root',
            schema_name: 'agent:llm',
            status: 'active',
            payload: llmPayload(),
            started_at: '2024-05-01T12:00:01',
          },
          {
            _type: 'agent_spans/create',
            idempotency_key: 'bulk-span-2',
            agent_instance_id: 'bulk-run-1',
            parent_span_id: 'root',
            schema_name: 'agent:tool',
            status: 'complete',
            payload: { name: 't' },
            started_at: '2024-05-01T12:00:02',
          },
          {
            _type: 'agent_spans/finish',
            idempotency_key: 'bulk-finish-1',
            agent_span_id: 'root',
            result_payload: { response: 'ok' },
            timestamp: '2024-05-01T12:00:03',
          },
          {
            _type: 'agent_instances/finish',
            idempotency_key: 'bulk-finish-2',
            agent_instance_id: 'bulk-run-1',
            status: 'complete',
            timestamp: '2024-05-01T12:00:04',
          },
        ],
      });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.status, 'success');
      const outputs = reply.body.outputs;
      assert.deepEqual(Object.keys(outputs), ['bulk-register', 'bulk-start-1', 'bulk-span-1', 'bulk-span-2', 'bulk-finish-1', 'bulk-finish-2']);
      for (const output of Object.values<{ status: string }>(outputs)) assert.equal(output.status, 'success');
      assert.equal(outputs['bulk-start-1'].details.started_at, '2024-05-01T12:00:00.000000Z');
      assert.equal(outputs['bulk-span-2'].details.parent_span_id, 'root');
      assert.equal(outputs['bulk-finish-1'].details.summary, 'gpt-test: hello -> ok');
      const instance = outputs['bulk-finish-2'].details;
      assert.equal(instance.status, 'complete');
      assert.deepEqual(instance.span_counts, { total: 2, pending: 0, active: 0, complete: 2, failed: 0, cancelled: 0, finished: 2 });
    });

    it('stops at the first failing item: earlier items stay, later ones are absent from outputs', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const reply = await call(server, account.token, 'POST', '/api/v1/bulk', {
        items: [
          { _type: 'agent_spans/create', idempotency_key: 'stop-0001', agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' },
          {
            _type: 'agent_spans/create',
            idempotency_key: 'stop-0002',
            agent_instance_id: instanceId,
            schema_name: 'agent:llm',
            status: 'active',
            payload: {},
          },
          { _type: 'agent_spans/create', idempotency_key: 'stop-0003', agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' },
        ],
      });
      assert.equal(reply.status, 200);
      assert.deepEqual(Object.keys(reply.body.outputs), ['stop-0001', 'stop-0002']);
      assert.equal(reply.body.outputs['stop-0001'].status, 'success');
      assert.deepEqual(reply.body.outputs['stop-0002'], {
        status: 'error',
        code: 'validation_error',
        message: 'payload.prompt is required',
        errors: { 'payload.prompt': ['is required'] },
      });
      const stored = await snapshot(server, account.accountId, [instanceId]);
      assert.deepEqual(
        stored.instances[0]!.spans.map((s) => s.id),
        [reply.body.outputs['stop-0001'].details.id],
      );
    });

    it('keeps what the outputs say when an item fails after writing: nothing of it, and each earlier item once', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const deploymentsBefore = await server.store.read((tx) => tx.listDeployments(account.accountId));
      const body = {
        items: [
          {
            _type: 'agent_spans/create',
            idempotency_key: 'part-0001',
            agent_instance_id: instanceId,
            id: 'part-root',
            schema_name: 'agent:tool',
            status: 'active',
          },
          {
            _type: 'agent_spans/create',
            idempotency_key: 'part-0002',
            agent_instance_id: instanceId,
            parent_span_id: 'part-root',
            schema_name: 'agent:tool',
            status: 'complete',
          },
          { _type: 'agent_spans/finish', idempotency_key: 'part-0003', agent_span_id: 'part-root', status: 'complete' },
          // Stores an agent version and makes it the deployment's current one, then finds the instance id taken.
          {
            _type: 'agent_instances/register',
            idempotency_key: 'part-0004',
            id: instanceId,
            agent_version: { name: 'never kept', external_identifier: 'v-never-kept' },
            agent_schema_version: SCHEMA_VERSION,
          },
          { _type: 'agent_spans/create', idempotency_key: 'part-0005', agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' },
        ],
      };
      const first = await call(server, account.token, 'POST', '/api/v1/bulk', body);
      assert.equal(first.status, 200, first.text);
      const outputs = first.body.outputs;
      assert.deepEqual(Object.keys(outputs), ['part-0001', 'part-0002', 'part-0003', 'part-0004']);
      assert.equal(outputs['part-0004'].code, 'conflict', first.text);

      const stored = await snapshot(server, account.accountId, [instanceId]);
      const spans = stored.instances[0]!.spans;
      assert.deepEqual(spans.map((s) => s.id).sort(), ['part-root', outputs['part-0002'].details.id].sort());
      assert.deepEqual(
        spans.map((s) => s.status),
        ['complete', 'complete'],
      );
      assert.deepEqual(
        Object.entries(stored.instances[0]!.counts).filter(([, n]) => n !== 0),
        [['complete', 2]],
      );
      assert.deepEqual(await server.store.read((tx) => tx.listDeployments(account.accountId)), deploymentsBefore);

      const retried = await call(server, account.token, 'POST', '/api/v1/bulk', body);
      assert.deepEqual(retried.body.outputs, outputs);
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), stored);
    });

    it('runs a request of the largest size in order, stopping at a failing item far into it', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const span = (i: number, extra: Record<string, unknown> = {}) => ({
        _type: 'agent_spans/create',
        idempotency_key: `large-${String(i).padStart(4, '0')}`,
        agent_instance_id: instanceId,
        id: `large-span-${i}`,
        schema_name: 'agent:tool',
        status: 'complete',
        ...extra,
      });
      const full = await call(server, account.token, 'POST', '/api/v1/bulk', { items: Array.from({ length: 1000 }, (_, i) => span(i)) });
      assert.equal(full.status, 200);
      const keys = Object.keys(full.body.outputs);
      assert.equal(keys.length, 1000);
      assert.deepEqual(keys.slice(98, 102), ['large-0098', 'large-0099', 'large-0100', 'large-0101']);
      assert.equal(full.body.outputs['large-0999'].details.id, 'large-span-999');

      // Item 250 takes a span id the first request stored; item 640 breaks its type's params.
      const taken = Array.from({ length: 300 }, (_, i) => span(1000 + i, { id: i === 250 ? 'large-span-7' : `large-span-${1000 + i}` }));
      const stoppedAtWrite = await call(server, account.token, 'POST', '/api/v1/bulk', { items: taken });
      assert.equal(Object.keys(stoppedAtWrite.body.outputs).length, 251);
      assert.equal(stoppedAtWrite.body.outputs['large-1250'].code, 'conflict');
      const malformed = Array.from({ length: 700 }, (_, i) => (i === 640 ? { ...span(2000 + i), status: 'done' } : span(2000 + i)));
      const stoppedAtParams = await call(server, account.token, 'POST', '/api/v1/bulk', { items: malformed });
      assert.equal(Object.keys(stoppedAtParams.body.outputs).length, 641);
      assert.equal(stoppedAtParams.body.outputs['large-2640'].code, 'validation_error');

      const stored = (await snapshot(server, account.accountId, [instanceId])).instances[0]!.spans;
      assert.equal(stored.length, 1000 + 250 + 640);
      assert.ok(!stored.some((s) => s.id === 'large-span-1250' || s.id === 'large-span-2640' || s.id === 'large-span-2641'));
    });

    it('stops at an item whose params do not match its type, before later items run', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const reply = await call(server, account.token, 'POST', '/api/v1/bulk', {
        items: [
          { _type: 'agent_spans/create', idempotency_key: 'shape-0001', agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' },
          { _type: 'agent_spans/finish', idempotency_key: 'shape-0002', status: 'done' },
          { _type: 'agent_spans/create', idempotency_key: 'shape-0003', agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' },
        ],
      });
      assert.deepEqual(Object.keys(reply.body.outputs), ['shape-0001', 'shape-0002']);
      assert.equal(reply.body.outputs['shape-0002'].code, 'validation_error');
      assert.deepEqual(reply.body.outputs['shape-0002'].errors, {
        agent_span_id: ['is required'],
        status: ['must be one of: complete, failed, cancelled'],
      });
      assert.equal((await snapshot(server, account.accountId, [instanceId])).instances[0]!.spans.length, 1);
    });

    it('shares the ledger with direct calls: a bulk create and a direct create with one key are one request', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const params = { agent_instance_id: instanceId, schema_name: 'agent:llm', status: 'active', payload: llmPayload() };
      const bulk = await call(server, account.token, 'POST', '/api/v1/bulk', {
        items: [{ _type: 'agent_spans/create', idempotency_key: 'shared-bulk-key', ...params }],
      });
      const direct = await call(server, account.token, 'POST', '/api/v1/agent_spans', { details: params, idempotency_key: 'shared-bulk-key' });
      assert.equal(direct.status, 201);
      assert.equal(direct.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(direct.body, bulk.body.outputs['shared-bulk-key']);
      const directFirst = await createSpan(server, account, { ...params, idempotency_key: 'direct-then-bulk' });
      const bulkAfter = await call(server, account.token, 'POST', '/api/v1/bulk', {
        items: [{ _type: 'agent_spans/create', idempotency_key: 'direct-then-bulk', ...params }],
      });
      assert.deepEqual(bulkAfter.body.outputs['direct-then-bulk'], directFirst.body);
      assert.equal((await snapshot(server, account.accountId, [instanceId])).instances[0]!.spans.length, 2);
    });

    it('replays a whole bulk request item by item when it is retried', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const body = {
        items: [1, 2, 3].map((n) => ({
          _type: 'agent_spans/create',
          idempotency_key: `retry-item-${n}`,
          agent_instance_id: instanceId,
          schema_name: 'agent:tool',
          status: 'active',
        })),
      };
      const first = await call(server, account.token, 'POST', '/api/v1/bulk', body);
      const second = await call(server, account.token, 'POST', '/api/v1/bulk', body);
      assert.equal(second.text, first.text);
      assert.equal((await snapshot(server, account.accountId, [instanceId])).instances[0]!.spans.length, 3);
    });

    it('refuses a malformed bulk request as a whole with 422, running nothing', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account);
      const before = await snapshot(server, account.accountId, [instanceId]);
      const item = { _type: 'agent_spans/create', agent_instance_id: instanceId, schema_name: 'agent:tool', status: 'active' };
      const cases: Array<[unknown, string, string]> = [
        [{ items: [] }, 'items', 'must NOT have fewer than 1 items'],
        [{ items: [{ ...item, idempotency_key: 'short' }] }, 'items[0].idempotency_key', 'must NOT have fewer than 8 characters'],
        [
          {
            items: [
              { ...item, idempotency_key: 'dup-key-1' },
              { ...item, idempotency_key: 'dup-key-1' },
            ],
          },
          'items[1].idempotency_key',
          'repeats the key of items[0]; every item needs its own key',
        ],
        [
          { items: [{ ...item, _type: 'agent_spans/delete', idempotency_key: 'bad-type-1' }] },
          'items[0]._type',
          'must be one of: agent_instances/register, agent_instances/start, agent_instances/finish, agent_spans/create, agent_spans/finish',
        ],
      ];
      for (const [body, field, message] of cases) {
        const reply = await call(server, account.token, 'POST', '/api/v1/bulk', body);
        assert.equal(reply.status, 422, field);
        assert.deepEqual(reply.body.errors[field], [message], reply.text);
      }
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId]), before);
    });
  });
}
