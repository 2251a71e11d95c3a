import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createToken } from '../src/index.js';
import { ENGINES } from './engines.js';
import { AGENT_VERSION, SCHEMA_VERSION } from './fixtures.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { exportRequest, newSpanId, newTraceId } from './otlp-exports.js';

/** What a refused request must leave as it was: the account's deployments and each one's history. */
const stored = (server: Server, accountId: string) =>
  server.store.read(async (tx) => {
    const deployments = await tx.listDeployments(accountId);
    const histories = await Promise.all(deployments.map((d) => tx.listDeploymentVersions(accountId, d.id)));
    return { deployments, histories };
  });

/** The account token's id, as history rows name who moved a version. */
const accountTokenId = async (server: Server, account: Account) =>
  (await server.store.read((tx) => tx.listTokens())).find((t) => t.account_id === account.accountId && t.scope === 'account')!.id;

// The official CLI's request shapes (clients/agent-deployment.ts):
//   list:     `request('/agent_deployment', { method: 'GET', query: { agent_id: agentId } })`
//   retrieve: `request(`/agent_deployment/${id}`, { method: 'GET' })`
//   create:   `request('/agent_deployment', { method: 'POST', body: { details } })`, details
//             `{ agent_id, environment_id, ...(id ? { id } : {}), ...(current_version_id ? { current_version_id } : {}) }`
//   update:   `request(`/agent_deployment/${id}`, { method: 'PUT', body: { details } })`, details `{ current_version_id: <id> | null }`
//   delete:   `request(`/agent_deployment/${id}`, { method: 'DELETE' })`
// and `setup` lists an agent's deployments and reads `details ?? summaries`.
const create = (server: Server, account: Account, details: Record<string, unknown>) =>
  call(server, account.accountToken, 'POST', '/api/v1/agent_deployment', { details });

async function made(server: Server, account: Account, path: string, details: Record<string, unknown>): Promise<string> {
  const reply = await call(server, account.accountToken, 'POST', path, { details });
  if (reply.status !== 201) throw new Error(`POST ${path} failed: ${reply.status} ${reply.text}`);
  return reply.body.details.id as string;
}

/** A fresh agent with two versions, and a second environment. */
async function world(server: Server, account: Account) {
  const agentId = await made(server, account, '/api/v1/agent', { name: 'worker' });
  const v1 = await made(server, account, '/api/v1/agent_version', { agent_id: agentId, external_identifier: 'v1' });
  const v2 = await made(server, account, '/api/v1/agent_version', { agent_id: agentId, external_identifier: 'v2' });
  const stagingId = await made(server, account, '/api/v1/environment', { name: 'staging' });
  return { agentId, v1, v2, stagingId };
}

const history = async (server: Server, account: Account, id: string) => {
  const read = await call(server, account.accountToken, 'GET', `/api/v1/agent_deployment/${id}`);
  assert.equal(read.status, 200, read.text);
  return (read.body.details.history as Array<{ version_id: string | null; changed_by_token_id: string | null }>).map((c) => c.version_id);
};

