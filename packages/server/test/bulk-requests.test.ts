import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, snapshot, startServer, type Account, type Server } from './harness.js';
import { AGENT_VERSION, SCHEMA_VERSION, llmPayload } from './fixtures.js';

// Prefactor's CLI `bulk execute` sends its items as given (packages/cli/src/clients/bulk.ts):
//   return this.client.request('/bulk', { method: 'POST', body: { items } });
// each item `{ method: ApiClientMethod; path: string; body?: Record<string, unknown> }`, and it reads `details.items[{status, body}]`.
const bulk = (server: Server, account: Account, items: unknown[]) => call(server, account.token, 'POST', '/api/v1/bulk', { items });

/** A whole run as the CLI's items: register, start, a span created and finished, the instance finished. */
const run = (id: string) => [
  {
    method: 'POST',
    path: '/api/v1/agent_instance/register',
    body: { id, agent_version: AGENT_VERSION, agent_schema_version: SCHEMA_VERSION, idempotency_key: `${id}-register` },
  },
  { method: 'POST', path: `/agent_instance/${id}/start`, body: { timestamp: '2024-05-01T12:00:00', idempotency_key: `${id}-start` } },
  {
    method: 'POST',
    path: '/api/v1/agent_spans',
    body: {
      details: {
        agent_instance_id: id,
        id: `${id}-root`,
        schema_name: 'agent:llm',
        status: 'active',
        payload: llmPayload(),
        started_at: '2024-05-01T12:00:01',
        idempotency_key: `${id}-span`,
      },
    },
  },
  {
    method: 'POST',
    path: `/api/v1/agent_spans/${id}-root/finish`,
    body: { result_payload: { response: 'ok' }, timestamp: '2024-05-01T12:00:02', idempotency_key: `${id}-span-finish` },
  },
  {
    method: 'POST',
    path: `/agent_instance/${id}/finish`,
    body: { status: 'complete', timestamp: '2024-05-01T12:00:03', idempotency_key: `${id}-finish` },
  },
];

