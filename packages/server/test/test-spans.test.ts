import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PrefactorClientError, PrefactorHttpClient } from '@agentspan/client';
import { ENGINES } from './engines.js';
import { SCHEMA_VERSION, createSpan, llmPayload, openInstance } from './fixtures.js';
import { call, newAccount, snapshot, startServer, type Account, type Server } from './harness.js';

/** A schema version that declares no span types: any name goes, test spans included. */
const UNTYPED = { external_identifier: 'untyped-schema' };
/** One that declares types, and `*` for the rest. */
const OPEN = { external_identifier: 'open-schema', span_type_schemas: [...SCHEMA_VERSION.span_type_schemas, { name: '*', params_schema: {} }] };

const PATH = '/api/v1/agent_spans/create_test_spans';

/** Prefactor's CLI: `agent_spans create_test_spans --agent_instance_id … [--count …] [--parent_span_id …]`, flat body. */
const createTestSpans = (server: Server, account: Account, body: unknown, headers?: Record<string, string>) =>
  call(server, account.token, 'POST', PATH, body, headers);

for (const engine of ENGINES) {
  describe(`POST /agent_spans/create_test_spans (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('makes the finished test spans the CLI asks for, children of the parent it names, and lists them', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account, { schema: UNTYPED });
      const parent = await createSpan(server, account, { agent_instance_id: instanceId, schema_name: 'run', status: 'active' });
      assert.equal(parent.status, 201, parent.text);

      const made = await createTestSpans(server, account, { agent_instance_id: instanceId, count: 4, parent_span_id: parent.body.details.id });
      assert.equal(made.status, 201, made.text);
      assert.equal(made.body.status, 'success');
      const spans = made.body.details as Record<string, unknown>[];
      assert.equal(spans.length, 4);
      assert.equal(new Set(spans.map((s) => s.id)).size, 4);
      spans.forEach((span, i) => {
        assert.equal(span.type, 'agent_span');
        assert.equal(span.agent_instance_id, instanceId);
        assert.equal(span.parent_span_id, parent.body.details.id);
        assert.equal(span.schema_name, 'agentspan:test_span');
        assert.equal(span.status, 'complete');
        assert.deepEqual(span.payload, { test: true, index: i + 1, count: 4 });
        assert.equal(span.summary, `Test span ${i + 1} of 4`);
        assert.equal(span.finished_at, span.started_at);
      });
      for (const span of spans) {
        const shown = await call(server, account.token, 'GET', `/api/v1/agent_spans/${String(span.id)}`);
        assert.deepEqual(shown.body.details, span);
      }
      const instance = await call(server, account.token, 'GET', `/api/v1/agent_instance/${instanceId}`);
      assert.equal(instance.body.details.span_counts.total, 5);
      assert.equal(instance.body.details.span_counts.complete, 4);

      // The CLI leaves out --count and --parent_span_id when not given: three root spans.
      const defaults = await createTestSpans(server, account, { agent_instance_id: instanceId });
      assert.equal(defaults.status, 201, defaults.text);
      assert.deepEqual(
        defaults.body.details.map((s: { parent_span_id: unknown }) => s.parent_span_id),
        [null, null, null],
      );
    });

    it('accepts an instance whose schema version declares * beside its types', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account, { schema: OPEN });
      const made = await createTestSpans(server, account, { agent_instance_id: instanceId, count: 1 });
      assert.equal(made.status, 201, made.text);
      assert.equal(made.body.details.length, 1);
    });

    it('answers a repeated idempotency key with the same spans and stores them once', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account, { schema: UNTYPED });
      const body = { agent_instance_id: instanceId, count: 2, idempotency_key: 'test-spans-key-1' };
      const first = await createTestSpans(server, account, body);
      assert.equal(first.status, 201, first.text);
      const again = await createTestSpans(server, account, body);
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(again.body, first.body);
      const byHeader = await createTestSpans(server, account, { agent_instance_id: instanceId, count: 2 }, { 'idempotency-key': 'test-spans-key-1' });
      assert.deepEqual(byHeader.body, first.body);
      const other = await createTestSpans(server, account, { ...body, count: 3 });
      assert.equal(other.status, 409, other.text);
      assert.equal(other.body.code, 'idempotency_key_reused');
      const stored = await snapshot(server, account.accountId, [instanceId]);
      assert.equal(stored.instances[0]!.spans.length, 2);
    });

    it('refuses every wrong input with 422 naming the field, and stores nothing', async () => {
      const account = await newAccount(server);
      const other = await newAccount(server);
      const instanceId = await openInstance(server, account, { schema: UNTYPED });
      const typedId = await openInstance(server, account);
      const elsewhere = await openInstance(server, account, { schema: UNTYPED });
      const foreignSpan = await createSpan(server, account, { agent_instance_id: elsewhere, schema_name: 'run', status: 'active' });
      const foreignInstance = await openInstance(server, other, { schema: UNTYPED });
      const cases: [unknown, string, RegExp][] = [
        [{}, 'agent_instance_id', /required/],
        [{ agent_instance_id: '' }, 'agent_instance_id', /./],
        [{ agent_instance_id: 'no-such-instance' }, 'agent_instance_id', /names no agent instance of this account/],
        [{ agent_instance_id: foreignInstance }, 'agent_instance_id', /names no agent instance of this account/],
        [{ agent_instance_id: typedId }, 'agent_instance_id', /declares span types without agentspan:test_span or \*/],
        [{ agent_instance_id: instanceId, count: 0 }, 'count', /./],
        [{ agent_instance_id: instanceId, count: 101 }, 'count', /./],
        [{ agent_instance_id: instanceId, count: 2.5 }, 'count', /./],
        [{ agent_instance_id: instanceId, count: 'many' }, 'count', /./],
        [{ agent_instance_id: instanceId, parent_span_id: 'no-such-span' }, 'parent_span_id', /names no span of agent instance/],
        [{ agent_instance_id: instanceId, parent_span_id: foreignSpan.body.details.id }, 'parent_span_id', /names no span of agent instance/],
        [{ agent_instance_id: instanceId, idempotency_key: 'x'.repeat(65) }, 'idempotency_key', /./],
      ];
      const before = await snapshot(server, account.accountId, [instanceId, typedId, elsewhere]);
      for (const [body, field, message] of cases) {
        const refused = await createTestSpans(server, account, body);
        assert.equal(refused.status, 422, `${JSON.stringify(body)}: ${refused.text}`);
        assert.deepEqual(Object.keys(refused.body.errors), [field], JSON.stringify(body));
        assert.match(refused.body.errors[field][0], message, JSON.stringify(body));
      }
      assert.deepEqual(await snapshot(server, account.accountId, [instanceId, typedId, elsewhere]), before);
      assert.deepEqual(
        (await snapshot(server, other.accountId, [foreignInstance])).instances[0]!.spans,
        [],
        "another account's instance is untouched",
      );
      // A refused key stays usable.
      const retried = await createTestSpans(server, account, { agent_instance_id: instanceId, count: 1, idempotency_key: 'refused-then-ok' });
      assert.equal(retried.status, 201, retried.text);
    });

    it('refuses a finished instance with 409 invalid_action, and answers control on a terminated one', async () => {
      const account = await newAccount(server);
      const finished = await openInstance(server, account, { schema: UNTYPED });
      assert.equal((await call(server, account.token, 'POST', `/api/v1/agent_instance/${finished}/finish`, {})).status, 200);
      const refused = await createTestSpans(server, account, { agent_instance_id: finished });
      assert.equal(refused.status, 409, refused.text);
      assert.equal(refused.body.code, 'invalid_action');
      assert.deepEqual((await snapshot(server, account.accountId, [finished])).instances[0]!.spans, []);

      const terminated = await openInstance(server, account, { schema: UNTYPED });
      const stop = await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${terminated}/terminate`, { reason: 'budget' });
      assert.equal(stop.status, 200, stop.text);
      const made = await createTestSpans(server, account, { agent_instance_id: terminated, count: 1 });
      assert.equal(made.status, 201, made.text);
      assert.deepEqual(made.body.control, { terminate: true, reason: 'budget' });
    });

    it('is agentSpans.createTestSpans in @agentspan/client', async (t) => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account, { schema: UNTYPED });
      const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.token, maxRetries: 0 });
      t.after(() => client.close());
      const root = await client.agentSpans.create({
        agent_instance_id: instanceId,
        schema_name: 'agent:llm',
        status: 'active',
        payload: llmPayload(),
      });
      const spans = await client.agentSpans.createTestSpans({ agent_instance_id: instanceId, count: 2, parent_span_id: root.id });
      assert.deepEqual(
        spans.map((s) => [s.parent_span_id, s.status, s.schema_name]),
        [
          [root.id, 'complete', 'agentspan:test_span'],
          [root.id, 'complete', 'agentspan:test_span'],
        ],
      );
      assert.equal((await client.agentSpans.createTestSpans({ agent_instance_id: instanceId })).length, 3);
      await assert.rejects(client.agentSpans.createTestSpans({ agent_instance_id: instanceId, count: 0 }), PrefactorClientError);
    });
  });
}
