import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instance, success } from './support/fixtures.js';
import { harness, TRANSPORTS } from './support/harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const version = { name: 'v1', external_identifier: 'v1.0.0' };
const schemaVersion = { external_identifier: 's1', span_schemas: { 'agent:llm': { type: 'object' } } };

for (const transport of TRANSPORTS) {
  describe(`agentInstances over the ${transport.name}`, () => {
    it('register sends the Python body: update_current_version true by default, key at the top', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(instance()));
      const registered = await client.agentInstances.register({ agent_version: version, agent_schema_version: schemaVersion });
      assert.equal(registered.status, 'pending');
      assert.equal(server.last.url, '/api/v1/agent_instance/register');
      const { idempotency_key, ...rest } = server.last.body as Record<string, unknown>;
      assert.match(String(idempotency_key), UUID);
      assert.deepEqual(rest, { agent_version: version, agent_schema_version: schemaVersion, update_current_version: true });
    });

    it('register sends every optional field when given', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(instance({ purpose: 'eval' })));
      await client.agentInstances.register({
        agent_version: version,
        agent_schema_version: schemaVersion,
        agent_id: 'agent_1',
        environment_id: 'env_1',
        id: 'inst-custom',
        idempotency_key: 'register-key',
        update_current_version: false,
        purpose: 'eval',
      });
      assert.deepEqual(server.last.body, {
        agent_version: version,
        agent_schema_version: schemaVersion,
        update_current_version: false,
        agent_id: 'agent_1',
        environment_id: 'env_1',
        id: 'inst-custom',
        idempotency_key: 'register-key',
        purpose: 'eval',
      });
    });

    it('start always sends timestamp, null when not given', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(instance({ status: 'active' })), success(instance({ status: 'active' })));
      await client.agentInstances.start('inst/1');
      assert.equal(server.last.url, '/api/v1/agent_instance/inst%2F1/start');
      const first = server.last.body as Record<string, unknown>;
      assert.equal(first.timestamp, null);
      assert.match(String(first.idempotency_key), UUID);
      await client.agentInstances.start('inst_1', { timestamp: new Date(Date.UTC(2025, 0, 2)), idempotency_key: 'start-key' });
      assert.deepEqual(server.last.body, { timestamp: '2025-01-02T00:00:00.000Z', idempotency_key: 'start-key' });
    });

    it('finish sends status and timestamp only when given', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(instance({ status: 'complete' })), success(instance({ status: 'failed' })));
      await client.agentInstances.finish('inst_1', { idempotency_key: 'finish-key' });
      assert.equal(server.last.url, '/api/v1/agent_instance/inst_1/finish');
      assert.deepEqual(server.last.body, { idempotency_key: 'finish-key' });
      await client.agentInstances.finish('inst_1', { status: 'failed', timestamp: '2025-01-02T03:04:05Z', idempotency_key: 'k2-finish' });
      assert.deepEqual(server.last.body, { status: 'failed', timestamp: '2025-01-02T03:04:05Z', idempotency_key: 'k2-finish' });
    });

    it('get reads one instance with its span counts', async (t) => {
      const { server, client } = await harness(t, transport);
      const counts = { total: 3, pending: 0, active: 1, complete: 2, failed: 0, cancelled: 0, finished: 2 };
      server.reply(success(instance({ span_counts: counts })));
      const found = await client.agentInstances.get('inst_1');
      assert.deepEqual(found.span_counts, counts);
      assert.equal(server.last.method, 'GET');
      assert.equal(server.last.url, '/api/v1/agent_instance/inst_1');
    });

    it('recordQuality sends name and payload, null payload included', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(instance()), success(instance()));
      await client.agentInstances.recordQuality('inst_1', { name: 'accuracy', payload: { score: 0.9 }, idempotency_key: 'quality-1' });
      assert.equal(server.last.url, '/api/v1/agent_instance/inst_1/record_quality');
      assert.deepEqual(server.last.body, { name: 'accuracy', payload: { score: 0.9 }, idempotency_key: 'quality-1' });
      await client.agentInstances.recordQuality('inst_1', { name: 'accuracy', payload: null, idempotency_key: 'quality-2' });
      assert.deepEqual(server.last.body, { name: 'accuracy', payload: null, idempotency_key: 'quality-2' });
    });

    it('terminate sends the reason', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(instance({ status: 'terminated', termination_reason: 'runaway' })));
      const stopped = await client.agentInstances.terminate('inst_1', { reason: 'runaway', idempotency_key: 'terminate-1' });
      assert.equal(stopped.termination_reason, 'runaway');
      assert.equal(server.last.url, '/api/v1/agent_instance/inst_1/terminate');
      assert.deepEqual(server.last.body, { reason: 'runaway', idempotency_key: 'terminate-1' });
    });

    it('rejects an over-long key on every mutating call before sending', async (t) => {
      const { server, client } = await harness(t, transport);
      const idempotency_key = 'x'.repeat(65);
      const calls = [
        client.agentInstances.register({ agent_version: version, agent_schema_version: schemaVersion, idempotency_key }),
        client.agentInstances.start('i', { idempotency_key }),
        client.agentInstances.finish('i', { idempotency_key }),
        client.agentInstances.recordQuality('i', { name: 'n', payload: null, idempotency_key }),
        client.agentInstances.terminate('i', { reason: 'r', idempotency_key }),
      ];
      for (const call of calls) {
        await assert.rejects(call, { name: 'PrefactorClientError', message: /idempotency_key must be a string of 1-64 characters; got 65/ });
      }
      assert.equal(server.requests.length, 0);
    });

    it('listPage sends the filters by their wire names and list follows the cursor to the end', async (t) => {
      const { server, client } = await harness(t, transport);
      const page = (ids: string[], next: string | null) => ({
        json: { status: 'success', details: ids.map((id) => ({ ...instance({ id }), agent_name: 'bot' })), pagination: { next_cursor: next } },
      });
      server.reply(page(['i1'], null), page(['a', 'b'], 'c1'), page(['c'], null));
      const first = await client.agentInstances.listPage({
        agent_id: 'agent 1',
        status: 'failed',
        since: new Date('2024-05-01T00:00:00Z'),
        until: '2024-05-02T00:00:00',
        q: 'llm call',
        limit: 5,
      });
      assert.deepEqual(
        first.instances.map((i) => [i.id, i.agent_name]),
        [['i1', 'bot']],
      );
      assert.equal(first.nextCursor, null);
      assert.equal(server.last.pathname, '/api/v1/agent_instance');
      assert.deepEqual(Object.fromEntries(server.last.query), {
        agent_id: 'agent 1',
        status: 'failed',
        q: 'llm call',
        since: '2024-05-01T00:00:00.000Z',
        until: '2024-05-02T00:00:00Z',
        limit: '5',
      });
      const all = [];
      for await (const listed of client.agentInstances.list({ status: 'active' })) all.push(listed.id);
      assert.deepEqual(all, ['a', 'b', 'c']);
      assert.equal(server.last.query.get('cursor'), 'c1');
      assert.equal(server.last.query.get('status'), 'active');
    });
  });
}
