import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { assign, profile, spanBody, type } from './risk-fixtures.js';

// Version 1 declares crm:read (12 a span under the fixtures' profile); version 2 adds ledger:read (5).
const V1_SCHEMA = {
  external_identifier: 'versions-1',
  span_type_schemas: [
    type('crm:read', {
      action_profile: { read_data: 'allowed' },
      params_data_categories: { classification: 'confidential', personal_identifiers: 'included' },
      result_data_categories: { contact_information: 'included' },
    }),
  ],
};
const V2_SCHEMA = {
  external_identifier: 'versions-2',
  span_type_schemas: [
    ...V1_SCHEMA.span_type_schemas,
    type('ledger:read', {
      action_profile: { read_data: 'allowed' },
      result_data_categories: { classification: 'internal', financial_information: 'included' },
    }),
  ],
};

/** Registers a run of version `name` with its schema, sending `sdk` as X-Prefactor-SDK when given; answers the run. */
async function register(server: Server, account: Account, name: string, schema: object, sdk?: string) {
  const reply = await call(
    server,
    account.token,
    'POST',
    '/api/v1/agent_instance/register',
    { agent_version: { name, external_identifier: name }, agent_schema_version: schema },
    sdk === undefined ? {} : { 'x-prefactor-sdk': sdk },
  );
  assert.equal(reply.status, 201, reply.text);
  return reply.body.details as { id: string; agent_version_id: string };
}

async function spans(server: Server, account: Account, instanceId: string, names: string[]) {
  for (const name of names) {
    const reply = await call(server, account.token, 'POST', '/api/v1/agent_spans', { details: spanBody(instanceId, name) });
    assert.equal(reply.status, 201, reply.text);
  }
}

const version = (server: Server, account: Account, id: string, query = '') =>
  call(server, account.accountToken, 'GET', `/api/v1/agent_version/${id}${query}`);

