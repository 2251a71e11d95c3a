import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, snapshot, startServer, type Server } from './harness.js';

const PAGINATION_KEYS = [
  'item_count', 'item_start', 'item_end', 'page_count', 'page_index', 'page_offset', 'page_size', 'next_page_offset', 'previous_page_offset',
];

for (const engine of ENGINES) {
  describe(`agents (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('creates an agent with an account-scoped token (Python body) and gets it', async () => {
      const account = await newAccount(server);
      const created = await call(server, account.accountToken, 'POST', '/api/v1/agent', {
        details: { name: 'Triage bot', description: 'sorts tickets', external_identifier: 'triage' },
        idempotency_key: 'create-agent-1',
      });
      assert.equal(created.status, 201, created.text);
      const agent = created.body.details;
      assert.equal(agent.type, 'agent');
      assert.equal(agent.name, 'Triage bot');
      assert.equal(agent.external_identifier, 'triage');
      assert.equal(agent.status, 'active');
      assert.equal(agent.account_id, undefined);
      const fetched = await call(server, account.accountToken, 'GET', `/api/v1/agent/${agent.id}`);
      assert.deepEqual(fetched.body, { status: 'success', details: agent });
      const replay = await call(server, account.accountToken, 'POST', '/api/v1/agent', {
        details: { name: 'Triage bot', description: 'sorts tickets', external_identifier: 'triage' },
        idempotency_key: 'create-agent-1',
      });
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(replay.body.details.id, agent.id);
    });

    it('refuses a taken external_identifier with 409, and a deployment-scoped token with 403, storing nothing', async () => {
      const account = await newAccount(server);
      await call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name: 'a', external_identifier: 'same' } });
      const before = await snapshot(server, account.accountId);
      const taken = await call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name: 'b', external_identifier: 'same' } });
      assert.equal(taken.status, 409);
      assert.equal(taken.body.code, 'conflict');
      assert.match(taken.body.message, /external_identifier same already exists/);
      const scoped = await call(server, account.token, 'POST', '/api/v1/agent', { details: { name: 'c' } });
      assert.equal(scoped.status, 403);
      assert.deepEqual(scoped.body, {
        status: 'error', code: 'forbidden', message: 'creating agents needs an account-scoped token; this token is scoped to one deployment',
      });
      const invalid = await call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name: '' } });
      assert.equal(invalid.status, 422);
      assert.deepEqual(invalid.body.errors, { 'details.name': ['must NOT have fewer than 1 characters'] });
      assert.deepEqual(await snapshot(server, account.accountId), before);
    });

    it('lists agents in the Python list shape, page by page', async () => {
      const account = await newAccount(server);
      for (const name of ['b1', 'b2', 'b3', 'b4']) {
        await call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name } });
      }
      const first = await call(server, account.accountToken, 'GET', '/api/v1/agent?pagination[offset]=0&pagination[page_size]=2');
      assert.equal(first.status, 200);
      assert.deepEqual(Object.keys(first.body).sort(), ['pagination', 'sorting', 'status', 'summaries']);
      assert.deepEqual(Object.keys(first.body.pagination).sort(), [...PAGINATION_KEYS].sort());
      assert.deepEqual(first.body.summaries.map((a: { name: string }) => a.name), ['default agent', 'b1']);
      assert.deepEqual(first.body.pagination, {
        item_count: 5, item_start: 1, item_end: 2, page_count: 3, page_index: 1, page_offset: 0, page_size: 2,
        next_page_offset: 2, previous_page_offset: null,
      });
      assert.deepEqual(first.body.sorting, { field: 'inserted_at', direction: 'asc' });
      const last = await call(server, account.accountToken, 'GET', '/api/v1/agent?pagination[offset]=4&pagination[page_size]=2');
      assert.deepEqual(last.body.summaries.map((a: { name: string }) => a.name), ['b4']);
      assert.equal(last.body.pagination.next_page_offset, null);
      assert.equal(last.body.pagination.previous_page_offset, 2);
      const badSort = await call(server, account.accountToken, 'GET', '/api/v1/agent?sorting=-name');
      assert.equal(badSort.status, 422);
      assert.match(badSort.body.errors.sorting[0], /must be inserted_at/);
      const other = await newAccount(server);
      const theirs = await call(server, other.accountToken, 'GET', '/api/v1/agent');
      assert.deepEqual(theirs.body.summaries.map((a: { name: string }) => a.name), ['default agent']);
    });
  });
}
