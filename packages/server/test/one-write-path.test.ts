import assert from 'node:assert/strict';
import { register } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { AgentRecord, InstanceRecord, SpanRecord } from '../src/store/records.js';
import type { Account, Server } from './harness.js';

/**
 * Every import of a record builder, from anywhere but the ruled builders themselves, loads the ruled
 * builders (test/ruled-builders.ts): the same builders with a rule added. A record stored through any
 * door shows the rule only if that door built it with the one builder.
 */
const RULED_BUILDERS = new URL('./ruled-builders.ts', import.meta.url).href;
const BUILDERS = ['/src/domain/spans/new-span.ts', '/src/domain/agents/new-agent.ts', '/src/domain/instances/finished-instance.ts'];
const REDIRECT_HOOK = `
let redirect;
export function initialize(data) { redirect = data; }
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const builder = redirect.builders.some((path) => resolved.url.endsWith(path));
  return builder && context.parentURL !== redirect.to ? { ...resolved, url: redirect.to } : resolved;
}`;
register(`data:text/javascript,${encodeURIComponent(REDIRECT_HOOK)}`, { data: { builders: BUILDERS, to: RULED_BUILDERS } });

// Imported after the hook is in place, so the server's modules load the ruled builders.
const { ENGINES } = await import('./engines.js');
const { call, newAccount, startServer } = await import('./harness.js');
const { openInstance } = await import('./fixtures.js');
const { exportRequest, newSpanId, newTraceId, postTraces } = await import('./otlp-exports.js');
const { RULE } = await import('./ruled-builders.js');

/** Span columns that say where a span was stored (its id, instance, agent, and when), not what it says. */
const PLACE_COLUMNS = new Set<keyof SpanRecord>(['id', 'agent_id', 'agent_instance_id', 'inserted_at', 'updated_at']);

