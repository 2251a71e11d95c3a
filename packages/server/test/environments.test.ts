import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { AGENT_VERSION, SCHEMA_VERSION } from './fixtures.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';

/** What a refused request must leave as it was: the account's environments and deployments. */
const stored = (server: Server, accountId: string) =>
  server.store.read(async (tx) => ({ environments: await tx.listEnvironments(accountId), deployments: await tx.listDeployments(accountId) }));

// CLI clients/environment.ts create: `this.client.request('/environment', { method: 'POST', body: { details } })`,
// details `{ name: options.name, account_id: options.account_id, ...(options.id ? { id: options.id } : {}) }`
async function created(server: Server, account: Account, details: Record<string, unknown>) {
  const reply = await call(server, account.accountToken, 'POST', '/api/v1/environment', { details: { account_id: account.accountId, ...details } });
  if (reply.status !== 201) throw new Error(`create environment failed: ${reply.status} ${reply.text}`);
  return reply.body.details as { id: string; name: string; purpose: string; inserted_at: string; updated_at: string };
}

/** An agent of the account, and an instance of it registered in `environmentId` with the account token. */
async function instanceIn(server: Server, account: Account, agentId: string, environmentId: string): Promise<string> {
  const reply = await call(server, account.accountToken, 'POST', '/api/v1/agent_instance/register', {
    agent_id: agentId,
    environment_id: environmentId,
    agent_version: AGENT_VERSION,
    agent_schema_version: SCHEMA_VERSION,
  });
  if (reply.status !== 201) throw new Error(`register failed: ${reply.status} ${reply.text}`);
  return reply.body.details.id as string;
}

