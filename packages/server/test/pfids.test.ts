import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { extractPartition, generateRoot, isPfid } from '@prefactor/pfid';
import { PrefactorApiError, PrefactorClientError, PrefactorHttpClient } from '@agentspan/client';
import { createToken, type TokenRecord } from '../src/index.js';
import { legacyId } from '../src/domain/ids.js';
import { newAgent } from '../src/domain/agents/new-agent.js';
import { ENGINES } from './engines.js';
import { AGENT_VERSION, SCHEMA_VERSION, createSpan, llmPayload, openInstance } from './fixtures.js';
import { call, newAccount, snapshot, startServer, type Account, type Server } from './harness.js';

/** Asserts each id is a PFID (as Prefactor's CLI checks it) in the partition of the account `accountId`. */
function assertInAccount(accountId: string, ids: Record<string, unknown>) {
  const partition = extractPartition(accountId);
  for (const [what, id] of Object.entries(ids)) {
    assert.ok(isPfid(id), `${what} ${String(id)} is not a PFID`);
    assert.equal(extractPartition(id as string), partition, `${what} ${String(id)} is not in the account's partition`);
  }
}

const tokensOf = (server: Server, accountId: string): Promise<TokenRecord[]> =>
  server.store.read(async (tx) => (await tx.listTokens()).filter((t) => t.account_id === accountId));

const generate = (server: Server, token: string, body: unknown) => call(server, token, 'POST', '/api/v1/pfid/generate', body);

