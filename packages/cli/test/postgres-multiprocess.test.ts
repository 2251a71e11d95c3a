import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { call, type Reply, type Server } from '../../server/test/harness.js';
import { llmPayload, SCHEMA_VERSION, AGENT_VERSION } from '../../server/test/fixtures.js';
import { POSTGRES_SCHEMA_VERSION } from '../../server/src/store/postgres/migrations.js';
import { describePostgres, dropSchema, freshSchema, withClient } from '../../server/test/postgres-database.js';
import { startServe, type ServeProcess } from './agentspan-process.js';

/** `call` only needs where a server listens. */
const at = (process: ServeProcess) => ({ url: process.url }) as Server;

describePostgres('several agentspan serve processes on one PostgreSQL', (url) => {
  let schema: string;
  let servers: ServeProcess[] = [];
  let token: string;
  let instanceId: string;

  const send = (index: number, method: string, path: string, body?: unknown) => call(at(servers[index % servers.length]!), token, method, path, body);
  const createSpan = (index: number, details: Record<string, unknown>) =>
    send(index, 'POST', '/api/v1/agent_spans', { details: { agent_instance_id: instanceId, ...details } });
  const spanCounts = async () => (await send(0, 'GET', `/api/v1/agent_instance/${instanceId}`)).body.details.span_counts;

  before(async () => {
    // An empty schema of the test's own, named by the URL's search_path like any other setting.
    schema = await freshSchema(url);
    await withClient(url, (client) => client.query(`CREATE SCHEMA ${schema}`));
    const schemaUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    // Both start at once on the empty schema: both migrate and try to bootstrap at the same moment.
    servers = await Promise.all([0, 1].map(() => startServe(['--database-url', schemaUrl, '--pool-size', '4'])));
    const tokens = servers.map((s) => s.firstToken).filter((t) => t !== undefined);
    assert.equal(tokens.length, 1, `exactly one process bootstraps the store; outputs:\n${servers.map((s) => s.output()).join('\n')}`);
    token = tokens[0]!;
    const registered = await send(1, 'POST', '/api/v1/agent_instance/register', {
      agent_version: AGENT_VERSION,
      agent_schema_version: SCHEMA_VERSION,
    });
    assert.equal(registered.status, 201, registered.text);
    instanceId = registered.body.details.id;
    assert.equal((await send(0, 'POST', `/api/v1/agent_instance/${instanceId}/start`, {})).status, 200);
  });

  after(async () => {
    for (const server of servers) server.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.exited));
    if (schema) await dropSchema(url, schema);
  });

  it('migrated the schema once and bootstrapped one account', async () => {
    const { migrations, accounts } = await withClient(url, async (client) => ({
      migrations: (await client.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`)).rows,
      accounts: (await client.query(`SELECT count(*)::int AS n FROM ${schema}.accounts`)).rows[0].n,
    }));
    assert.deepEqual(
      migrations.map((row) => row.version),
      Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => i + 1),
    );
    assert.equal(accounts, 1);
  });

  it('makes one record of one idempotency key sent to both processes at once, answering both the same', async () => {
    for (let round = 0; round < 6; round++) {
      const details = { schema_name: 'agent:llm', status: 'active', payload: llmPayload(`q${round}`), idempotency_key: `raced-${round}` };
      const replies = await Promise.all([createSpan(0, details), createSpan(1, details)]);
      assert.deepEqual(
        replies.map((r) => r.status),
        [201, 201],
      );
      assert.equal(replies[0].text, replies[1].text);
      assert.deepEqual(replies.map((r) => r.headers.get('idempotent-replayed')).sort(), ['true', null].sort());
    }
    const listed = await send(1, 'GET', `/api/v1/agent_spans?agent_instance_id=${instanceId}&limit=100`);
    assert.equal(listed.body.details.length, 6);
    assert.equal((await spanCounts()).total, 6);
  });

  it('lets exactly one of two finishes of a span, one per process, win; the other gets 409 invalid_action', async () => {
    const spans: string[] = [];
    for (let i = 0; i < 6; i++) {
      const created = await createSpan(i, { schema_name: 'agent:tool', status: 'active' });
      spans.push(created.body.details.id);
    }
    const before = await spanCounts();
    for (const id of spans) {
      const path = `/api/v1/agent_spans/${id}/finish`;
      const replies: Reply[] = await Promise.all([send(0, 'POST', path, { status: 'complete' }), send(1, 'POST', path, { status: 'failed' })]);
      assert.deepEqual(replies.map((r) => r.status).sort(), [200, 409], replies.map((r) => r.text).join('\n'));
      const loser = replies.find((r) => r.status === 409)!;
      assert.equal(loser.body.code, 'invalid_action');
    }
    const counts = await spanCounts();
    assert.equal(counts.active, before.active - 6);
    assert.equal(counts.complete + counts.failed, before.complete + before.failed + 6);
  });

  it('keeps span_counts exact under many concurrent creates and finishes across both processes', async () => {
    const before = await spanCounts();
    const created = await Promise.all(Array.from({ length: 40 }, (_, i) => createSpan(i, { schema_name: 'agent:tool', status: 'active' })));
    assert.deepEqual(new Set(created.map((r) => r.status)), new Set([201]));
    const afterCreates = await spanCounts();
    assert.equal(afterCreates.active, before.active + 40);
    assert.equal(afterCreates.total, before.total + 40);

    const finished = await Promise.all(
      created.map((reply, i) =>
        send(i + 1, 'POST', `/api/v1/agent_spans/${reply.body.details.id}/finish`, { status: i % 2 ? 'failed' : 'complete' }),
      ),
    );
    assert.deepEqual(new Set(finished.map((r) => r.status)), new Set([200]));
    const afterFinishes = await spanCounts();
    assert.equal(afterFinishes.active, before.active);
    assert.equal(afterFinishes.complete, before.complete + 20);
    assert.equal(afterFinishes.failed, before.failed + 20);
    assert.equal(afterFinishes.total, before.total + 40);
  });

  it('stores no span after an instance finish, with creates and the finish sent to both processes at once', async () => {
    for (let round = 0; round < 3; round++) {
      const registered = await send(round, 'POST', '/api/v1/agent_instance/register', {
        agent_version: AGENT_VERSION,
        agent_schema_version: SCHEMA_VERSION,
      });
      const id = registered.body.details.id;
      assert.equal((await send(round, 'POST', `/api/v1/agent_instance/${id}/start`, {})).status, 200);
      const create = (i: number) =>
        send(i, 'POST', '/api/v1/agent_spans', { details: { agent_instance_id: id, schema_name: 'agent:tool', status: 'active' } });
      const early = Array.from({ length: 12 }, (_, i) => create(i));
      const finishing = send(round, 'POST', `/api/v1/agent_instance/${id}/finish`, {});
      const late = Array.from({ length: 12 }, (_, i) => create(i + 1));
      const [finished, creates] = await Promise.all([finishing, Promise.all([...early, ...late])]);
      assert.equal(finished.status, 200, finished.text);
      for (const reply of creates) {
        assert.ok(reply.status === 201 || (reply.status === 409 && reply.body.code === 'invalid_action'), reply.text);
      }
      const created = creates.filter((reply) => reply.status === 201).length;
      assert.equal(finished.body.details.span_counts.total, created, 'the finish counts every span stored on the instance');
      assert.equal((await send(round + 1, 'GET', `/api/v1/agent_instance/${id}`)).body.details.span_counts.total, created);
    }
  });
});
