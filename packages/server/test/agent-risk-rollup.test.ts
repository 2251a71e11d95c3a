import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DATA_CATEGORIES } from '@agentspan/protocol';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { AGENT_VERSION } from './fixtures.js';
import { assign, get, profile, register, spanBody, type } from './risk-fixtures.js';

// Under the fixtures' profile (personal 8, contact 4, financial 5; read_data 1; health and
// destroy_data not included; thresholds 20/60/100): crm:read scores 12 a span, ledger:read 5,
// web:search 0 (nothing it includes is weighed), llm:call declares nothing.
const SCHEMA = {
  external_identifier: 'rollup',
  span_type_schemas: [
    type('crm:read', {
      action_profile: { read_data: 'allowed', destroy_data: 'allowed' },
      params_data_categories: { classification: 'confidential', personal_identifiers: 'included', health_and_medical: 'included' },
      result_data_categories: { classification: 'restricted', personal_identifiers: 'included', contact_information: 'included' },
    }),
    type('ledger:read', {
      action_profile: { read_data: 'allowed' },
      result_data_categories: { classification: 'internal', financial_information: 'included' },
    }),
    type('web:search', { action_profile: { external_communication: 'allowed' }, params_data_categories: { classification: 'public' } }),
    type('llm:call'),
  ],
};

async function spans(server: Server, token: string, instanceId: string, names: string[]) {
  const bulk = await call(server, token, 'POST', '/api/v1/bulk', {
    items: names.map((name, index) => ({
      _type: 'agent_spans/create',
      idempotency_key: `rollup-${index}-${instanceId}`,
      ...spanBody(instanceId, name),
    })),
  });
  assert.equal(bulk.status, 200, bulk.text);
}

async function run(server: Server, account: Account, names: string[]): Promise<string> {
  const id = await register(server, account, SCHEMA);
  await spans(server, account.token, id, names);
  return id;
}

async function stagingRun(server: Server, account: Account, environmentId: string, names: string[]): Promise<string> {
  const reply = await call(server, account.accountToken, 'POST', '/api/v1/agent_instance/register', {
    agent_id: account.agentId,
    environment_id: environmentId,
    agent_version: AGENT_VERSION,
    agent_schema_version: SCHEMA,
  });
  assert.equal(reply.status, 201, reply.text);
  const id = reply.body.details.id as string;
  await spans(server, account.accountToken, id, names);
  return id;
}

const rollupOf = (server: Server, account: Account, query = '') =>
  get(server, account.accountToken, `/api/v1/agent/show?agent_id=${account.agentId}&include_risk_rollup=true${query}`);

const classifications = (counts: Partial<Record<string, number>>) => ({
  unknown: 0,
  public: 0,
  internal: 0,
  confidential: 0,
  restricted: 0,
  secret: 0,
  ...counts,
});

const THEORETICAL = {
  total_span_types: 4,
  span_types_with_risk_data: ['crm:read', 'ledger:read', 'web:search'],
  span_types_without_risk_data: ['llm:call'],
  categories_included: DATA_CATEGORIES.filter((c) =>
    ['personal_identifiers', 'contact_information', 'health_and_medical', 'financial_information'].includes(c),
  ),
  classification_counts: classifications({ public: 1, internal: 1, restricted: 1 }),
  external_communication_span_types: ['web:search'],
  highest_classification: 'restricted',
};