for (const engine of ENGINES) {
  describe(`PFIDs (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it("makes every id a PFID in the account's partition: account, agent, deployment, versions, instance, span, tokens", async () => {
      const account = await newAccount(server);
      assert.ok(isPfid(account.accountId), `account id ${account.accountId} is not a PFID`);
      const other = await newAccount(server);
      assert.notEqual(extractPartition(other.accountId), extractPartition(account.accountId), 'each account is a root of its own');

      const agent = await call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name: 'Planner' } });
      assert.equal(agent.status, 201, agent.text);
      // An account-scoped registration on a new agent makes its deployment.
      const registered = await call(server, account.accountToken, 'POST', '/api/v1/agent_instance/register', {
        agent_id: agent.body.details.id,
        agent_version: AGENT_VERSION,
        agent_schema_version: SCHEMA_VERSION,
      });
      assert.equal(registered.status, 201, registered.text);
      const instance = registered.body.details;
      const started = await call(server, account.accountToken, 'POST', `/api/v1/agent_instance/${instance.id}/start`, {});
      assert.equal(started.status, 200, started.text);
      const span = await call(server, account.accountToken, 'POST', '/api/v1/agent_spans', {
        details: { agent_instance_id: instance.id, schema_name: 'agent:llm', status: 'active', payload: llmPayload() },
      });
      assert.equal(span.status, 201, span.text);
      const stored = await server.store.read((tx) => tx.getInstance(account.accountId, instance.id));

      assertInAccount(account.accountId, {
        environment: account.environmentId,
        'first agent': account.agentId,
        'first deployment': account.deploymentId,
        agent: agent.body.details.id,
        instance: instance.id,
        'agent version': instance.agent_version_id,
        'schema version': stored?.schema_version_id,
        deployment: instance.agent_deployment_id,
        span: span.body.details.id,
      });
      assert.notEqual(instance.agent_deployment_id, account.deploymentId);

      // Tokens made the way `agentspan tokens create` makes them, beside the two newAccount made.
      await createToken(server.store, { scope: 'deployment', accountId: account.accountId, deploymentId: instance.agent_deployment_id });
      const tokens = await tokensOf(server, account.accountId);
      assert.equal(tokens.length, 3);
      assertInAccount(account.accountId, Object.fromEntries(tokens.map((t) => [`${t.scope} token`, t.id])));
    });

    it('keeps the ids callers send, PFIDs of another partition and ids of other formats alike', async () => {
      const account = await newAccount(server);
      const foreignPfid = generateRoot();
      const agent = await call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name: 'Mine', id: 'my-agent_1' } });
      assert.equal(agent.status, 201, agent.text);
      assert.equal(agent.body.details.id, 'my-agent_1');
      const instanceId = await openInstance(server, account, { id: foreignPfid });
      const span = await createSpan(server, account, {
        id: 'span:a.b-1',
        agent_instance_id: instanceId,
        schema_name: 'agent:llm',
        status: 'active',
        payload: llmPayload(),
      });
      assert.equal(span.status, 201, span.text);
      const child = await createSpan(server, account, {
        agent_instance_id: instanceId,
        parent_span_id: 'span:a.b-1',
        schema_name: 'agent:llm',
        status: 'active',
        payload: llmPayload(),
      });
      assert.equal(child.status, 201, child.text);
      assert.deepEqual([instanceId, span.body.details.id, child.body.details.parent_span_id], [foreignPfid, 'span:a.b-1', 'span:a.b-1']);
      assertInAccount(account.accountId, { 'span the server made': child.body.details.id });
      assert.equal((await call(server, account.token, 'GET', `/api/v1/agent_instance/${foreignPfid}`)).status, 200);
    });

    it("POST /pfid/generate answers count PFIDs in the account's partition, to any token, as Prefactor's CLI asks", async () => {
      const account = await newAccount(server);
      // packages/cli/src/clients/pfid.ts: body `{ count, ...(accountId ? { account_id: accountId } : {}) }`.
      const one = await generate(server, account.token, { count: 1 });
      assert.equal(one.status, 200, one.text);
      assert.equal(one.body.status, 'success');
      assert.equal(one.body.details.pfids.length, 1);
      assertInAccount(account.accountId, { pfid: one.body.details.pfids[0] });

      const hundred = await generate(server, account.accountToken, { count: 100, account_id: account.accountId });
      assert.equal(hundred.status, 200, hundred.text);
      const pfids: string[] = hundred.body.details.pfids;
      assert.equal(new Set(pfids).size, 100);
      assertInAccount(account.accountId, Object.fromEntries(pfids.map((id, i) => [`pfid ${i}`, id])));
      assert.equal((await generate(server, account.token, { count: 1000 })).body.details.pfids.length, 1000);
    });

    it('refuses a wrong count or another account with 422 naming the field, storing nothing', async () => {
      const account = await newAccount(server);
      const other = await newAccount(server);
      const before = await snapshot(server, account.accountId);
      const cases: Array<[unknown, string, string]> = [
        [{ count: 0 }, 'count', 'request body: count must be >= 1'],
        [{ count: 1001 }, 'count', 'request body: count must be <= 1000'],
        [{ count: 'x' }, 'count', 'request body: count must be an integer'],
        [{ count: 2.5 }, 'count', 'request body: count must be an integer'],
        [{}, 'count', 'request body: count is required'],
        [undefined, 'count', 'request body: count is required'],
        [
          { count: 1, account_id: other.accountId },
          'account_id',
          `account_id names another account than this token's (${account.accountId}); omit it, or use a token of that account`,
        ],
      ];
      for (const [body, field, message] of cases) {
        const reply = await generate(server, account.token, body);
        assert.equal(reply.status, 422, `${JSON.stringify(body)}: ${reply.text}`);
        assert.equal(reply.body.code, 'validation_error');
        assert.equal(reply.body.message, message);
        assert.ok(reply.body.errors[field], `${JSON.stringify(body)}: ${reply.text}`);
      }
      assert.deepEqual(await snapshot(server, account.accountId), before);
      assert.equal((await generate(server, 'not-a-token', { count: 1 })).status, 401);
    });

    it('@agentspan/client pfid.generate calls it, and checks count before sending', async (t) => {
      const account = await newAccount(server);
      const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.token, maxRetries: 0 });
      t.after(() => client.close());
      const pfids = await client.pfid.generate({ count: 3 });
      assert.equal(pfids.length, 3);
      assertInAccount(account.accountId, Object.fromEntries(pfids.map((id, i) => [`pfid ${i}`, id])));
      assert.equal((await client.pfid.generate({ count: 2, account_id: account.accountId })).length, 2);
      await assert.rejects(client.pfid.generate({ count: 1, account_id: 'another' }), (error: unknown) => {
        assert.ok(error instanceof PrefactorApiError);
        assert.equal(error.statusCode, 422);
        return true;
      });
      for (const count of [0, 1001, 1.5, '2']) {
        await assert.rejects(client.pfid.generate({ count: count as number }), (error: unknown) => {
          assert.ok(error instanceof PrefactorClientError);
          assert.equal(error.message, `pfid.generate: count must be an integer from 1 to 1000; got ${count}`);
          return true;
        });
      }
    });

    it('a store made before PFIDs keeps its ids and answers as before', async () => {
      // An account as an earlier version made it: every id in the old format, written directly.
      const at = '2025-01-01T00:00:00.000000Z';
      const ids = { account: legacyId(), environment: legacyId(), agent: legacyId(), deployment: legacyId() };
      await server.store.write(async (tx) => {
        await tx.insertAccount({ id: ids.account, name: 'before PFIDs', inserted_at: at });
        await tx.insertEnvironment({
          account_id: ids.account,
          id: ids.environment,
          name: 'default',
          purpose: 'production',
          description: null,
          inserted_at: at,
          updated_at: at,
        });
        await tx.insertAgent(newAgent(ids.account, at, { id: ids.agent, name: 'old agent' }));
        await tx.ensureDeployment({
          account_id: ids.account,
          id: ids.deployment,
          agent_id: ids.agent,
          environment_id: ids.environment,
          current_version_id: null,
          inserted_at: at,
          updated_at: at,
        });
      });
      const token = await createToken(server.store, { scope: 'deployment', accountId: ids.account, deploymentId: ids.deployment });
      const accountToken = await createToken(server.store, { scope: 'account', accountId: ids.account });
      const account: Account = {
        accountId: ids.account,
        environmentId: ids.environment,
        agentId: ids.agent,
        deploymentId: ids.deployment,
        token,
        accountToken,
      };

      const oldInstance = legacyId();
      const oldSpan = legacyId();
      assert.equal(oldInstance.length, 25);
      assert.ok(!isPfid(oldInstance));
      assert.equal(await openInstance(server, account, { id: oldInstance }), oldInstance);
      const created = await createSpan(server, account, {
        id: oldSpan,
        agent_instance_id: oldInstance,
        schema_name: 'agent:llm',
        status: 'active',
        payload: llmPayload(),
      });
      assert.equal(created.status, 201, created.text);
      const child = await createSpan(server, account, {
        agent_instance_id: oldInstance,
        parent_span_id: oldSpan,
        schema_name: 'agent:llm',
        status: 'active',
        payload: llmPayload(),
      });
      assert.equal(child.status, 201, child.text);
      const finished = await call(server, token, 'POST', `/api/v1/agent_spans/${oldSpan}/finish`, {
        status: 'complete',
        result_payload: { response: 'ok' },
      });
      assert.equal(finished.status, 200, finished.text);

      const agent = await call(server, accountToken, 'GET', `/api/v1/agent/${ids.agent}`);
      assert.equal(agent.status, 200, agent.text);
      assert.equal(agent.body.details.id, ids.agent);
      const instance = await call(server, token, 'GET', `/api/v1/agent_instance/${oldInstance}`);
      assert.deepEqual([instance.body.details.agent_id, instance.body.details.agent_deployment_id], [ids.agent, ids.deployment]);
      const spans = await call(server, token, 'GET', `/api/v1/agent_spans?agent_instance_id=${oldInstance}`);
      assert.deepEqual(spans.body.details.map((s: { id: string }) => s.id).sort(), [oldSpan, child.body.details.id].sort());
      // New ids in an old account are PFIDs too, all in one partition drawn from the old account's id.
      const more = await generate(server, token, { count: 2 });
      assert.equal(more.status, 200, more.text);
      const partition = extractPartition(child.body.details.id);
      for (const id of [...more.body.details.pfids, ...(await tokensOf(server, ids.account)).map((t) => t.id)]) {
        assert.ok(isPfid(id), id);
        assert.equal(extractPartition(id), partition);
      }
    });
  });
}
