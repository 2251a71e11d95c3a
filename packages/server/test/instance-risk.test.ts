import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { PrefactorHttpClient } from '@agentspan/client';
import { AGENT_VERSION } from './fixtures.js';
import { exportRequest, newSpanId, newTraceId, postTraces } from './otlp-exports.js';

// The worked example's thresholds: 41 is medium.
const THRESHOLDS = { medium: 20, high: 60, critical: 100 };
const PROFILE = {
  name: 'Customer data',
  categories: {
    personal_identifiers: { weight: 8, included: true },
    contact_information: { weight: 4, included: true },
    financial_information: { weight: 5, included: true },
    health_and_medical: { weight: 10, included: false },
  },
  actions: { read_data: { multiplier: 1, included: true }, destroy_data: { multiplier: 9, included: false } },
  thresholds: THRESHOLDS,
};

const type = (name: string, dataRisk?: unknown) => ({
  name,
  params_schema: { type: 'object' },
  ...(dataRisk === undefined ? {} : { data_risk: dataRisk }),
});
const SCHEMA = {
  external_identifier: 'governed',
  span_type_schemas: [
    // 8 + 4 (personal_identifiers in params and result counts once) × read_data 1.0 = 12.
    type('crm:read', {
      action_profile: { read_data: 'allowed', destroy_data: 'allowed' },
      params_data_categories: { personal_identifiers: 'included', health_and_medical: 'included' },
      result_data_categories: { personal_identifiers: 'included', contact_information: 'included' },
    }),
    // 5 × 1.0 = 5.
    type('ledger:read', { action_profile: { read_data: 'allowed' }, result_data_categories: { financial_information: 'included' } }),
    // Says nothing: unknown counts nothing.
    type('notes:read', { action_profile: { read_data: 'unknown' }, params_data_categories: { personal_identifiers: 'unknown' } }),
    type('llm:call'),
  ],
};

async function profile(server: Server, account: Account, details: Record<string, unknown> = PROFILE): Promise<string> {
  const reply = await call(server, account.accountToken, 'POST', '/api/v1/risk_profile', { details });
  assert.equal(reply.status, 201, reply.text);
  return reply.body.details.id as string;
}

async function assign(server: Server, account: Account, profileId: string | null) {
  const reply = await call(server, account.accountToken, 'PUT', `/api/v1/agent/${account.agentId}`, { details: { risk_profile_id: profileId } });
  assert.equal(reply.status, 200, reply.text);
}

async function register(server: Server, account: Account, schema: object = SCHEMA): Promise<string> {
  const reply = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
    agent_version: AGENT_VERSION,
    agent_schema_version: schema,
  });
  assert.equal(reply.status, 201, reply.text);
  return reply.body.details.id as string;
}

const spanBody = (instanceId: string, schemaName: string) => ({
  agent_instance_id: instanceId,
  schema_name: schemaName,
  status: 'complete',
  payload: {},
  result_payload: {},
});

/** The worked example's spans: three crm:read (one by API, two in a bulk), one ledger:read, and undeclared ones. */
async function workedRun(server: Server, account: Account): Promise<string> {
  const id = await register(server, account);
  const created = await call(server, account.token, 'POST', '/api/v1/agent_spans', { details: spanBody(id, 'crm:read') });
  assert.equal(created.status, 201, created.text);
  const bulk = await call(server, account.token, 'POST', '/api/v1/bulk', {
    items: ['crm:read', 'crm:read', 'ledger:read', 'notes:read', 'llm:call'].map((name, index) => ({
      _type: 'agent_spans/create',
      idempotency_key: `risk-span-${index}-${id}`,
      ...spanBody(id, name),
    })),
  });
  assert.equal(bulk.status, 200, bulk.text);
  return id;
}

const get = (server: Server, token: string, path: string) => call(server, token, 'GET', path);

