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
      assert.deepEqual(found.map((a) => a.id), ['a1', 'a2']);
      assert.equal(server.last.pathname, '/api/v1/agent');
      assert.equal(server.last.query.get('pagination[offset]'), '20');
      assert.equal(server.last.query.get('pagination[page_size]'), '10');
      assert.equal(server.last.query.get('sorting'), '-name');
      await client.agents.list();
      assert.equal(server.last.url, '/api/v1/agent');
    });
  });
}