for (const engine of ENGINES) {
  describe(`environment (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('creates, reads, lists, updates and deletes environments with the CLI’s request shapes', async () => {
      const account = await newAccount(server);
      const staging = await created(server, account, { name: 'staging' });
      assert.equal(staging.purpose, 'development', 'the CLI sends no purpose: development');
      const prod = await created(server, account, { name: 'prod-eu', id: 'env-prod-eu', purpose: 'production', description: 'EU traffic' });
      assert.deepEqual(
        { ...prod, inserted_at: undefined, updated_at: undefined },
        {
          type: 'environment',
          id: 'env-prod-eu',
          account_id: account.accountId,
          name: 'prod-eu',
          purpose: 'production',
          description: 'EU traffic',
          inserted_at: undefined,
          updated_at: undefined,
        },
      );

      // CLI clients/environment.ts: `this.client.request(`/environment/${id}`, { method: 'GET' })`
      const read = await call(server, account.accountToken, 'GET', `/api/v1/environment/${prod.id}`);
      assert.equal(read.status, 200, read.text);
      assert.deepEqual(read.body, { status: 'success', details: prod });

      // CLI clients/environment.ts list: `method: 'GET', query: { account_id: accountId }`
      const listed = await call(server, account.accountToken, 'GET', `/api/v1/environment?account_id=${account.accountId}`);
      assert.equal(listed.status, 200, listed.text);
      assert.deepEqual(
        listed.body.summaries.map((e: { name: string; purpose: string }) => [e.name, e.purpose]),
        [
          ['default', 'production'],
          ['staging', 'development'],
          ['prod-eu', 'production'],
        ],
      );
      assert.equal(listed.body.pagination.item_count, 3);
      assert.deepEqual(listed.body.sorting, { field: 'inserted_at', direction: 'asc' });

      // CLI clients/environment.ts update: `method: 'PUT', body: { details }` with `{ name: options.name }`
      const renamed = await call(server, account.accountToken, 'PUT', `/api/v1/environment/${staging.id}`, { details: { name: 'qa' } });
      assert.equal(renamed.status, 200, renamed.text);
      assert.equal(renamed.body.details.name, 'qa');
      assert.ok(renamed.body.details.updated_at > staging.updated_at);
      const retargeted = await call(server, account.accountToken, 'PUT', `/api/v1/environment/${staging.id}`, {
        details: { purpose: 'testing', description: 'manual checks' },
      });
      assert.deepEqual(
        [retargeted.body.details.name, retargeted.body.details.purpose, retargeted.body.details.description],
        ['qa', 'testing', 'manual checks'],
      );
      const cleared = await call(server, account.accountToken, 'PUT', `/api/v1/environment/${staging.id}`, { details: { description: null } });
      assert.equal(cleared.body.details.description, null);

      // CLI clients/environment.ts delete: `this.client.request(`/environment/${id}`, { method: 'DELETE' })` (no body)
      const deleted = await call(server, account.accountToken, 'DELETE', `/api/v1/environment/${staging.id}`);
      assert.equal(deleted.status, 200, deleted.text);
      assert.equal(deleted.body.details.id, staging.id);
      assert.equal((await call(server, account.accountToken, 'GET', `/api/v1/environment/${staging.id}`)).status, 404);
      assert.deepEqual(
        (await stored(server, account.accountId)).environments.map((e) => e.name),
        ['default', 'prod-eu'],
      );
    });

    it('pages and sorts with Prefactor’s parameters and pagination object', async () => {
      const account = await newAccount(server);
      for (const name of ['charlie', 'alpha', 'bravo', 'delta']) await created(server, account, { name });
      const list = (query: string) => call(server, account.accountToken, 'GET', `/api/v1/environment?${query}`);
      // Dashboard server/sync.mjs listPage: `"pagination[page_size]": PAGE_SIZE, "pagination[offset]": offset,
      // "sorting[field]": "id", "sorting[direction]": "desc"`
      const page = await list('pagination[page_size]=2&pagination[offset]=2&sorting[field]=name&sorting[direction]=desc');
      assert.equal(page.status, 200, page.text);
      assert.deepEqual(
        page.body.summaries.map((e: { name: string }) => e.name),
        ['charlie', 'bravo'],
      );
      assert.deepEqual(page.body.pagination, {
        item_count: 5,
        item_start: 3,
        item_end: 4,
        page_count: 3,
        page_index: 2,
        page_offset: 2,
        page_size: 2,
        next_page_offset: 4,
        previous_page_offset: 0,
      });
      assert.deepEqual(page.body.sorting, { field: 'name', direction: 'desc' });
      const last = await list('pagination[page_size]=2&pagination[offset]=4&sorting[field]=name&sorting[direction]=desc');
      assert.deepEqual(
        last.body.summaries.map((e: { name: string }) => e.name),
        ['alpha'],
      );
      assert.equal(last.body.pagination.next_page_offset, null, 'the dashboard stops paging at a null next_page_offset');
      const ids = (await list('sorting[field]=id')).body.summaries.map((e: { id: string }) => e.id);
      assert.deepEqual(ids, [...ids].sort());
      assert.deepEqual(
        (await list('sorting[field]=id&sorting[direction]=desc')).body.summaries.map((e: { id: string }) => e.id),
        [...ids].reverse(),
      );
      const beyond = await list('pagination[offset]=50');
      assert.deepEqual(beyond.body.summaries, []);
      assert.equal(beyond.body.pagination.item_start, 0);

      for (const [query, field, message] of [
        ['pagination[page_size]=0', 'pagination[page_size]', 'must be >= 1'],
        ['pagination[page_size]=101', 'pagination[page_size]', 'must be <= 100'],
        ['pagination[offset]=-1', 'pagination[offset]', 'must be >= 0'],
        ['pagination[offset]=first', 'pagination[offset]', 'must be an integer'],
        ['sorting[direction]=up', 'sorting[direction]', 'must be one of: asc, desc'],
        ['sorting[field]=purpose', 'sorting[field]', 'must be one of: id, name, inserted_at'],
      ]) {
        const refused = await list(query!);
        assert.equal(refused.status, 422, `${query}: ${refused.text}`);
        assert.deepEqual(refused.body.errors, { [field!]: [message] }, query);
        assert.equal(refused.body.message, `query string: ${field} ${message}`);
      }
    });

    it('refuses every wrong input with what to do, changing nothing', async () => {
      const account = await newAccount(server);
      const other = await newAccount(server);
      const qa = await created(server, account, { name: 'qa', purpose: 'testing' });
      const theirs = (await stored(server, other.accountId)).environments[0]!;
      const before = await stored(server, account.accountId);
      const path = `/api/v1/environment/${qa.id}`;

      const refusals: Array<[string, string, unknown, number, RegExp | string]> = [
        ['POST', '/api/v1/environment', { details: { name: 'qa' } }, 409, 'an environment named "qa" already exists in this account'],
        ['POST', '/api/v1/environment', { details: { name: 'x', id: qa.id } }, 409, `environment id ${qa.id} is already taken in this account`],
        [
          'POST',
          '/api/v1/environment',
          { details: { name: 'x', purpose: 'prod' } },
          422,
          /details\.purpose must be one of: development, staging, testing, production/,
        ],
        ['POST', '/api/v1/environment', { details: { name: '' } }, 422, /details\.name/],
        ['POST', '/api/v1/environment', { details: { purpose: 'staging' } }, 422, 'request body: details.name is required'],
        [
          'POST',
          '/api/v1/environment',
          { details: { name: 'x', account_id: other.accountId } },
          422,
          /details\.account_id names an account this token does not reach/,
        ],
        ['PUT', path, { details: { name: 'default' } }, 409, 'an environment named "default" already exists in this account'],
        ['PUT', path, { details: { purpose: 'live' } }, 422, /details\.purpose must be one of/],
        ['PUT', path, { details: { name: null } }, 422, 'details.name cannot be cleared; leave it out to keep the current name'],
        ['PUT', path, { details: { purpose: null } }, 422, 'details.purpose cannot be cleared; leave it out to keep the current purpose'],
        ['GET', '/api/v1/environment/env-nope', undefined, 404, 'environment env-nope was not found'],
        ['PUT', '/api/v1/environment/env-nope', { details: { name: 'y' } }, 404, 'environment env-nope was not found'],
        ['DELETE', '/api/v1/environment/env-nope', undefined, 404, 'environment env-nope was not found'],
        ['GET', `/api/v1/environment/${theirs.id}`, undefined, 404, `environment ${theirs.id} was not found`],
        ['PUT', `/api/v1/environment/${theirs.id}`, { details: { name: 'mine' } }, 404, `environment ${theirs.id} was not found`],
        ['DELETE', `/api/v1/environment/${theirs.id}`, undefined, 404, `environment ${theirs.id} was not found`],
        ['GET', `/api/v1/environment?account_id=${other.accountId}`, undefined, 422, /account_id names an account this token does not reach/],
      ];
      for (const [method, url, body, status, message] of refusals) {
        const refused = await call(server, account.accountToken, method, url, body);
        assert.equal(refused.status, status, `${method} ${url}: ${refused.text}`);
        if (typeof message === 'string') assert.ok(refused.body.message.includes(message), `${method} ${url}: ${refused.body.message}`);
        else assert.match(refused.body.message, message);
      }

      // A deployment-scoped token: 403 on every call, worded as agents' are.
      for (const [method, url, body] of [
        ['GET', `/api/v1/environment?account_id=${account.accountId}`, undefined],
        ['GET', path, undefined],
        ['POST', '/api/v1/environment', { details: { name: 'sneaky', account_id: account.accountId } }],
        ['PUT', path, { details: { name: 'sneaky' } }],
        ['DELETE', path, undefined],
      ] as const) {
        const refused = await call(server, account.token, method, url, body);
        assert.equal(refused.status, 403, `${method} ${url}: ${refused.text}`);
        assert.match(refused.body.message, /needs an account-scoped token; this token is scoped to one deployment$/);
      }

      assert.deepEqual(await stored(server, account.accountId), before);
      assert.equal((await stored(server, other.accountId)).environments[0]!.name, theirs.name);
    });

    it('refuses to delete an environment that holds deployments or instances, and lists instances and counts by environment', async () => {
      const account = await newAccount(server);
      const agent = await call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name: 'worker' } });
      const agentId = agent.body.details.id as string;
      const busy = await created(server, account, { name: 'busy', purpose: 'staging' });
      const idle = await created(server, account, { name: 'idle' });
      const inBusy = [await instanceIn(server, account, agentId, busy.id), await instanceIn(server, account, agentId, busy.id)];
      const inDefault = await instanceIn(server, account, agentId, account.environmentId);
      const deploymentOnly = await created(server, account, { name: 'deployed' });
      await server.store.write((tx) =>
        tx.ensureDeployment({
          account_id: account.accountId,
          id: 'dep-only',
          agent_id: agentId,
          environment_id: deploymentOnly.id,
          current_version_id: null,
          inserted_at: busy.inserted_at,
          updated_at: busy.inserted_at,
        }),
      );
      const before = await stored(server, account.accountId);

      const refused = await call(server, account.accountToken, 'DELETE', `/api/v1/environment/${busy.id}`);
      assert.equal(refused.status, 409, refused.text);
      assert.equal(refused.body.code, 'invalid_action');
      assert.equal(
        refused.body.message,
        `environment ${busy.id} (busy) holds 1 agent deployment and 2 agent instances and cannot be deleted, as they would refer to an environment ` +
          'that no longer exists; delete its deployments and let retention purge its finished instances first, or keep it (rename it with PUT /api/v1/environment/{id})',
      );
      const held = await call(server, account.accountToken, 'DELETE', `/api/v1/environment/${deploymentOnly.id}`, {
        idempotency_key: 'delete-deployed',
      });
      assert.equal(held.status, 409, held.text);
      assert.match(held.body.message, /holds 1 agent deployment and cannot be deleted/);
      assert.deepEqual(await stored(server, account.accountId), before);

      const byEnvironment = await call(server, account.accountToken, 'GET', `/api/v1/agent_instance?environment_id=${busy.id}`);
      assert.equal(byEnvironment.status, 200, byEnvironment.text);
      assert.deepEqual(byEnvironment.body.details.map((i: { id: string }) => i.id).sort(), [...inBusy].sort());
      const ofAgentThere = await call(
        server,
        account.accountToken,
        'GET',
        `/api/v1/agent_instance?agent_id=${agentId}&environment_id=${account.environmentId}`,
      );
      assert.deepEqual(
        ofAgentThere.body.details.map((i: { id: string }) => i.id),
        [inDefault],
      );
      assert.deepEqual((await call(server, account.accountToken, 'GET', `/api/v1/agent_instance?environment_id=${idle.id}`)).body.details, []);
      const counts = await call(
        server,
        account.accountToken,
        'GET',
        `/api/v1/agent/show?agent_id=${agentId}&environment_id=${busy.id}&include_counts=true`,
      );
      assert.equal(counts.body.details.instance_counts.total, 2);
      assert.equal(counts.body.details.instance_counts.pending, 2);

      const deleted = await call(server, account.accountToken, 'DELETE', `/api/v1/environment/${idle.id}`, { idempotency_key: 'delete-idle' });
      assert.equal(deleted.status, 200, deleted.text);
      const replayed = await call(server, account.accountToken, 'DELETE', `/api/v1/environment/${idle.id}`, { idempotency_key: 'delete-idle' });
      assert.equal(replayed.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(replayed.body, deleted.body);
      const registered = await call(server, account.accountToken, 'POST', '/api/v1/agent_instance/register', {
        agent_id: agentId,
        environment_id: idle.id,
        agent_version: AGENT_VERSION,
        agent_schema_version: SCHEMA_VERSION,
      });
      assert.equal(registered.status, 422, registered.text);
      assert.match(registered.body.message, new RegExp(`environment_id names no environment of this account \\(${idle.id}\\)`));
    });
  });
}
