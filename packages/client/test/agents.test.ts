import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agent, success } from './support/fixtures.js';
import { harness, TRANSPORTS } from './support/harness.js';

for (const transport of TRANSPORTS) {
  describe(`agents over the ${transport.name}`, () => {
    it('create wraps the fields in details with the key beside it', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(agent({ external_identifier: 'bot-1' })), success(agent()));
      const created = await client.agents.create({
        name: 'Support bot',
        description: 'answers tickets',
        external_identifier: 'bot-1',
        id: 'agent-custom',
        idempotency_key: 'agent-create-1',
      });
      assert.equal(created.external_identifier, 'bot-1');
      assert.equal(server.last.url, '/api/v1/agent');
      assert.deepEqual(server.last.body, {
        details: { name: 'Support bot', description: 'answers tickets', external_identifier: 'bot-1', id: 'agent-custom' },
        idempotency_key: 'agent-create-1',
      });
      await client.agents.create({ name: 'Bare' });
      const body = server.last.body as { details: unknown; idempotency_key: string };
      assert.deepEqual(body.details, { name: 'Bare' });
      assert.equal(body.idempotency_key.length, 36);
    });

    it('get reads one agent by its encoded id', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(agent({ id: 'a b' })));
      assert.equal((await client.agents.get('a b')).id, 'a b');
      assert.equal(server.last.url, '/api/v1/agent/a%20b');
    });

    it('list sends the Python query names and returns the summaries', async (t) => {
      const { server, client } = await harness(t, transport);
      const list = (ids: string[]) => ({
        json: { status: 'success', summaries: ids.map((id) => agent({ id })), pagination: null, sorting: null },
      });
      server.reply(list(['a1', 'a2']), list([]));
      const found = await client.agents.list({ offset: 20, page_size: 10, sorting: '-name' });
      assert.deepEqual(
        found.map((a) => a.id),
        ['a1', 'a2'],
      );
      assert.equal(server.last.pathname, '/api/v1/agent');
      assert.equal(server.last.query.get('pagination[offset]'), '20');
      assert.equal(server.last.query.get('pagination[page_size]'), '10');
      assert.equal(server.last.query.get('sorting'), '-name');
      await client.agents.list();
      assert.equal(server.last.url, '/api/v1/agent');
    });

    it('create sends the labels beside the other details', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(agent({ team_id: 'team-1' })));
      await client.agents.create({ name: 'Labelled', owner_person_id: 'p-1', risk_profile_id: 'r-1', team_id: 'team-1', description: null });
      assert.deepEqual((server.last.body as { details: unknown }).details, {
        name: 'Labelled',
        owner_person_id: 'p-1',
        risk_profile_id: 'r-1',
        team_id: 'team-1',
      });
    });

    it('update sends PUT with only the fields given, null included, and the key beside details', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(agent({ name: 'Renamed' })), success(agent()));
      const updated = await client.agents.update('a/1', { name: 'Renamed', team_id: null, idempotency_key: 'update-key-1' });
      assert.equal(updated.name, 'Renamed');
      assert.equal(server.last.method, 'PUT');
      assert.equal(server.last.url, '/api/v1/agent/a%2F1');
      assert.deepEqual(server.last.body, { details: { name: 'Renamed', team_id: null }, idempotency_key: 'update-key-1' });
      await client.agents.update('a1', {});
      assert.deepEqual((server.last.body as { details: unknown }).details, {});
    });

    it('show sends exactly one id and the flags as true, and refuses neither or both before sending', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(agent()), success(agent()));
      await client.agents.show({ external_identifier: 'bot-1', environment_id: 'env-1', include_counts: true, include_risk_rollup: false });
      assert.equal(server.last.pathname, '/api/v1/agent/show');
      assert.deepEqual(Object.fromEntries(server.last.query), { external_identifier: 'bot-1', environment_id: 'env-1', include_counts: 'true' });
      await client.agents.show({ agent_id: 'a1' });
      assert.equal(server.last.url, '/api/v1/agent/show?agent_id=a1');
      server.reply(success(agent()));
      await client.agents.show({ agent_id: 'a1', include_risk_rollup: true });
      assert.equal(server.last.url, '/api/v1/agent/show?agent_id=a1&include_risk_rollup=true');
      const requests = server.requests.length;
      await assert.rejects(client.agents.show({}), /agents\.show: give exactly one of agent_id and external_identifier/);
      await assert.rejects(client.agents.show({ agent_id: 'a', external_identifier: 'b' }), /exactly one/);
      assert.equal(server.requests.length, requests);
    });

    it('retire, reinstate and delete send their method and path with an idempotency key', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply(success(agent({ status: 'retired' })), success(agent()), success(agent()));
      assert.equal((await client.agents.retire('a1', { idempotency_key: 'retire-key-1' })).status, 'retired');
      assert.deepEqual(
        [server.last.method, server.last.url, server.last.body],
        ['POST', '/api/v1/agent/a1/retire', { idempotency_key: 'retire-key-1' }],
      );
      await client.agents.reinstate('a1');
      assert.deepEqual([server.last.method, server.last.url], ['POST', '/api/v1/agent/a1/reinstate']);
      assert.equal((server.last.body as { idempotency_key: string }).idempotency_key.length, 36);
      await client.agents.delete('a1');
      assert.deepEqual([server.last.method, server.last.url], ['DELETE', '/api/v1/agent/a1']);
      await assert.rejects(
        client.agents.retire('a1', { idempotency_key: 'x'.repeat(65) }),
        /agents\.retire: idempotency_key must be a string of 1-64 characters/,
      );
    });

    it('list sends the label filters', async (t) => {
      const { server, client } = await harness(t, transport);
      server.reply({ json: { status: 'success', summaries: [], pagination: null, sorting: null } });
      await client.agents.list({ team_id: 'red', owner_person_id: 'p1', risk_profile_id: 'r1', sorting: 'name' });
      assert.deepEqual(Object.fromEntries(server.last.query), { owner_person_id: 'p1', risk_profile_id: 'r1', team_id: 'red', sorting: 'name' });
    });
  });
}
