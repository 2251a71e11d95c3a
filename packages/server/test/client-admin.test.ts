import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PrefactorApiError, PrefactorAuthError, PrefactorHttpClient, PrefactorValidationError } from '@agentspan/client';
import { ENGINES } from './engines.js';
import { AGENT_VERSION, SCHEMA_VERSION } from './fixtures.js';
import { newAccount, startServer, type Server } from './harness.js';

for (const engine of ENGINES) {
  describe(`@agentspan/client account and environments calls against the server (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('reads and renames the account, and manages environments', async (t) => {
      const account = await newAccount(server);
      const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.accountToken, maxRetries: 0 });
      t.after(() => client.close());

      const current = await client.account.current();
      assert.equal(current?.id, account.accountId);
      assert.deepEqual(await client.account.list({ page_size: 1 }), [current]);
      assert.deepEqual(await client.account.get(account.accountId), current);
      assert.equal((await client.account.update(account.accountId, { name: 'Acme' })).name, 'Acme');

      const qa = await client.environments.create({ name: 'qa', purpose: 'testing', description: 'checks', account_id: account.accountId });
      assert.deepEqual([qa.name, qa.purpose, qa.description], ['qa', 'testing', 'checks']);
      assert.deepEqual(await client.environments.get(qa.id), qa);
      const listed = await client.environments.list({ account_id: account.accountId, sorting: { field: 'name', direction: 'desc' } });
      assert.deepEqual(
        listed.map((e) => e.name),
        ['qa', 'default'],
      );
      assert.deepEqual(
        (await client.environments.list({ offset: 1, page_size: 1 })).map((e) => e.name),
        ['qa'],
      );
      const version = await client.agentVersions.create({ agent_id: account.agentId, external_identifier: 'v9' });
      assert.deepEqual([version.agent_id, version.name, version.external_identifier], [account.agentId, 'v9', 'v9']);
      assert.deepEqual(await client.agentVersions.get(version.id), version);
      assert.deepEqual(await client.agentVersions.list({ agent_id: account.agentId, page_size: 1 }), [version]);
      const schemas = await client.agentSchemaVersions.create({
        agent_id: account.agentId,
        external_identifier: 's9',
        span_schemas: { 'agent:tool': { type: 'object' } },
        idempotency_key: null,
      });
      assert.deepEqual(Object.keys(schemas.span_type_schemas), ['agent:tool']);
      assert.deepEqual(await client.agentSchemaVersions.get(schemas.id), schemas);
      assert.deepEqual(await client.agentSchemaVersions.list({ agent_id: account.agentId }), [schemas]);
      assert.deepEqual(await client.agentSchemaVersions.list({ agent_id: account.agentId, offset: 1 }), []);

      const updated = await client.environments.update(qa.id, { purpose: 'staging', description: null });
      assert.deepEqual([updated.purpose, updated.description], ['staging', null]);

      const instance = await client.agentInstances.register({
        agent_id: (await client.agents.create({ name: 'worker' })).id,
        environment_id: qa.id,
        agent_version: AGENT_VERSION,
        agent_schema_version: SCHEMA_VERSION,
      });
      const page = await client.agentInstances.listPage({ environment_id: qa.id });
      assert.deepEqual(
        page.instances.map((i) => i.id),
        [instance.id],
      );
      await assert.rejects(client.environments.delete(qa.id), (error: unknown) => error instanceof PrefactorApiError && error.statusCode === 409);
      await assert.rejects(
        client.environments.create({ name: 'qa' }),
        (error: unknown) => error instanceof PrefactorApiError && error.statusCode === 409,
      );
      await assert.rejects(
        client.environments.list({ page_size: 0 }),
        (error: unknown) => error instanceof PrefactorValidationError && error.errors?.['pagination[page_size]'] !== undefined,
      );
      const spare = await client.environments.create({ name: 'spare' });
      assert.equal(spare.purpose, 'development');
      assert.deepEqual(await client.environments.delete(spare.id), spare);

      const deployment = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.token, maxRetries: 0 });
      t.after(() => deployment.close());
      await assert.rejects(deployment.account.current(), (error: unknown) => error instanceof PrefactorAuthError && error.statusCode === 403);
      await assert.rejects(deployment.environments.list(), (error: unknown) => error instanceof PrefactorAuthError && error.statusCode === 403);
      await assert.rejects(
        deployment.agentDeployments.list({ agent_id: account.agentId }),
        (error: unknown) => error instanceof PrefactorAuthError && error.statusCode === 403,
      );
    });

    it('manages agent deployments and reads the history of their versions', async (t) => {
      const account = await newAccount(server);
      const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.accountToken, maxRetries: 0 });
      t.after(() => client.close());
      const agent = await client.agents.create({ name: 'deployed' });
      const v1 = await client.agentVersions.create({ agent_id: agent.id, external_identifier: 'v1' });
      const v2 = await client.agentVersions.create({ agent_id: agent.id, external_identifier: 'v2' });
      const staging = await client.environments.create({ name: 'staging' });

      const created = await client.agentDeployments.create({ agent_id: agent.id, environment_id: staging.id, current_version_id: v1.id });
      assert.equal(created.current_version_id, v1.id);
      const other = await client.agentDeployments.create({ agent_id: agent.id, environment_id: account.environmentId, id: 'dep-client' });
      assert.equal(other.id, 'dep-client');
      assert.deepEqual(await client.agentDeployments.list({ agent_id: agent.id }), [created, other]);
      assert.deepEqual(await client.agentDeployments.list({ agent_id: agent.id, environment_id: staging.id }), [created]);
      assert.deepEqual(await client.agentDeployments.list({ agent_id: agent.id, offset: 1, page_size: 1 }), [other]);

      const moved = await client.agentDeployments.update(created.id, { current_version_id: v2.id });
      const cleared = await client.agentDeployments.update(created.id, { current_version_id: null });
      assert.deepEqual([moved.current_version_id, cleared.current_version_id], [v2.id, null]);
      assert.deepEqual(
        (await client.agentDeployments.history(created.id)).map((change) => change.version_id),
        [v1.id, v2.id, null],
      );
      const read = await client.agentDeployments.get(created.id);
      assert.deepEqual({ ...read, history: undefined }, { ...cleared, history: undefined });

      await assert.rejects(
        client.agentDeployments.create({ agent_id: agent.id, environment_id: staging.id }),
        (error: unknown) => error instanceof PrefactorApiError && error.statusCode === 409,
      );
      await assert.rejects(
        client.agentDeployments.update(created.id, { current_version_id: 'no-such-version' }),
        (error: unknown) => error instanceof PrefactorValidationError && error.errors?.['details.current_version_id'] !== undefined,
      );
      assert.deepEqual(await client.agentDeployments.delete(other.id), other);
    });

    it('manages risk profiles and assigns one to an agent', async (t) => {
      const account = await newAccount(server);
      const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.accountToken, maxRetries: 0 });
      t.after(() => client.close());

      const profile = await client.riskProfiles.create({
        name: 'Support',
        categories: { contact_information: { weight: 4, included: true } },
        actions: { external_communication: { multiplier: 2, included: true } },
        thresholds: { medium: 10, high: 20, critical: 40 },
      });
      assert.deepEqual(profile.categories.contact_information, { weight: 4, included: true });
      assert.deepEqual(profile.actions.read_data, { multiplier: 1, included: false });
      assert.deepEqual(await client.riskProfiles.get(profile.id), profile);
      const updated = await client.riskProfiles.update(profile.id, { thresholds: { critical: 80 }, description: 'tickets' });
      assert.deepEqual([updated.thresholds.critical, updated.description], [80, 'tickets']);
      const agent = await client.agents.update(account.agentId, { risk_profile_id: profile.id });
      assert.equal(agent.risk_profile_id, profile.id);
      assert.deepEqual(
        (await client.riskProfiles.list({ page_size: 1 })).map((p) => [p.id, p.agent_count]),
        [[profile.id, 1]],
      );
      const archived = await client.riskProfiles.archive(profile.id);
      assert.ok(archived.archived_at);
      assert.deepEqual(await client.riskProfiles.list(), []);
      assert.deepEqual(
        (await client.riskProfiles.list({ include_archived: true })).map((p) => p.id),
        [profile.id],
      );
      await assert.rejects(
        client.agents.create({ name: 'late', risk_profile_id: profile.id }),
        (error: unknown) => error instanceof PrefactorApiError && error.statusCode === 409,
      );
      await assert.rejects(
        client.riskProfiles.create({ name: 'Bad', thresholds: { medium: 5, high: 5, critical: 9 } }),
        (error: unknown) => error instanceof PrefactorValidationError && error.errors?.['details.thresholds.high'] !== undefined,
      );
    });
  });
}
