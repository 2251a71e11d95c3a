import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { AGENT_VERSION, SCHEMA_VERSION } from './fixtures.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';

/** What a refused request must leave as it was: the agent's versions. */
const stored = (server: Server, account: Account) => server.store.read((tx) => tx.listAgentVersions(account.accountId, account.agentId));

// CLI clients/agent-version.ts create: `this.client.request('/agent_version', { method: 'POST',
// body: { details: { agent_id: agentId, external_identifier: externalIdentifier } } })`
const create = (server: Server, token: string, details: Record<string, unknown>) => call(server, token, 'POST', '/api/v1/agent_version', { details });

for (const engine of ENGINES) {
  describe(`agent_version (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('creates, reads and lists an agent’s versions with the CLI’s request shapes', async () => {
      const account = await newAccount(server);
      const first = await create(server, account.accountToken, { agent_id: account.agentId, external_identifier: 'v1.0.0' });
      assert.equal(first.status, 201, first.text);
      const version = first.body.details;
      assert.deepEqual(
        { ...version, id: undefined, inserted_at: undefined },
        {
          type: 'agent_version',
          id: undefined,
          account_id: account.accountId,
          agent_id: account.agentId,
          name: 'v1.0.0',
          external_identifier: 'v1.0.0',
          description: null,
          agent_schema_version_id: null,
          sdk: null,
          inserted_at: undefined,
        },
      );
      // A version registered by an SDK run is listed beside it, and registering again reuses the created one.
      const registered = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
        agent_version: { ...AGENT_VERSION, external_identifier: 'v2.0.0' },
        agent_schema_version: SCHEMA_VERSION,
      });
      assert.equal(registered.status, 201, registered.text);
      const registeredVersion = await call(server, account.accountToken, 'GET', `/api/v1/agent_version/${registered.body.details.agent_version_id}`);
      assert.equal(
        registeredVersion.body.details.agent_schema_version_id,
        registered.body.details.agent_schema_version_id,
        'a version first seen at registration names the schema version registered with it',
      );
      const reused = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
        agent_version: { name: 'v1.0.0', external_identifier: 'v1.0.0' },
        agent_schema_version: SCHEMA_VERSION,
      });
      assert.equal(reused.body.details.agent_version_id, version.id);

      // CLI clients/agent-version.ts retrieve: `this.client.request(`/agent_version/${id}`, { method: 'GET' })`
      for (const token of [account.accountToken, account.token]) {
        const read = await call(server, token, 'GET', `/api/v1/agent_version/${version.id}`);
        assert.equal(read.status, 200, read.text);
        assert.deepEqual(read.body, { status: 'success', details: version });
      }

      // CLI clients/agent-version.ts list: `this.client.request('/agent_version', { method: 'GET', query: { agent_id: agentId } })`
      const list = await call(server, account.accountToken, 'GET', `/api/v1/agent_version?agent_id=${account.agentId}`);
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(
        list.body.summaries.map((v: { id: string }) => v.id),
        [version.id, registered.body.details.agent_version_id],
      );
      assert.equal(list.body.pagination.item_count, 2);
      const paged = await call(
        server,
        account.token,
        'GET',
        `/api/v1/agent_version?agent_id=${account.agentId}&pagination[offset]=1&pagination[page_size]=1&sorting[field]=inserted_at&sorting[direction]=asc`,
      );
      assert.equal(paged.status, 200, paged.text);
      assert.deepEqual(
        paged.body.summaries.map((v: { id: string }) => v.id),
        [registered.body.details.agent_version_id],
      );
      assert.equal(paged.body.pagination.previous_page_offset, 0);
      assert.equal(paged.body.pagination.next_page_offset, null);
    });

    it('refuses wrong inputs with the field and what to do, storing nothing', async () => {
      const account = await newAccount(server);
      const taken = await create(server, account.accountToken, { agent_id: account.agentId, external_identifier: 'v1' });
      assert.equal(taken.status, 201, taken.text);
      const before = await stored(server, account);

      const byDeployment = await create(server, account.token, { agent_id: account.agentId, external_identifier: 'v2' });
      assert.equal(byDeployment.status, 403);
      assert.equal(byDeployment.body.message, 'creating agent versions needs an account-scoped token; this token is scoped to one deployment');

      const unknownAgent = await create(server, account.accountToken, { agent_id: 'no-such-agent', external_identifier: 'v2' });
      assert.equal(unknownAgent.status, 422);
      assert.deepEqual(unknownAgent.body.errors, {
        'details.agent_id': ['names no agent of this account (no-such-agent); create it with POST /api/v1/agent first'],
      });

      const duplicate = await create(server, account.accountToken, { agent_id: account.agentId, external_identifier: 'v1' });
      assert.equal(duplicate.status, 409);
      assert.equal(
        duplicate.body.message,
        `agent ${account.agentId} already has a version with external_identifier "v1" (${taken.body.details.id}); read it with GET /api/v1/agent_version/${taken.body.details.id}`,
      );

      const takenId = await create(server, account.accountToken, { agent_id: account.agentId, external_identifier: 'v3', id: taken.body.details.id });
      assert.equal(takenId.status, 409);
      assert.equal(takenId.body.message, `agent version id ${taken.body.details.id} is already taken in this account; choose another id or omit it`);

      const elsewhere = await call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name: 'another agent' } });
      assert.equal(elsewhere.status, 201, elsewhere.text);
      const foreignSchema = await call(server, account.accountToken, 'POST', '/api/v1/agent_schema_version', {
        details: { agent_id: elsewhere.body.details.id, external_identifier: 's1' },
      });
      assert.equal(foreignSchema.status, 201, foreignSchema.text);
      for (const schemaVersionId of ['no-such-schema-version', foreignSchema.body.details.id as string]) {
        const wrongSchema = await create(server, account.accountToken, {
          agent_id: account.agentId,
          external_identifier: 'v4',
          agent_schema_version_id: schemaVersionId,
        });
        assert.equal(wrongSchema.status, 422);
        assert.deepEqual(wrongSchema.body.errors, {
          'details.agent_schema_version_id': [
            `names no schema version of agent ${account.agentId} (${schemaVersionId}); declare one with POST /api/v1/agent_schema_version first, or list the agent's with GET /api/v1/agent_schema_version?agent_id=${account.agentId}`,
          ],
        });
      }

      const noIdentifier = await create(server, account.accountToken, { agent_id: account.agentId });
      assert.equal(noIdentifier.status, 422);
      assert.match(noIdentifier.body.message, /external_identifier/);

      assert.deepEqual(await stored(server, account), before);

      const missing = await call(server, account.accountToken, 'GET', '/api/v1/agent_version/no-such-version');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.message, 'agent version no-such-version was not found');

      const otherAccount = await newAccount(server);
      const foreign = await call(server, otherAccount.accountToken, 'GET', `/api/v1/agent_version/${taken.body.details.id}`);
      assert.equal(foreign.status, 404);

      const listUnknown = await call(server, account.accountToken, 'GET', '/api/v1/agent_version?agent_id=no-such-agent');
      assert.equal(listUnknown.status, 422);
      assert.deepEqual(listUnknown.body.errors, {
        agent_id: ['names no agent of this account (no-such-agent); list agents with GET /api/v1/agent'],
      });
      const listNoAgent = await call(server, account.accountToken, 'GET', '/api/v1/agent_version');
      assert.equal(listNoAgent.status, 422);
      assert.match(listNoAgent.body.message, /agent_id/);
    });
  });
}
