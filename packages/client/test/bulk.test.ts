import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PrefactorClientError, type BulkItem, type BulkRequestItem } from '@agentspan/client';
import { span } from './support/fixtures.js';
import { harness, TRANSPORTS } from './support/harness.js';

const createItem = (key: string): BulkItem => ({
  _type: 'agent_spans/create',
  idempotency_key: key,
  agent_instance_id: 'inst_1',
  schema_name: 'agent:llm',
  status: 'active',
});

for (const transport of TRANSPORTS) {
  describe(`bulk over the ${transport.name}`, () => {
    it('posts the items as given and returns outputs keyed by idempotency key', async (t) => {
      const { server, client } = await harness(t, transport);
      const outputs = {
        'create-0001': { status: 'success', details: span() },
        'finish-0001': { status: 'error', code: 'not_found', message: 'no such span' },
      };
      server.reply({ json: { status: 'success', outputs } });
      const items: BulkItem[] = [
        createItem('create-0001'),
        { _type: 'agent_spans/finish', idempotency_key: 'finish-0001', agent_span_id: 'span_9', timestamp: new Date(Date.UTC(2025, 0, 1)) },
      ];
      const result = await client.bulk.execute({ items });
      assert.deepEqual(result, outputs);
      assert.equal(server.last.url, '/api/v1/bulk');
      assert.deepEqual(server.last.body, {
        items: [
          createItem('create-0001'),
          { _type: 'agent_spans/finish', idempotency_key: 'finish-0001', agent_span_id: 'span_9', timestamp: '2025-01-01T00:00:00.000Z' },
        ],
      });
    });

    it('rejects bad batches before sending, saying what to fix', async (t) => {
      const { server, client } = await harness(t, transport);
      const cases: Array<[unknown, RegExp]> = [
        [{ items: [] }, /bulk\.execute: items must be a non-empty array/],
        [{}, /bulk\.execute: items must be a non-empty array/],
        [{ items: [createItem('short')] }, /items\[0\]\.idempotency_key must be a string of 8-64 characters; got 5 characters/],
        [{ items: [createItem('k'.repeat(65))] }, /items\[0\]\.idempotency_key must be a string of 8-64 characters; got 65 characters/],
        [{ items: [{ _type: 'agent_spans/create' }] }, /items\[0\]\.idempotency_key must be a string of 8-64 characters; got undefined/],
        [
          { items: [createItem('same-key-1'), createItem('other-key'), createItem('same-key-1')] },
          /items\[2\]\.idempotency_key "same-key-1" repeats an earlier item's key/,
        ],
        [{ items: [{ idempotency_key: 'no-type-key' }] }, /items\[0\] must be an object with a _type/],
        [
          { items: Array.from({ length: 1001 }, (_, i) => createItem(`key-${String(i).padStart(5, '0')}`)) },
          /at most 1000 items per request; got 1001/,
        ],
      ];
      for (const [params, message] of cases) {
        await assert.rejects(client.bulk.execute(params as { items: BulkItem[] }), (error: unknown) => {
          assert.ok(error instanceof PrefactorClientError);
          assert.match(error.message, message);
          return true;
        });
      }
      assert.equal(server.requests.length, 0);
    });

    it("posts {method, path, body} items as given and returns each item's status and body", async (t) => {
      const { server, client } = await harness(t, transport);
      const answers = [
        { status: 201, body: { status: 'success', details: span() } },
        { status: 404, body: { status: 'error', code: 'not_found', message: 'no such span' } },
      ];
      server.reply({ json: { status: 'success', details: { items: answers } } });
      const items: BulkRequestItem[] = [
        { method: 'POST', path: '/agent_spans', body: { details: { agent_instance_id: 'inst_1', schema_name: 'agent:llm', status: 'active' } } },
        { method: 'POST', path: '/api/v1/agent_spans/span_9/finish', body: { idempotency_key: 'finish-0001' } },
      ];
      assert.deepEqual(await client.bulk.executeRequests({ items }), answers);
      assert.equal(server.last.url, '/api/v1/bulk');
      assert.deepEqual(server.last.body, { items });
    });

    it('rejects bad {method, path, body} batches before sending', async (t) => {
      const { server, client } = await harness(t, transport);
      for (const [items, message] of [
        [[], /bulk\.executeRequests: items must be a non-empty array/],
        [[{ method: 'POST' }], /items\[0\] must be an object with a method and a path/],
      ] as const) {
        await assert.rejects(client.bulk.executeRequests({ items: items as unknown as BulkRequestItem[] }), (error: unknown) => {
          assert.ok(error instanceof PrefactorClientError);
          assert.match(error.message, message);
          return true;
        });
      }
      assert.equal(server.requests.length, 0);
    });

    it('rejects an answer without outputs as a contract error', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply({ json: { status: 'success' } });
      await assert.rejects(client.bulk.execute({ items: [createItem('create-0001')] }), {
        name: 'PrefactorResponseContractError',
        message: /bulk\.execute: response does not match the contract at \/outputs/,
      });
    });
  });
}