for (const engine of ENGINES) {
  describe(`bulk with {method, path, body} items (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('runs a whole agent run and answers each item as its single endpoint would', async () => {
      const account = await newAccount(server);
      const reply = await bulk(server, account, run('cli-run-1'));
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.body.status, 'success');
      const items = reply.body.details.items as Array<{ status: number; body: { status: string; details: Record<string, unknown> } }>;
      assert.deepEqual(
        items.map((item) => [item.status, item.body.status]),
        [
          [201, 'success'],
          [200, 'success'],
          [201, 'success'],
          [200, 'success'],
          [200, 'success'],
        ],
      );
      assert.equal(items[1]!.body.details.started_at, '2024-05-01T12:00:00.000000Z');
      assert.equal(items[3]!.body.details.summary, 'gpt-test: hello -> ok');
      assert.equal(items[4]!.body.details.status, 'complete');
      const stored = await snapshot(server, account.accountId, ['cli-run-1']);
      assert.equal(stored.instances[0]!.instance?.status, 'complete');
      assert.deepEqual(
        stored.instances[0]!.spans.map((s) => [s.id, s.status]),
        [['cli-run-1-root', 'complete']],
      );

      // The single endpoint, asked again under the item's key, answers the very same body.
      const single = await call(server, account.token, 'POST', '/api/v1/agent_instance/cli-run-1/start', run('cli-run-1')[1]!.body);
      assert.equal(single.status, 200);
      assert.equal(single.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(single.body, items[1]!.body);
    });

    it('answers a replay with the same keys the same, writing nothing new', async () => {
      const account = await newAccount(server);
      const first = await bulk(server, account, run('cli-run-2'));
      assert.equal(first.status, 200, first.text);
      const stored = await snapshot(server, account.accountId, ['cli-run-2']);
      const again = await bulk(server, account, run('cli-run-2'));
      assert.equal(again.status, 200, again.text);
      assert.deepEqual(again.body, first.body);
      assert.deepEqual(await snapshot(server, account.accountId, ['cli-run-2']), stored);
    });

    it('gives a failing item its error status and body, and runs the items after it', async () => {
      const account = await newAccount(server);
      const [register, start] = run('cli-run-3');
      const reply = await bulk(server, account, [
        register,
        { method: 'POST', path: '/agent_spans/no-such-span/finish', body: { idempotency_key: 'cli-run-3-missing' } },
        { method: 'POST', path: '/agent_instance/cli-run-3/finish', body: { status: 'sideways', idempotency_key: 'cli-run-3-bad' } },
        start,
      ]);
      assert.equal(reply.status, 200, reply.text);
      const items = reply.body.details.items as Array<{ status: number; body: Record<string, unknown> }>;
      assert.deepEqual(
        items.map((item) => item.status),
        [201, 404, 422, 200],
      );
      assert.equal(items[1]!.body.status, 'error');
      assert.match(String(items[1]!.body.message), /no-such-span/);
      assert.equal(items[2]!.body.code, 'validation_error');
      assert.ok(Object.keys(items[2]!.body.errors as object).includes('status'), JSON.stringify(items[2]!.body));
      const stored = await snapshot(server, account.accountId, ['cli-run-3']);
      assert.equal(stored.instances[0]!.instance?.status, 'active');
      assert.deepEqual(stored.instances[0]!.spans, []);
    });

    it('refuses a request mixing both item shapes, writing nothing', async () => {
      const account = await newAccount(server);
      const before = await snapshot(server, account.accountId);
      const [register] = run('cli-run-4');
      const reply = await bulk(server, account, [
        register,
        { _type: 'agent_instances/start', idempotency_key: 'cli-run-4-start', agent_instance_id: 'cli-run-4' },
      ]);
      assert.equal(reply.status, 422, reply.text);
      assert.deepEqual(reply.body.errors, {
        'items[1]': ['is a {_type, idempotency_key, …} item but items[0] is a {method, path, body} item; send one shape per request'],
      });
      assert.match(reply.body.message, /^items\[1\] is a \{_type/);
      assert.deepEqual(await snapshot(server, account.accountId), before);
      assert.equal((await call(server, account.token, 'GET', '/api/v1/agent_instance/cli-run-4')).status, 404);
    });

    it('refuses an item whose method and path bulk does not take, naming it and listing what it takes, writing nothing', async () => {
      const account = await newAccount(server);
      const before = await snapshot(server, account.accountId);
      const [register] = run('cli-run-5');
      for (const [method, path] of [
        ['POST', '/agent_instance/cli-run-5/explode'],
        ['GET', '/account'],
        ['DELETE', '/api/v1/agent/some-agent'],
      ] as const) {
        const reply = await bulk(server, account, [register, { method, path }]);
        assert.equal(reply.status, 422, reply.text);
        const [field, messages] = Object.entries(reply.body.errors as Record<string, string[]>)[0]!;
        assert.equal(field, 'items[1].path');
        assert.match(
          messages[0]!,
          new RegExp(`^${method} ${path.replace(/\//g, '\\/')} is not a write bulk takes; bulk takes POST /agent_instance/register, `),
        );
        assert.match(messages[0]!, /POST \/agent_spans\/\{agent_span_id\}\/finish/);
      }
      assert.deepEqual(await snapshot(server, account.accountId), before);
      assert.equal((await call(server, account.token, 'GET', '/api/v1/agent_instance/cli-run-5')).status, 404);
    });

    it('refuses an item with a method the CLI does not send or without a path, naming the field', async () => {
      const account = await newAccount(server);
      const before = await snapshot(server, account.accountId);
      const [register] = run('cli-run-6');
      for (const [item, field, message] of [
        [{ method: 'PATCH', path: '/agent_spans' }, 'items[1].method', 'must be one of: GET, POST, PUT, DELETE'],
        [{ method: 'POST' }, 'items[1].path', 'is required'],
        [{ method: 'POST', path: '/agent_spans', body: [] }, 'items[1].body', 'must be an object'],
      ] as const) {
        const reply = await bulk(server, account, [register, item]);
        assert.equal(reply.status, 422, reply.text);
        assert.deepEqual(reply.body.errors, { [field]: [message] });
      }
      assert.deepEqual(await snapshot(server, account.accountId), before);
    });

    it('terminates an instance as the single endpoint does', async () => {
      const account = await newAccount(server);
      const [register, start] = run('cli-run-7');
      const reply = await bulk(server, account, [
        register,
        start,
        {
          method: 'POST',
          path: '/api/v1/agent_instance/cli-run-7/terminate',
          body: { reason: 'stopped by hand', idempotency_key: 'cli-run-7-stop' },
        },
      ]);
      assert.equal(reply.status, 200, reply.text);
      const items = reply.body.details.items as Array<{ status: number; body: { details: Record<string, unknown> } }>;
      assert.deepEqual(
        items.map((item) => item.status),
        [201, 200, 200],
      );
      const read = await call(server, account.token, 'GET', '/api/v1/agent_instance/cli-run-7');
      assert.equal(items[2]!.body.details.status, read.body.details.status);
      assert.equal(read.body.details.status, 'terminated');
    });
  });
}