for (const engine of ENGINES) {
  describe(`agent risk rollup (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('rolls up declared and observed risk, exceedances and runs by level, per environment', async () => {
      const account = await newAccount(server);
      await assign(server, account, await profile(server, account));
      await run(server, account, ['crm:read', 'crm:read', 'crm:read', 'ledger:read']); // 41: medium
      await run(server, account, Array<string>(10).fill('crm:read')); // 120: critical
      await run(server, account, Array<string>(5).fill('crm:read')); // 60: high
      await run(server, account, ['llm:call']); // declares nothing: not assessed
      await run(server, account, ['ledger:read', 'llm:call']); // 5: low
      const staging = await call(server, account.accountToken, 'POST', '/api/v1/environment', {
        details: { account_id: account.accountId, name: 'staging', purpose: 'staging' },
      });
      assert.equal(staging.status, 201, staging.text);
      const stagingId = staging.body.details.id as string;
      await stagingRun(server, account, stagingId, ['ledger:read', 'ledger:read']); // 10: low

      const all = await rollupOf(server, account);
      assert.equal(all.status, 200, all.text);
      const { risk_rollup: rollup, exceedances, risk_distribution: distribution } = all.body.details;
      assert.equal(rollup.schema_version_ids.length, 1, 'every run shares one schema version, the newest');
      assert.deepEqual(rollup.theoretical, THEORETICAL);
      assert.deepEqual(rollup.observed, {
        total_span_types: 3,
        span_types_with_risk_data: ['crm:read', 'ledger:read'],
        span_types_without_risk_data: ['llm:call'],
        categories_included: THEORETICAL.categories_included,
        classification_counts: classifications({ internal: 1, restricted: 1 }),
        external_communication_span_types: [],
        highest_classification: 'restricted',
      });
      assert.deepEqual(exceedances, [
        { span_type: 'crm:read', kind: 'category', name: 'health_and_medical' },
        { span_type: 'crm:read', kind: 'action', name: 'destroy_data' },
        { span_type: 'web:search', kind: 'action', name: 'external_communication' },
      ]);
      assert.deepEqual(distribution, { low: 2, medium: 1, high: 1, critical: 1, not_assessed: 1, runs_scored: 6, truncated: false });

      const scoped = await rollupOf(server, account, `&environment_id=${stagingId}`);
      assert.equal(scoped.status, 200, scoped.text);
      assert.deepEqual(scoped.body.details.risk_rollup.theoretical, THEORETICAL);
      assert.deepEqual(scoped.body.details.risk_rollup.observed, {
        total_span_types: 1,
        span_types_with_risk_data: ['ledger:read'],
        span_types_without_risk_data: [],
        categories_included: ['financial_information'],
        classification_counts: classifications({ internal: 1 }),
        external_communication_span_types: [],
        highest_classification: 'internal',
      });
      assert.deepEqual(scoped.body.details.risk_distribution, {
        low: 1,
        medium: 0,
        high: 0,
        critical: 0,
        not_assessed: 0,
        runs_scored: 1,
        truncated: false,
      });

      // Counts and the rollup together; neither unless asked.
      const both = await rollupOf(server, account, '&include_counts=true');
      assert.equal(both.body.details.instance_counts.total, 6);
      const plain = await get(server, account.accountToken, `/api/v1/agent/show?agent_id=${account.agentId}`);
      for (const field of ['risk_rollup', 'exceedances', 'risk_distribution']) assert.equal(field in plain.body.details, false, field);
    });

    it('answers an agent without runs, adds the newest schema version not yet run, and exceeds nothing without a profile', async () => {
      const account = await newAccount(server);
      const before = await rollupOf(server, account);
      assert.equal(before.status, 200, before.text);
      assert.deepEqual(before.body.details.risk_rollup.schema_version_ids, []);
      assert.equal(before.body.details.risk_rollup.theoretical.total_span_types, 0);
      assert.equal(before.body.details.risk_rollup.theoretical.highest_classification, null);
      assert.equal(before.body.details.exceedances, null);
      assert.deepEqual(before.body.details.risk_distribution, {
        low: 0,
        medium: 0,
        high: 0,
        critical: 0,
        not_assessed: 0,
        runs_scored: 0,
        truncated: false,
      });

      await run(server, account, ['crm:read', 'ledger:read']);
      await run(server, account, ['llm:call']);
      const unprofiled = await rollupOf(server, account);
      assert.deepEqual(unprofiled.body.details.risk_rollup.theoretical, THEORETICAL);
      assert.equal(unprofiled.body.details.exceedances, null, 'no profile: nothing agreed, nothing exceeded');
      assert.equal(unprofiled.body.details.risk_distribution.not_assessed, 2);
      assert.equal(unprofiled.body.details.risk_distribution.runs_scored, 2);

      // A newer schema version no run uses yet: its types are theoretical risk, not observed.
      const newer = await call(server, account.accountToken, 'POST', '/api/v1/agent_schema_version', {
        details: {
          agent_id: account.agentId,
          external_identifier: 'rollup-2',
          span_type_schemas: [
            type('mail:send', { action_profile: { external_communication: 'allowed' }, params_data_categories: { classification: 'secret' } }),
          ],
        },
      });
      assert.equal(newer.status, 201, newer.text);
      const ahead = await rollupOf(server, account);
      const { theoretical, observed } = ahead.body.details.risk_rollup;
      assert.deepEqual(ahead.body.details.risk_rollup.schema_version_ids.at(-1), newer.body.details.id);
      assert.equal(theoretical.total_span_types, 5);
      assert.equal(theoretical.highest_classification, 'secret');
      assert.deepEqual(theoretical.external_communication_span_types, ['mail:send', 'web:search']);
      assert.deepEqual(observed.span_types_with_risk_data, ['crm:read', 'ledger:read']);
    });

    it('refuses wrong inputs, naming the field', async () => {
      const account = await newAccount(server);
      const unknown = await rollupOf(server, account, '&environment_id=nowhere');
      assert.equal(unknown.status, 422, unknown.text);
      assert.match(unknown.body.errors.environment_id.join(' '), /nowhere/);
      const badFlag = await get(server, account.accountToken, `/api/v1/agent/show?agent_id=${account.agentId}&include_risk_rollup=maybe`);
      assert.equal(badFlag.status, 422, badFlag.text);
      assert.ok(badFlag.body.errors.include_risk_rollup, badFlag.text);
      const noAgent = await get(server, account.accountToken, '/api/v1/agent/show?agent_id=nobody&include_risk_rollup=true');
      assert.equal(noAgent.status, 404, noAgent.text);
    });
  });
}