for (const engine of ENGINES) {
  describe(`agent version runtime and risk (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('keeps the runtime each version last registered with, and shows it on its answers', async () => {
      const account = await newAccount(server);
      const first = await register(server, account, '1.0.0', V1_SCHEMA, '@x/tracer@1.0.0 @x/client@1.0.0');
      const v1 = first.agent_version_id;
      assert.equal((await version(server, account, v1)).body.details.sdk, '@x/tracer@1.0.0 @x/client@1.0.0');

      // A newer runtime replaces it; a registration that reports none leaves it as it was.
      await register(server, account, '1.0.0', V1_SCHEMA, '@x/tracer@1.1.0 @x/client@1.1.0');
      await register(server, account, '1.0.0', V1_SCHEMA);
      assert.equal((await version(server, account, v1)).body.details.sdk, '@x/tracer@1.1.0 @x/client@1.1.0');

      // A version that never reported one says so; the list carries each version's own.
      const v2 = (await register(server, account, '2.0.0', V2_SCHEMA)).agent_version_id;
      const list = await call(server, account.accountToken, 'GET', `/api/v1/agent_version?agent_id=${account.agentId}`);
      assert.equal(list.status, 200, list.text);
      assert.deepEqual(
        list.body.summaries.map((v: { id: string; sdk: string | null }) => [v.id, v.sdk]),
        [
          [v1, '@x/tracer@1.1.0 @x/client@1.1.0'],
          [v2, null],
        ],
      );
    });

    it('keeps a token pasted into the header out of what it stores, and cuts a long header', async () => {
      const account = await newAccount(server);
      const pasted = await register(server, account, 'pasted', V1_SCHEMA, `my-sdk@1 ${account.token}`);
      const sdk = (await version(server, account, pasted.agent_version_id)).body.details.sdk as string;
      assert.equal(sdk, 'my-sdk@1 as_[redacted]');
      assert.ok(!sdk.includes(account.token));
      const long = await register(server, account, 'long', V1_SCHEMA, `sdk@${'9'.repeat(500)}`);
      assert.equal(((await version(server, account, long.agent_version_id)).body.details.sdk as string).length, 200);
    });

    it("rolls up each version's declared and observed risk and its runs by level", async () => {
      const account = await newAccount(server);
      await assign(server, account, await profile(server, account));
      const a = await register(server, account, '1.0.0', V1_SCHEMA);
      await spans(server, account, a.id, ['crm:read', 'crm:read']); // 24: medium
      const b = await register(server, account, '2.0.0', V2_SCHEMA);
      await spans(server, account, b.id, ['ledger:read']); // 5: low
      const c = await register(server, account, '2.0.0', V2_SCHEMA);
      await spans(server, account, c.id, Array<string>(10).fill('crm:read')); // 120: critical

      const plain = await version(server, account, a.agent_version_id);
      assert.equal(plain.body.details.risk_rollup, undefined, 'the rollup is read only when asked for');

      const one = await version(server, account, a.agent_version_id, '?include_risk_rollup=true');
      assert.equal(one.status, 200, one.text);
      const v1 = one.body.details;
      assert.equal(v1.sdk, null);
      assert.deepEqual(v1.risk_rollup.theoretical.span_types_with_risk_data, ['crm:read'], "version 1's own declarations, not the agent's newest");
      assert.deepEqual(v1.risk_rollup.observed.span_types_with_risk_data, ['crm:read']);
      assert.deepEqual(v1.risk_distribution, { low: 0, medium: 1, high: 0, critical: 0, not_assessed: 0, runs_scored: 1, truncated: false });
      assert.deepEqual(v1.exceedances, []);

      const two = await version(server, account, b.agent_version_id, '?include_risk_rollup=true');
      const v2 = two.body.details;
      assert.deepEqual(v2.risk_rollup.theoretical.span_types_with_risk_data, ['crm:read', 'ledger:read']);
      assert.equal(v2.risk_rollup.theoretical.highest_classification, 'confidential');
      assert.deepEqual(v2.risk_rollup.observed.span_types_with_risk_data, ['crm:read', 'ledger:read']);
      assert.deepEqual(v2.risk_distribution, { low: 1, medium: 0, high: 0, critical: 1, not_assessed: 0, runs_scored: 2, truncated: false });

      // The same figures as the agent's, summed: the version filter only narrows the runs.
      const agent = await call(server, account.accountToken, 'GET', `/api/v1/agent/show?agent_id=${account.agentId}&include_risk_rollup=true`);
      assert.equal(agent.body.details.risk_distribution.runs_scored, v1.risk_distribution.runs_scored + v2.risk_distribution.runs_scored);

      // Scoped to an environment the version never ran in: nothing scored, its declarations still stand.
      const staging = await call(server, account.accountToken, 'POST', '/api/v1/environment', {
        details: { account_id: account.accountId, name: 'staging', purpose: 'staging' },
      });
      assert.equal(staging.status, 201, staging.text);
      const scoped = await version(server, account, b.agent_version_id, `?include_risk_rollup=true&environment_id=${staging.body.details.id}`);
      assert.equal(scoped.status, 200, scoped.text);
      assert.equal(scoped.body.details.risk_distribution.runs_scored, 0);
      assert.deepEqual(scoped.body.details.risk_rollup.theoretical.span_types_with_risk_data, ['crm:read', 'ledger:read']);
      assert.equal(scoped.body.details.risk_rollup.observed.total_span_types, 0);
    });

    it('refuses an environment the account does not have, naming the field', async () => {
      const account = await newAccount(server);
      const { agent_version_id: id } = await register(server, account, '1.0.0', V1_SCHEMA);
      const reply = await version(server, account, id, '?include_risk_rollup=true&environment_id=nope');
      assert.equal(reply.status, 422, reply.text);
      assert.match(reply.text, /environment_id/);
      assert.match(reply.text, /names no environment of this account/);
    });
  });
}