for (const engine of ENGINES) {
  describe(`agent_deployment (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('creates, reads, lists, moves and deletes deployments with the CLI’s request shapes, keeping the version history', async () => {
      const account = await newAccount(server);
      const { agentId, v1, v2, stagingId } = await world(server, account);
      const tokenId = await accountTokenId(server, account);

      const first = await create(server, account, { agent_id: agentId, environment_id: stagingId, current_version_id: v1 });
      assert.equal(first.status, 201, first.text);
      const deployment = first.body.details;
      assert.deepEqual(
        { ...deployment, id: undefined, inserted_at: undefined, updated_at: undefined },
        {
          type: 'agent_deployment',
          id: undefined,
          account_id: account.accountId,
          agent_id: agentId,
          environment_id: stagingId,
          current_version_id: v1,
          inserted_at: undefined,
          updated_at: undefined,
        },
      );
      assert.notEqual(deployment.id, agentId);
      const pinned = await create(server, account, { agent_id: agentId, environment_id: account.environmentId, id: 'dep-default' });
      assert.equal(pinned.status, 201, pinned.text);
      assert.equal(pinned.body.details.id, 'dep-default', 'a caller-sent id is kept');
      assert.equal(pinned.body.details.current_version_id, null);

      const read = await call(server, account.accountToken, 'GET', `/api/v1/agent_deployment/${deployment.id}`);
      assert.equal(read.status, 200, read.text);
      assert.deepEqual(read.body, {
        status: 'success',
        details: { ...deployment, history: [{ version_id: v1, changed_at: deployment.inserted_at, changed_by_token_id: tokenId }] },
      });

      const list = await call(server, account.accountToken, 'GET', `/api/v1/agent_deployment?agent_id=${agentId}`);
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(list.body, { status: 'success', details: [deployment, pinned.body.details] });
      const inStaging = await call(server, account.accountToken, 'GET', `/api/v1/agent_deployment?agent_id=${agentId}&environment_id=${stagingId}`);
      assert.deepEqual(inStaging.body.details, [deployment]);
      const page = await call(
        server,
        account.accountToken,
        'GET',
        `/api/v1/agent_deployment?agent_id=${agentId}&pagination[page_size]=1&sorting[field]=id&sorting[direction]=desc`,
      );
      assert.equal(page.status, 200, page.text);
      const ids = [deployment.id as string, 'dep-default'].sort().reverse();
      assert.deepEqual(page.body.summaries, [ids[0] === 'dep-default' ? pinned.body.details : deployment]);
      assert.equal(page.body.pagination.item_count, 2);
      assert.deepEqual(page.body.sorting, { field: 'id', direction: 'desc' });

      const moved = await call(server, account.accountToken, 'PUT', `/api/v1/agent_deployment/${deployment.id}`, {
        details: { current_version_id: v2 },
      });
      assert.equal(moved.status, 200, moved.text);
      assert.equal(moved.body.details.current_version_id, v2);
      assert.ok(moved.body.details.updated_at > deployment.updated_at);
      const cleared = await call(server, account.accountToken, 'PUT', `/api/v1/agent_deployment/${deployment.id}`, {
        details: { current_version_id: null },
      });
      assert.equal(cleared.status, 200, cleared.text);
      assert.equal(cleared.body.details.current_version_id, null);
      const again = await call(server, account.accountToken, 'PUT', `/api/v1/agent_deployment/${deployment.id}`, {
        details: { current_version_id: null },
      });
      assert.deepEqual(again.body, cleared.body, 'the same version changes nothing');
      const untouched = await call(server, account.accountToken, 'PUT', `/api/v1/agent_deployment/${deployment.id}`, { details: {} });
      assert.deepEqual(untouched.body, cleared.body);
      const after = await call(server, account.accountToken, 'GET', `/api/v1/agent_deployment/${deployment.id}`);
      assert.deepEqual(after.body.details.history, [
        { version_id: v1, changed_at: deployment.inserted_at, changed_by_token_id: tokenId },
        { version_id: v2, changed_at: moved.body.details.updated_at, changed_by_token_id: tokenId },
        { version_id: null, changed_at: cleared.body.details.updated_at, changed_by_token_id: tokenId },
      ]);

      const deleted = await call(server, account.accountToken, 'DELETE', '/api/v1/agent_deployment/dep-default');
      assert.equal(deleted.status, 200, deleted.text);
      assert.deepEqual(deleted.body, pinned.body);
      assert.equal((await call(server, account.accountToken, 'GET', '/api/v1/agent_deployment/dep-default')).status, 404);
      assert.deepEqual(await server.store.read((tx) => tx.listDeploymentVersions(account.accountId, 'dep-default')), []);
      // With it gone, the environment may go too (nothing else refers to it).
      const deletedStaging = await call(server, account.accountToken, 'DELETE', `/api/v1/agent_deployment/${deployment.id}`);
      assert.equal(deletedStaging.status, 200, deletedStaging.text);
      assert.equal((await call(server, account.accountToken, 'DELETE', `/api/v1/environment/${stagingId}`)).status, 200);
    });

    it('refuses a second deployment of an agent in one environment, and changes nothing', async () => {
      const account = await newAccount(server);
      const { agentId, stagingId, v1 } = await world(server, account);
      const first = await create(server, account, { agent_id: agentId, environment_id: stagingId });
      assert.equal(first.status, 201, first.text);
      const before = await stored(server, account.accountId);
      for (const details of [
        { agent_id: agentId, environment_id: stagingId },
        { agent_id: agentId, environment_id: stagingId, id: 'dep-second', current_version_id: v1 },
      ]) {
        const second = await create(server, account, details);
        assert.equal(second.status, 409, second.text);
        assert.equal(second.body.code, 'conflict');
        assert.equal(
          second.body.message,
          `agent ${agentId} already has deployment ${first.body.details.id} in environment ${stagingId}, and an agent has one deployment per environment; ` +
            `use it, or move its version with PUT /api/v1/agent_deployment/${first.body.details.id}`,
        );
      }
      const taken = await create(server, account, { agent_id: agentId, environment_id: account.environmentId, id: first.body.details.id });
      assert.equal(taken.status, 409, taken.text);
      assert.match(taken.body.message, /is already taken in this account; choose another id or omit it/);
      assert.deepEqual(await stored(server, account.accountId), before);
    });

    it('keeps in the history each version a registration moves the deployment to', async () => {
      const account = await newAccount(server);
      const register = async (token: string, body: Record<string, unknown>) => {
        const reply = await call(server, token, 'POST', '/api/v1/agent_instance/register', { agent_schema_version: SCHEMA_VERSION, ...body });
        assert.equal(reply.status, 201, reply.text);
        return reply.body.details as { agent_version_id: string; agent_deployment_id: string };
      };
      // The bootstrap made the deployment without a version: its history starts there.
      assert.deepEqual(await history(server, account, account.deploymentId), [null]);
      const first = await register(account.token, { agent_version: AGENT_VERSION });
      await register(account.token, { agent_version: AGENT_VERSION });
      const kept = await register(account.token, { agent_version: { external_identifier: 'v9' }, update_current_version: false });
      const second = await register(account.token, { agent_version: { external_identifier: 'v2' } });
      assert.deepEqual(await history(server, account, account.deploymentId), [null, first.agent_version_id, second.agent_version_id]);
      assert.notEqual(kept.agent_version_id, second.agent_version_id);
      const current = await call(server, account.accountToken, 'GET', `/api/v1/agent_deployment/${account.deploymentId}`);
      assert.equal(current.body.details.current_version_id, second.agent_version_id);

      // A registration that makes the deployment and sets its version at once leaves one row: the version.
      const { agentId, stagingId } = await world(server, account);
      const made = await register(account.accountToken, {
        agent_id: agentId,
        environment_id: stagingId,
        agent_version: { external_identifier: 'v1' },
      });
      assert.deepEqual(await history(server, account, made.agent_deployment_id), [made.agent_version_id]);
    });

    it('keeps the history of a deployment an OTLP export made', async () => {
      const account = await newAccount(server);
      const traced = async (version: string) => {
        const request = exportRequest([{ traceId: newTraceId(), spanId: newSpanId() }], {
          'service.name': 'otel-worker',
          'service.version': version,
        });
        const reply = await call(server, account.accountToken, 'POST', '/v1/traces', request);
        assert.equal(reply.status, 200, reply.text);
      };
      await traced('1.0');
      await traced('2.0');
      const deployment = (await server.store.read((tx) => tx.listDeployments(account.accountId))).find((d) => d.agent_id !== account.agentId)!;
      const versions = await server.store.read((tx) => tx.listAgentVersions(account.accountId, deployment.agent_id));
      const read = await call(server, account.accountToken, 'GET', `/api/v1/agent_deployment/${deployment.id}`);
      assert.equal(read.status, 200, read.text);
      const tokenId = await accountTokenId(server, account);
      assert.deepEqual(
        read.body.details.history.map((c: { version_id: string; changed_by_token_id: string }) => [c.version_id, c.changed_by_token_id]),
        [
          [versions.find((v) => v.external_identifier === '1.0')!.id, tokenId],
          [versions.find((v) => v.external_identifier === '2.0')!.id, tokenId],
        ],
      );
    });

    it('answers 403 to a deployment-scoped token on every route, changing nothing', async () => {
      const account = await newAccount(server);
      const before = await stored(server, account.accountId);
      const id = account.deploymentId;
      for (const [method, path, body] of [
        ['GET', `/api/v1/agent_deployment?agent_id=${account.agentId}`],
        ['GET', `/api/v1/agent_deployment/${id}`],
        ['POST', '/api/v1/agent_deployment', { details: { agent_id: account.agentId, environment_id: account.environmentId } }],
        ['PUT', `/api/v1/agent_deployment/${id}`, { details: { current_version_id: null } }],
        ['DELETE', `/api/v1/agent_deployment/${id}`],
      ] as const) {
        const reply = await call(server, account.token, method, path, body);
        assert.equal(reply.status, 403, `${method} ${path}: ${reply.text}`);
        assert.equal(reply.body.code, 'forbidden');
        assert.match(reply.body.message, /needs an account-scoped token; this token is scoped to one deployment$/);
      }
      assert.deepEqual(await stored(server, account.accountId), before);
    });

    it('names the field of an unknown or foreign id, and answers 404 for an unknown deployment', async () => {
      const account = await newAccount(server);
      const other = await newAccount(server);
      const { agentId, stagingId } = await world(server, account);
      const theirs = await made(server, other, '/api/v1/agent_version', { agent_id: other.agentId, external_identifier: 'theirs' });
      const bootstrapVersion = await made(server, account, '/api/v1/agent_version', { agent_id: account.agentId, external_identifier: 'b1' });
      const before = await stored(server, account.accountId);
      const refusals: Array<[Record<string, unknown>, string, RegExp]> = [
        [{ agent_id: 'no-such-agent', environment_id: stagingId }, 'details.agent_id', /names no agent of this account \(no-such-agent\)/],
        [{ agent_id: other.agentId, environment_id: stagingId }, 'details.agent_id', /names no agent of this account/],
        [{ agent_id: agentId, environment_id: 'no-such-env' }, 'details.environment_id', /names no environment of this account \(no-such-env\)/],
        [
          { agent_id: agentId, environment_id: stagingId, current_version_id: theirs },
          'details.current_version_id',
          /names no agent version of this account/,
        ],
        [
          { agent_id: agentId, environment_id: stagingId, current_version_id: bootstrapVersion },
          'details.current_version_id',
          /names a version of agent .*, not of this deployment's agent/,
        ],
      ];
      for (const [details, field, message] of refusals) {
        const reply = await create(server, account, details);
        assert.equal(reply.status, 422, reply.text);
        assert.deepEqual(Object.keys(reply.body.errors), [field]);
        assert.match(reply.body.message, message);
      }
      const wrongVersion = await call(server, account.accountToken, 'PUT', `/api/v1/agent_deployment/${account.deploymentId}`, {
        details: { current_version_id: theirs },
      });
      assert.equal(wrongVersion.status, 422, wrongVersion.text);
      assert.deepEqual(Object.keys(wrongVersion.body.errors), ['details.current_version_id']);
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const reply = await call(
          server,
          account.accountToken,
          method,
          '/api/v1/agent_deployment/no-such-deployment',
          method === 'PUT' ? { details: {} } : undefined,
        );
        assert.equal(reply.status, 404, reply.text);
        assert.equal(reply.body.message, 'agent deployment no-such-deployment was not found');
      }
      const foreign = await call(server, account.accountToken, 'GET', `/api/v1/agent_deployment/${other.deploymentId}`);
      assert.equal(foreign.status, 404, foreign.text);
      const unknownAgent = await call(server, account.accountToken, 'GET', '/api/v1/agent_deployment?agent_id=no-such-agent');
      assert.equal(unknownAgent.status, 422, unknownAgent.text);
      assert.deepEqual(Object.keys(unknownAgent.body.errors), ['agent_id']);
      const unknownEnvironment = await call(server, account.accountToken, 'GET', `/api/v1/agent_deployment?agent_id=${agentId}&environment_id=nope`);
      assert.equal(unknownEnvironment.status, 422, unknownEnvironment.text);
      assert.deepEqual(Object.keys(unknownEnvironment.body.errors), ['environment_id']);
      const noAgent = await call(server, account.accountToken, 'GET', '/api/v1/agent_deployment');
      assert.equal(noAgent.status, 422, noAgent.text);
      assert.deepEqual(await stored(server, account.accountId), before);
    });

    it('refuses to delete a deployment that holds instances or tokens, and changes nothing', async () => {
      const account = await newAccount(server);
      const { agentId, stagingId } = await world(server, account);
      const tokened = await create(server, account, { agent_id: agentId, environment_id: stagingId });
      await createToken(server.store, { scope: 'deployment', accountId: account.accountId, deploymentId: tokened.body.details.id });
      const registered = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
        agent_version: AGENT_VERSION,
        agent_schema_version: SCHEMA_VERSION,
      });
      assert.equal(registered.status, 201, registered.text);
      const before = await stored(server, account.accountId);

      const withInstances = await call(server, account.accountToken, 'DELETE', `/api/v1/agent_deployment/${account.deploymentId}`);
      assert.equal(withInstances.status, 409, withInstances.text);
      assert.equal(withInstances.body.code, 'invalid_action');
      assert.match(
        withInstances.body.message,
        new RegExp(`^agent deployment ${account.deploymentId} holds agent instances and 1 deployment-scoped token and cannot be deleted`),
      );
      const withToken = await call(server, account.accountToken, 'DELETE', `/api/v1/agent_deployment/${tokened.body.details.id}`, {
        idempotency_key: 'delete-tokened',
      });
      assert.equal(withToken.status, 409, withToken.text);
      assert.match(withToken.body.message, /holds 1 deployment-scoped token and cannot be deleted.*delete its tokens/);
      assert.deepEqual(await stored(server, account.accountId), before);

      // Deleting the agent takes its deployments' histories with them.
      const fresh = await made(server, account, '/api/v1/agent', { name: 'short-lived' });
      const deployment = await create(server, account, { agent_id: fresh, environment_id: stagingId });
      assert.equal((await call(server, account.accountToken, 'DELETE', `/api/v1/agent/${fresh}`)).status, 200);
      assert.deepEqual(await server.store.read((tx) => tx.listDeploymentVersions(account.accountId, deployment.body.details.id)), []);
    });
  });
}