for (const engine of ENGINES) {
  describe(`one write path (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    const spanRow = async (account: Account, id: string) => (await server.store.read((tx) => tx.getSpan(account.accountId, id))) as SpanRecord;
    const instanceRow = async (account: Account, id: string) =>
      (await server.store.read((tx) => tx.getInstance(account.accountId, id))) as InstanceRecord;
    const agentRow = async (account: Account, id: string) => (await server.store.read((tx) => tx.getAgent(account.accountId, id))) as AgentRecord;

    /** An OTLP export of one root span of a new trace for `service`; its trace id and stored span. */
    async function exportRootSpan(account: Account, service: string) {
      const traceId = newTraceId();
      const spanId = newSpanId();
      const request = exportRequest([{ traceId, spanId, name: 'work', kind: 1, start: 0, end: 1000 }], { 'service.name': service });
      const reply = await postTraces(server, account.accountToken, request);
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.deepEqual(reply.body, {});
      return { traceId, span: await spanRow(account, `${traceId}-${spanId}`) };
    }

    it('stores a span sent over OTLP and the same span sent to /api/v1/agent_spans with the one builder, column for column', async () => {
      const account = await newAccount(server);
      const { span: traced } = await exportRootSpan(account, 'checkout');
      assert.ok(traced.schema_title?.startsWith(RULE), `the OTLP span was built without newSpan: ${traced.schema_title}`);

      // The same span through the API: a schema type of the OTLP span's name and title, its times and payloads.
      const schema = {
        external_identifier: 'traced',
        span_type_schemas: [{ name: traced.schema_name, title: 'work', params_schema: { type: 'object' } }],
      };
      const instanceId = await openInstance(server, account, { schema });
      const created = await call(server, account.token, 'POST', '/api/v1/agent_spans', {
        details: {
          agent_instance_id: instanceId,
          schema_name: traced.schema_name,
          status: traced.status,
          started_at: traced.started_at,
          finished_at: traced.finished_at,
          payload: JSON.parse(traced.payload_json),
          result_payload: JSON.parse(traced.result_payload_json!),
        },
      });
      assert.equal(created.status, 201, created.text);
      const posted = await spanRow(account, created.body.details.id);
      assert.ok(posted.schema_title?.startsWith(RULE), `the API span was built without newSpan: ${posted.schema_title}`);

      assert.deepEqual(Object.keys(posted).sort(), Object.keys(traced).sort());
      for (const column of Object.keys(traced) as Array<keyof SpanRecord>) {
        if (!PLACE_COLUMNS.has(column)) assert.deepEqual(posted[column], traced[column], column);
      }
      for (const [span, instance] of [
        [traced, await instanceRow(account, traced.agent_instance_id)],
        [posted, await instanceRow(account, instanceId)],
      ] as const) {
        assert.equal(span.agent_id, instance.agent_id);
        assert.equal(span.inserted_at, span.updated_at);
      }
    });

    it('builds the spans of POST /api/v1/agent_spans/create_test_spans with the one builder', async () => {
      const account = await newAccount(server);
      const instanceId = await openInstance(server, account, { schema: { external_identifier: 'untyped' } });
      const made = await call(server, account.token, 'POST', '/api/v1/agent_spans/create_test_spans', { agent_instance_id: instanceId, count: 2 });
      assert.equal(made.status, 201, made.text);
      for (const { id } of made.body.details as { id: string }[]) {
        const stored = await spanRow(account, id);
        assert.ok(stored.schema_title?.startsWith(RULE), `a test span was built without newSpan: ${stored.schema_title}`);
      }
    });

    it('builds the agent of a new OTLP service as POST /api/v1/agent and a new account build theirs', async () => {
      const account = await newAccount(server);
      await exportRootSpan(account, 'billing');
      const traced = (await server.store.read((tx) => tx.findAgentByExternalIdentifier(account.accountId, 'billing')))!;
      const created = await call(server, account.accountToken, 'POST', '/api/v1/agent', {
        details: { name: 'shipping', external_identifier: 'shipping', description: 'OpenTelemetry service shipping' },
      });
      assert.equal(created.status, 201, created.text);
      const posted = await agentRow(account, created.body.details.id);
      const bootstrapped = await agentRow(account, account.agentId);

      for (const agent of [traced, posted, bootstrapped]) {
        assert.deepEqual(Object.keys(agent).sort(), Object.keys(posted).sort());
        assert.ok(agent.description?.startsWith(RULE), `agent ${agent.name} was built without newAgent: ${agent.description}`);
        assert.deepEqual([agent.owner_person_id, agent.risk_profile_id, agent.team_id], [null, null, null]);
      }
      assert.equal(traced.description, `${RULE}OpenTelemetry service billing`);
      assert.equal(posted.description, `${RULE}OpenTelemetry service shipping`);
      assert.deepEqual([traced.name, traced.external_identifier], ['billing', 'billing']);
      assert.deepEqual([posted.status, posted.first_instance_at, posted.inserted_at], ['pending', null, posted.updated_at]);
    });

    it('finishes an instance with the one transition through the API, a bulk item and an OTLP root span', async () => {
      const account = await newAccount(server);
      const { traceId } = await exportRootSpan(account, 'checkout');
      const finishedByApi = await openInstance(server, account);
      const reply = await call(server, account.token, 'POST', `/api/v1/agent_instance/${finishedByApi}/finish`, { status: 'failed' });
      assert.equal(reply.status, 200, reply.text);
      const finishedInBulk = await openInstance(server, account);
      const bulk = await call(server, account.token, 'POST', '/api/v1/bulk', {
        items: [
          {
            _type: 'agent_spans/create',
            idempotency_key: 'bulk-span-create',
            id: 'bulk-span',
            agent_instance_id: finishedInBulk,
            schema_name: 'agent:tool',
            status: 'complete',
          },
          { _type: 'agent_instances/finish', idempotency_key: 'bulk-instance-finish', agent_instance_id: finishedInBulk, status: 'cancelled' },
        ],
      });
      assert.equal(bulk.status, 200, bulk.text);
      assert.ok((await spanRow(account, 'bulk-span')).schema_title?.startsWith(RULE));

      const expected = [
        [traceId, 'complete'],
        [finishedByApi, 'failed'],
        [finishedInBulk, 'cancelled'],
      ] as const;
      for (const [id, status] of expected) {
        const instance = await instanceRow(account, id);
        assert.equal(instance.status, status, id);
        assert.equal(instance.termination_reason, RULE, `instance ${id} was finished without finishedInstance`);
      }
    });
  });
}
