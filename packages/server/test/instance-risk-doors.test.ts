// Risk scores of runs that came through other doors (OTLP), and read through the client.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PrefactorHttpClient } from '@agentspan/client';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Server } from './harness.js';
import { exportRequest, newSpanId, newTraceId, postTraces } from './otlp-exports.js';
import { assign, get, profile, SCHEMA, workedRun } from './risk-fixtures.js';

for (const engine of ENGINES) {
  describe(`instance risk scores through OTLP and the client (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('scores a run stored from OTLP against the schema version its agent version names', async () => {
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

      // Govern it: a profile, the OTLP span types' declarations, and the version the service reports naming them.
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
      // The version OTLP made on its own declares nothing, a schema version under its name or not.
      const made = newTraceId();
      assert.equal((await postTraces(server, account.accountToken, trace(made))).status, 200);
      assert.equal((await get(server, account.accountToken, `/api/v1/agent_instance/${made}`)).body.details.risk_score, null);
      const version = await call(server, account.accountToken, 'POST', '/api/v1/agent_version', {
        details: { agent_id: agentId, external_identifier: '3.0', agent_schema_version_id: declared.body.details.id },
      });
      assert.equal(version.status, 201, version.text);
      resource['service.version'] = '3.0';

      const after = newTraceId();
      assert.equal((await postTraces(server, account.accountToken, trace(after))).status, 200);
      const scored = await get(server, account.accountToken, `/api/v1/agent_instance/${after}`);
      assert.equal(scored.body.details.agent_version_id, version.body.details.id);
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
  });
}