for (const engine of ENGINES) {
  describe(`instance risk scores (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('scores the worked example: 41, medium, on get, list, /risk and span reads', async () => {
      const account = await newAccount(server);
      const profileId = await profile(server, account);
      await assign(server, account, profileId);
      const id = await workedRun(server, account);

      const one = await get(server, account.token, `/api/v1/agent_instance/${id}`);
      assert.equal(one.status, 200, one.text);
      assert.equal(one.body.details.risk_score, 41);
      assert.equal(one.body.details.risk_level, 'medium');

      const listed = await get(server, account.accountToken, '/api/v1/agent_instance');
      assert.deepEqual(
        listed.body.details.map((i: { id: string; risk_score: number; risk_level: string }) => [i.id, i.risk_score, i.risk_level]),
        [[id, 41, 'medium']],
      );
      const paged = await get(server, account.accountToken, '/api/v1/agent_instance?pagination[page_size]=5');
      assert.equal(paged.body.summaries[0].risk_score, 41);

      const risk = await get(server, account.token, `/api/v1/agent_instance/${id}/risk`);
      assert.equal(risk.status, 200, risk.text);
      const details = risk.body.details;
      assert.equal(details.type, 'agent_instance_risk');
      assert.equal(details.risk_score, 41);
      assert.equal(details.risk_level, 'medium');
      assert.equal(details.assessed, true);
      assert.equal(details.span_count, 6);
      assert.equal(details.undeclared_span_count, 1, 'llm:call declares nothing');
      assert.deepEqual(details.profile, {
        id: profileId,
        name: 'Customer data',
        thresholds: THRESHOLDS,
        categories: [
          { category: 'personal_identifiers', weight: 8 },
          { category: 'contact_information', weight: 4 },
          { category: 'financial_information', weight: 5 },
        ],
        actions: [{ action: 'read_data', multiplier: 1 }],
        archived: false,
      });
      assert.deepEqual(details.span_types, [
        {
          span_type: 'crm:read',
          span_count: 3,
          share: 0.5,
          score_per_span: 12,
          points: 36,
          categories: ['personal_identifiers', 'contact_information'],
          actions: ['read_data'],
        },
        {
          span_type: 'ledger:read',
          span_count: 1,
          share: 0.166667,
          score_per_span: 5,
          points: 5,
          categories: ['financial_information'],
          actions: ['read_data'],
        },
        { span_type: 'notes:read', span_count: 1, share: 0.166667, score_per_span: 0, points: 0, categories: [], actions: [] },
      ]);

      const spans = await get(server, account.token, `/api/v1/agent_spans?agent_instance_id=${id}&include_risk_level=true`);
      assert.equal(spans.status, 200, spans.text);
      const byType = new Map(
        spans.body.details.map((s: { schema_name: string; risk_score: number | null; risk_level: string | null }) => [
          s.schema_name,
          [s.risk_score, s.risk_level],
        ]),
      );
      assert.deepEqual(Object.fromEntries(byType), {
        'crm:read': [12, 'low'],
        'ledger:read': [5, 'low'],
        'notes:read': [0, 'low'],
        'llm:call': [null, null],
      });
      const plain = await get(server, account.token, `/api/v1/agent_spans?agent_instance_id=${id}`);
      assert.ok(!('risk_score' in plain.body.details[0]), 'only on request');
      const agentPage = await get(
        server,
        account.accountToken,
        `/api/v1/agent_spans?agent_id=${account.agentId}&pagination[page_size]=10&include_risk_level=true&include_payloads=false`,
      );
      assert.equal(agentPage.status, 200, agentPage.text);
      assert.equal(agentPage.body.summaries.filter((s: { risk_score: number | null }) => s.risk_score === 12).length, 3);
      const spanId = spans.body.details.find((s: { schema_name: string }) => s.schema_name === 'crm:read').id;
      const oneSpan = await get(server, account.token, `/api/v1/agent_spans/${spanId}?include_risk_level=true`);
      assert.equal(oneSpan.body.details.risk_score, 12);
      assert.equal(oneSpan.body.details.risk_level, 'low');
    });

    it('a profile change re-scores history; an archived profile still scores; no profile is not assessed', async () => {
      const account = await newAccount(server);
      const id = await workedRun(server, account);
      const none = await get(server, account.token, `/api/v1/agent_instance/${id}`);
      assert.equal(none.body.details.risk_score, null, 'no profile: not assessed');
      assert.equal(none.body.details.risk_level, null);
      const noneRisk = await get(server, account.token, `/api/v1/agent_instance/${id}/risk`);
      assert.equal(noneRisk.body.details.assessed, false);
      assert.equal(noneRisk.body.details.profile, null);

      const profileId = await profile(server, account);
      await assign(server, account, profileId);
      assert.equal((await get(server, account.token, `/api/v1/agent_instance/${id}`)).body.details.risk_score, 41);

      const changed = await call(server, account.accountToken, 'PUT', `/api/v1/risk_profile/${profileId}`, {
        details: { categories: { personal_identifiers: { weight: 10 } }, thresholds: { medium: 10, high: 40 } },
      });
      assert.equal(changed.status, 200, changed.text);
      const rescored = await get(server, account.token, `/api/v1/agent_instance/${id}`);
      assert.equal(rescored.body.details.risk_score, 47, '3 × 14 + 5');
      assert.equal(rescored.body.details.risk_level, 'high');

      const archived = await call(server, account.accountToken, 'DELETE', `/api/v1/risk_profile/${profileId}`);
      assert.equal(archived.status, 200, archived.text);
      assert.equal((await get(server, account.token, `/api/v1/agent_instance/${id}`)).body.details.risk_score, 47);
      assert.equal((await get(server, account.token, `/api/v1/agent_instance/${id}/risk`)).body.details.profile.archived, true);

      await assign(server, account, null);
      assert.equal((await get(server, account.token, `/api/v1/agent_instance/${id}`)).body.details.risk_level, null);
    });

    it('a run whose span types declare no data risk is not assessed', async () => {
      const account = await newAccount(server);
      await assign(server, account, await profile(server, account));
      const id = await register(server, account, { external_identifier: 'plain', span_type_schemas: [type('llm:call')] });
      const created = await call(server, account.token, 'POST', '/api/v1/agent_spans', { details: spanBody(id, 'llm:call') });
      assert.equal(created.status, 201, created.text);
      const one = await get(server, account.token, `/api/v1/agent_instance/${id}`);
      assert.equal(one.body.details.risk_score, null);
      const risk = await get(server, account.token, `/api/v1/agent_instance/${id}/risk`);
      assert.equal(risk.body.details.assessed, false);
      assert.equal(risk.body.details.undeclared_span_count, 1);
      assert.deepEqual(risk.body.details.span_types, []);
    });

    it('filters the instance list by risk_level, paging without skipping or repeating', async () => {
      const account = await newAccount(server);
      await assign(server, account, await profile(server, account));
      const medium = [await workedRun(server, account), await workedRun(server, account)];
      const low = await register(server, account);
      await call(server, account.token, 'POST', '/api/v1/agent_spans', { details: spanBody(low, 'ledger:read') });
      await register(server, account, { external_identifier: 'plain', span_type_schemas: [type('llm:call')] });

      const ids = async (query: string) => {
        const reply = await get(server, account.accountToken, `/api/v1/agent_instance?${query}`);
        assert.equal(reply.status, 200, reply.text);
        return reply.body;
      };
      assert.deepEqual((await ids('risk_level=medium')).details.map((i: { id: string }) => i.id).sort(), [...medium].sort());
      assert.deepEqual(
        (await ids('risk_level=low')).details.map((i: { id: string }) => i.id),
        [low],
      );
      assert.deepEqual((await ids('risk_level=high,critical')).details, []);
      const first = await ids('risk_level=medium,low&limit=2');
      assert.equal(first.details.length, 2);
      assert.notEqual(first.pagination.next_cursor, null);
      const second = await ids(`risk_level=medium,low&limit=2&cursor=${first.pagination.next_cursor}`);
      assert.equal(second.details.length, 1);
      assert.equal(second.pagination.next_cursor, null);
      const seen = [...first.details, ...second.details].map((i: { id: string }) => i.id).sort();
      assert.deepEqual(seen, [...medium, low].sort());
      const offset = await ids('risk_level=medium&pagination[page_size]=1&pagination[offset]=1');
      assert.equal(offset.summaries.length, 1);
      assert.equal(offset.pagination.item_count, 2, 'the total counts matches only');
    });

    it('scores a run stored from OTLP against the schema version named after its service version', async () => {
      const account = await newAccount(server);
      const resource = { 'service.name': 'crm-bot', 'service.version': '2.0' };
      const trace = (traceId: string) => {
        const root = newSpanId();
        const child = (operation: string) => ({
          traceId,
          spanId: newSpanId(),
          parentSpanId: root,
          attributes: { 'gen_ai.operation.name': operation },
        });
        return exportRequest([{ traceId, spanId: root }, child('crm'), child('crm'), child('crm'), child('ledger')], resource);
      };
      const before = newTraceId();
      assert.equal((await postTraces(server, account.accountToken, trace(before))).status, 200);
      const agentId = (await get(server, account.accountToken, `/api/v1/agent_instance/${before}`)).body.details.agent_id as string;

      // Govern it: a profile, and the OTLP span types' declarations under the service's version.
      const profileId = await profile(server, account);
      assert.equal(
        (await call(server, account.accountToken, 'PUT', `/api/v1/agent/${agentId}`, { details: { risk_profile_id: profileId } })).status,
        200,
      );
      const [crm, ledger] = SCHEMA.span_type_schemas;
      const declared = await call(server, account.accountToken, 'POST', '/api/v1/agent_schema_version', {
        details: {
          agent_id: agentId,
          external_identifier: '2.0',
          span_type_schemas: [
            { ...crm, name: 'gen_ai:crm' },
            { ...ledger, name: 'gen_ai:ledger' },
          ],
        },
      });
      assert.equal(declared.status, 201, declared.text);

      const after = newTraceId();
      assert.equal((await postTraces(server, account.accountToken, trace(after))).status, 200);
      const scored = await get(server, account.accountToken, `/api/v1/agent_instance/${after}`);
      assert.equal(scored.body.details.risk_score, 41, 'OTLP spans count as API spans do');
      assert.equal(scored.body.details.risk_level, 'medium');
      const risk = await get(server, account.accountToken, `/api/v1/agent_instance/${after}/risk`);
      assert.equal(risk.body.details.schema_version_id, declared.body.details.id);
      assert.equal(risk.body.details.undeclared_span_count, 1, 'the root span (otel:internal) declares nothing');
      const earlier = await get(server, account.accountToken, `/api/v1/agent_instance/${before}`);
      assert.equal(earlier.body.details.risk_score, null, 'the run stored before keeps its own schema version, which declares nothing');
    });

    it('reads scores through the client', async (t) => {
      const account = await newAccount(server);
      await assign(server, account, await profile(server, account));
      const id = await workedRun(server, account);
      const client = new PrefactorHttpClient({ apiUrl: server.url, apiToken: account.accountToken, maxRetries: 0 });
      t.after(() => client.close());
      const risk = await client.agentInstances.risk(id);
      assert.equal(risk.risk_score, 41);
      assert.deepEqual(
        risk.span_types.map((type) => type.points),
        [36, 5, 0],
      );
      assert.equal((await client.agentInstances.get(id)).risk_level, 'medium');
      const page = await client.agentInstances.listPage({ risk_level: ['medium'] });
      assert.deepEqual(
        page.instances.map((instance) => instance.id),
        [id],
      );
      assert.deepEqual((await client.agentInstances.listPage({ risk_level: ['high', 'critical'] })).instances, []);
      const spans = await client.agentSpans.listPage({ agent_instance_id: id, include_risk_level: true });
      const crm = spans.spans.find((span) => span.schema_name === 'crm:read')!;
      assert.equal(crm.risk_score, 12);
      assert.equal((await client.agentSpans.getWithRisk(crm.id)).risk_level, 'low');
    });

    it('refuses a wrong risk_level, naming it and the allowed values; a /risk of no instance is 404', async () => {
      const account = await newAccount(server);
      for (const wrong of ['severe', 'high,,low', 'HIGH']) {
        const reply = await get(server, account.accountToken, `/api/v1/agent_instance?risk_level=${encodeURIComponent(wrong)}`);
        assert.equal(reply.status, 422, reply.text);
        assert.match(reply.text, /risk_level/);
        assert.match(reply.text, /low, medium, high, critical/);
      }
      const missing = await get(server, account.accountToken, '/api/v1/agent_instance/nope/risk');
      assert.equal(missing.status, 404, missing.text);
      const other = await newAccount(server);
      const id = await register(server, account);
      assert.equal((await get(server, other.accountToken, `/api/v1/agent_instance/${id}/risk`)).status, 404, "another account's run");
    });
  });
}
