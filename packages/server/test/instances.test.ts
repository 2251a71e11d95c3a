import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, snapshot, startServer, type Server } from './harness.js';
import { AGENT_VERSION, SCHEMA_VERSION, createSpan, openInstance } from './fixtures.js';

const ZERO_COUNTS = { total: 0, pending: 0, active: 0, complete: 0, failed: 0, cancelled: 0, finished: 0 };

for (const engine of ENGINES) {
  describe(`agent instances (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('registers a pending instance on the deployment of a deployment-scoped token, every id filled', async () => {
      const account = await newAccount(server);
      const reply = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
        agent_version: AGENT_VERSION,
        agent_schema_version: SCHEMA_VERSION,
        update_current_version: true,
        purpose: 'eval',
      });
      assert.equal(reply.status, 201, reply.text);
      const instance = reply.body.details;
      assert.equal(instance.type, 'agent_instance');
      assert.equal(instance.status, 'pending');
      assert.equal(instance.account_id, account.accountId);
      assert.equal(instance.agent_id, account.agentId);
      assert.equal(instance.environment_id, account.environmentId);
      assert.equal(instance.agent_deployment_id, account.deploymentId);
      assert.equal(typeof instance.agent_version_id, 'string');
      assert.equal(instance.purpose, 'eval');
      assert.equal(instance.started_at, null);
      assert.deepEqual(instance.span_counts, ZERO_COUNTS);
      assert.deepEqual(instance.quality_payloads, {});
      assert.deepEqual(instance.quality_summaries, {});
    });

    it('reuses agent versions and schema versions by external_identifier', async () => {
      const account = await newAccount(server);
      const register = (version: object) =>
        call(server, account.token, 'POST', '/api/v1/agent_instance/register', { agent_version: version, agent_schema_version: SCHEMA_VERSION });
      const first = await register(AGENT_VERSION);
      const second = await register(AGENT_VERSION);
      const third = await register({ ...AGENT_VERSION, external_identifier: 'v2.0.0' });
      assert.equal(first.body.details.agent_version_id, second.body.details.agent_version_id);
      assert.notEqual(first.body.details.agent_version_id, third.body.details.agent_version_id);
      assert.notEqual(first.body.details.id, second.body.details.id);
      const schemaIds = await server.store.read(async (tx) =>
        Promise.all([first, second].map(async (r) => (await tx.getInstance(account.accountId, r.body.details.id))?.schema_version_id)),
      );
      assert.equal(schemaIds[0], schemaIds[1]);
    });

    it('makes a new schema version when a known external_identifier comes with other content; the old instance keeps its own', async () => {
      const account = await newAccount(server);
      const schema = (name: string) => ({
        external_identifier: 'same-id',
        span_type_schemas: [{ name, params_schema: { type: 'object', properties: { n: { type: 'number' } } } }],
      });
      const first = await openInstance(server, account, { schema: schema('x') });
      const second = await openInstance(server, account, { schema: schema('y') });
      const again = await openInstance(server, account, { schema: schema('y') });
      const schemaIds = await server.store.read(async (tx) =>
        Promise.all([first, second, again].map(async (id) => (await tx.getInstance(account.accountId, id))?.schema_version_id)),
      );
      assert.notEqual(schemaIds[0], schemaIds[1]);
      assert.equal(schemaIds[1], schemaIds[2]);
      const span = (instanceId: string, schema_name: string) =>
        createSpan(server, account, { agent_instance_id: instanceId, schema_name, status: 'active', payload: { n: 1 } });
      assert.equal((await span(second, 'y')).status, 201);
      assert.equal((await span(first, 'x')).status, 201);
      const stale = await span(first, 'y');
      assert.equal(stale.status, 422);
      assert.deepEqual(stale.body.errors, { schema_name: ["is not a span type of this instance's schema version; declared: x"] });
      assert.equal((await span(second, 'x')).status, 422);
    });

    it('moves the deployment to the registered version unless update_current_version is false', async () => {
      const account = await newAccount(server);
      const register = (external_identifier: string, update_current_version?: boolean) =>
        call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
          agent_version: { name: 'a', external_identifier },
          agent_schema_version: {},
          update_current_version,
        });
      const current = async () => (await server.store.read((tx) => tx.getDeployment(account.accountId, account.deploymentId)))?.current_version_id;
      const v1 = await register('v1', true);
      assert.equal(await current(), v1.body.details.agent_version_id);
      await register('v2', false);
      assert.equal(await current(), v1.body.details.agent_version_id);
      const v3 = await register('v3');
      assert.equal(await current(), v3.body.details.agent_version_id);
    });

    it('needs agent_id with an account-scoped token, and refuses another agent with a deployment-scoped one', async () => {
      const account = await newAccount(server);
      const before = await snapshot(server, account.accountId);
      const missing = await call(server, account.accountToken, 'POST', '/api/v1/agent_instance/register', {
        agent_version: {},
        agent_schema_version: {},
      });
      assert.equal(missing.status, 422);
      assert.match(missing.body.errors.agent_id[0], /is required with an account-scoped token/);
      const unknown = await call(server, account.accountToken, 'POST', '/api/v1/agent_instance/register', {
        agent_id: 'no-such-agent',
        agent_version: {},
        agent_schema_version: {},
      });
      assert.equal(unknown.status, 422);
      assert.match(unknown.body.errors.agent_id[0], /names no agent of this account/);
      const other = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
        agent_id: 'someone-else',
        agent_version: {},
        agent_schema_version: {},
      });
      assert.equal(other.status, 422);
      assert.match(other.body.errors.agent_id[0], /does not match this token's deployment/);
      assert.deepEqual(await snapshot(server, account.accountId), before);

      const ok = await call(server, account.accountToken, 'POST', '/api/v1/agent_instance/register', {
        agent_id: account.agentId,
        environment_id: account.environmentId,
        agent_version: {},
        agent_schema_version: {},
      });
      assert.equal(ok.status, 201, ok.text);
      assert.equal(ok.body.details.agent_deployment_id, account.deploymentId);
    });

    it("lands an account-scoped register without environment_id in the agent's deployment, and refuses to guess", async () => {
      // Prefactor's CLI registers with `{agent_id, agent_version, agent_schema_version}` and no way to name an environment.
      const account = await newAccount(server);
      const staging = await call(server, account.accountToken, 'POST', '/api/v1/environment', { details: { name: 'staging', purpose: 'staging' } });
      assert.equal(staging.status, 201, staging.text);
      const register = (agent_id: string) =>
        call(server, account.accountToken, 'POST', '/api/v1/agent_instance/register', { agent_id, agent_version: {}, agent_schema_version: {} });
      // The account's agent has one deployment (its first environment): the register lands there.
      const landed = await register(account.agentId);
      assert.equal(landed.status, 201, landed.text);
      assert.equal(landed.body.details.agent_deployment_id, account.deploymentId);

      const fresh = await call(server, account.accountToken, 'POST', '/api/v1/agent', { details: { name: 'undeployed' } });
      const before = await snapshot(server, account.accountId);
      const refused = await register(fresh.body.details.id);
      assert.equal(refused.status, 422);
      assert.match(refused.body.errors.environment_id[0], /has 2 environments .*is deployed in none; send environment_id, or deploy the agent first/);
      assert.deepEqual(await snapshot(server, account.accountId), before);

      const deployed = await call(server, account.accountToken, 'POST', '/api/v1/agent_deployment', {
        details: { agent_id: fresh.body.details.id, environment_id: staging.body.details.id },
      });
      assert.equal(deployed.status, 201, deployed.text);
      const now = await register(fresh.body.details.id);
      assert.equal(now.status, 201, now.text);
      assert.equal(now.body.details.environment_id, staging.body.details.id);
    });

    it('answers 409 conflict for a taken instance id', async () => {
      const account = await newAccount(server);
      await openInstance(server, account, { id: 'run-42', start: false });
      const before = await snapshot(server, account.accountId, ['run-42']);
      const again = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
        id: 'run-42',
        agent_version: {},
        agent_schema_version: {},
      });
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'conflict');
      assert.match(again.body.message, /agent instance id run-42 is already taken/);
      assert.deepEqual(await snapshot(server, account.accountId, ['run-42']), before);
    });

    it('starts a pending instance with a naive timestamp, and refuses a second start with 409', async () => {
      const account = await newAccount(server);
      const id = await openInstance(server, account, { start: false });
      const started = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/start`, { timestamp: '2024-05-01T09:00:00.000001' });
      assert.equal(started.status, 200);
      assert.equal(started.body.details.status, 'active');
      assert.equal(started.body.details.started_at, '2024-05-01T09:00:00.000001Z');
      const before = await snapshot(server, account.accountId, [id]);
      const again = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/start`);
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'invalid_action');
      assert.deepEqual(await snapshot(server, account.accountId, [id]), before);
    });

    it('finishes an open instance once (pending or active, any finish status); later finishes get 409', async () => {
      const account = await newAccount(server);
      const pending = await openInstance(server, account, { start: false });
      const failed = await call(server, account.token, 'POST', `/api/v1/agent_instance/${pending}/finish`, { status: 'failed' });
      assert.equal(failed.body.details.status, 'failed');
      const active = await openInstance(server, account);
      const done = await call(server, account.token, 'POST', `/api/v1/agent_instance/${active}/finish`, {});
      assert.equal(done.status, 200);
      assert.equal(done.body.details.status, 'complete');
      assert.ok(done.body.details.finished_at);
      const before = await snapshot(server, account.accountId, [active]);
      const again = await call(server, account.token, 'POST', `/api/v1/agent_instance/${active}/finish`, { status: 'cancelled' });
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'invalid_action');
      assert.deepEqual(await snapshot(server, account.accountId, [active]), before);
    });

    it('refuses an instance finish before its start with 422', async () => {
      const account = await newAccount(server);
      const id = await openInstance(server, account, { start: false });
      await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/start`, { timestamp: '2024-05-01T09:00:00Z' });
      const before = await snapshot(server, account.accountId, [id]);
      const early = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/finish`, { timestamp: '2024-05-01T08:00:00Z' });
      assert.equal(early.status, 422);
      assert.match(early.body.errors.timestamp[0], /must not be before the instance's started_at/);
      assert.deepEqual(await snapshot(server, account.accountId, [id]), before);
    });

    it('counts spans per status', async () => {
      const account = await newAccount(server);
      const id = await openInstance(server, account);
      const make = (status: string) => createSpan(server, account, { agent_instance_id: id, schema_name: 'agent:tool', status });
      const spans = await Promise.all(['pending', 'active', 'active', 'complete', 'failed', 'cancelled'].map(make));
      await call(server, account.token, 'POST', `/api/v1/agent_spans/${spans[1]!.body.details.id}/finish`, { status: 'failed' });
      const instance = await call(server, account.token, 'GET', `/api/v1/agent_instance/${id}`);
      assert.equal(instance.status, 200);
      assert.deepEqual(instance.body.details.span_counts, {
        total: 6,
        pending: 1,
        active: 1,
        complete: 1,
        failed: 2,
        cancelled: 1,
        finished: 4,
      });
    });

    it('records quality payloads with summaries, validates them, and removes one on a null payload', async () => {
      const account = await newAccount(server);
      const id = await openInstance(server, account, {
        schema: {
          external_identifier: 'with-quality',
          quality_schemas: [
            {
              name: 'helpfulness',
              schema: { type: 'object', properties: { score: { type: 'number' } }, required: ['score'] },
              template: 'score {{score}}',
            },
            { name: 'notes', schema: { type: 'object' } },
          ],
        },
      });
      const record = (name: string, payload: object | null) =>
        call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/record_quality`, { name, payload });
      const first = await record('helpfulness', { score: 0.9 });
      assert.equal(first.status, 200, first.text);
      await record('notes', { text: 'fine' });
      const both = await call(server, account.token, 'GET', `/api/v1/agent_instance/${id}`);
      assert.deepEqual(both.body.details.quality_payloads, { helpfulness: { score: 0.9 }, notes: { text: 'fine' } });
      assert.deepEqual(both.body.details.quality_summaries, { helpfulness: 'score 0.9' });

      const before = await snapshot(server, account.accountId, [id]);
      const invalid = await record('helpfulness', { score: 'high' });
      assert.equal(invalid.status, 422);
      assert.deepEqual(invalid.body.errors, { 'payload.score': ['must be a number'] });
      const undeclared = await record('speed', { fast: true });
      assert.equal(undeclared.status, 422);
      assert.match(undeclared.body.errors.name[0], /declared: helpfulness, notes/);
      assert.deepEqual(await snapshot(server, account.accountId, [id]), before);

      const removed = await record('helpfulness', null);
      assert.deepEqual(removed.body.details.quality_payloads, { notes: { text: 'fine' } });
      assert.deepEqual(removed.body.details.quality_summaries, {});
    });

    it('answers 404 for an unknown instance on every instance route', async () => {
      const account = await newAccount(server);
      for (const [method, path, body] of [
        ['GET', '/api/v1/agent_instance/nope', undefined],
        ['POST', '/api/v1/agent_instance/nope/start', {}],
        ['POST', '/api/v1/agent_instance/nope/finish', {}],
        ['POST', '/api/v1/agent_instance/nope/terminate', { reason: 'x' }],
        ['POST', '/api/v1/agent_instance/nope/record_quality', { name: 'a', payload: null }],
      ] as const) {
        const reply = await call(server, account.token, method, path, body);
        assert.equal(reply.status, 404, path);
        assert.deepEqual(reply.body, {
          status: 'error',
          code: 'not_found',
          message: 'agent instance nope was not found',
          request_id: reply.headers.get('x-request-id'),
        });
      }
    });
  });
}
