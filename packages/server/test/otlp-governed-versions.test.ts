// An OTLP-fed agent governed as the README says: its span types declared in a schema version, and
// the agent version its service reports created ahead of its traces, naming that schema version.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ENGINES } from './engines.js';
import { call, newAccount, startServer, type Account, type Server } from './harness.js';
import { otlpExporter, recordGenAiRun, tracerProvider } from './otlp-producers.js';
import { PROFILE, profile, type } from './risk-fixtures.js';

// What NodeTracerProvider.register() sets up: spans started inside another's callback are its children.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

const SERVICE = 'travel-planner';

/** One GenAI run (invoke_agent around a chat and an execute_tool call) exported by the OpenTelemetry SDK as `version`. */
async function exportRun(server: Server, account: Account, version: string): Promise<string> {
  const { provider, tracer } = tracerProvider(otlpExporter('protobuf', { url: server.url, token: account.accountToken }), {
    name: SERVICE,
    version,
  });
  const traceId = recordGenAiRun(tracer);
  await provider.forceFlush();
  await provider.shutdown();
  return traceId;
}

async function read(server: Server, account: Account, path: string) {
  const reply = await call(server, account.accountToken, 'GET', path);
  assert.equal(reply.status, 200, reply.text);
  return reply.body.details as Record<string, unknown>;
}

async function post(server: Server, account: Account, path: string, details: Record<string, unknown>) {
  const reply = await call(server, account.accountToken, 'POST', path, { details });
  assert.equal(reply.status, 201, reply.text);
  return reply.body.details as Record<string, unknown> & { id: string };
}

/** The OTLP span types' declarations: a chat reads personal identifiers and contact data (8 + 4), a tool financial data (5). */
const declarations = (agentId: string, externalIdentifier: string) => ({
  agent_id: agentId,
  external_identifier: externalIdentifier,
  span_type_schemas: [
    type('gen_ai:chat', {
      action_profile: { read_data: 'allowed' },
      params_data_categories: { personal_identifiers: 'included' },
      result_data_categories: { contact_information: 'included' },
    }),
    type('gen_ai:execute_tool', { action_profile: { read_data: 'allowed' }, result_data_categories: { financial_information: 'included' } }),
  ],
});

for (const engine of ENGINES) {
  describe(`OTLP runs scored against their agent version's schema version (${engine.name})`, () => {
    let server: Server;
    before(async () => (server = await startServer(engine)));
    after(() => server.close());

    it('scores the runs of a version created ahead of its traces, and not those of a version OTLP made', async () => {
      const account = await newAccount(server);
      const agent = await post(server, account, '/api/v1/agent', {
        name: SERVICE,
        external_identifier: SERVICE,
        risk_profile_id: await profile(server, account),
      });
      const schema = await post(server, account, '/api/v1/agent_schema_version', declarations(agent.id, 'genai-1'));
      const version = await post(server, account, '/api/v1/agent_version', {
        agent_id: agent.id,
        external_identifier: '1.2.0',
        agent_schema_version_id: schema.id,
      });
      assert.equal(version.agent_schema_version_id, schema.id);
      assert.equal((await read(server, account, `/api/v1/agent_version/${version.id}`)).agent_schema_version_id, schema.id);

      const governed = await read(server, account, `/api/v1/agent_instance/${await exportRun(server, account, '1.2.0')}`);
      assert.equal(governed.agent_id, agent.id, 'the trace is stored under the agent named by its service');
      assert.equal(governed.agent_version_id, version.id);
      assert.equal(governed.agent_schema_version_id, schema.id);
      assert.equal(governed.risk_score, 17, 'one chat (12) and one tool call (5); invoke_agent declares nothing');
      assert.equal(governed.risk_level, 'low');
      const risk = await read(server, account, `/api/v1/agent_instance/${governed.id as string}/risk`);
      assert.deepEqual(
        (risk.span_types as Array<{ span_type: string; points: number }>).map(({ span_type, points }) => [span_type, points]),
        [
          ['gen_ai:chat', 12],
          ['gen_ai:execute_tool', 5],
        ],
      );

      // A version first reported by the service declares nothing, even with a schema version
      // under its external_identifier: only a version naming one is governed.
      const unknownTrace = await exportRun(server, account, '1.3.0');
      const made = await read(server, account, `/api/v1/agent_instance/${unknownTrace}`);
      assert.equal(made.risk_score, null);
      assert.equal(made.risk_level, null);
      const madeVersion = await read(server, account, `/api/v1/agent_version/${made.agent_version_id as string}`);
      assert.equal(madeVersion.external_identifier, '1.3.0');
      assert.equal(madeVersion.agent_schema_version_id, null);
      await post(server, account, '/api/v1/agent_schema_version', declarations(agent.id, '1.3.0'));
      const still = await read(server, account, `/api/v1/agent_instance/${await exportRun(server, account, '1.3.0')}`);
      assert.equal(still.agent_version_id, madeVersion.id);
      assert.equal(still.agent_schema_version_id, made.agent_schema_version_id);
      assert.equal(still.risk_score, null);

      const versions = await call(server, account.accountToken, 'GET', `/api/v1/agent_version?agent_id=${agent.id}`);
      assert.deepEqual(
        (versions.body.summaries as Array<{ external_identifier: string; agent_schema_version_id: string | null }>).map((v) => [
          v.external_identifier,
          v.agent_schema_version_id,
        ]),
        [
          ['1.2.0', schema.id],
          ['1.3.0', null],
        ],
      );
    });

    it('opens a run_risk alert for an OTLP run that reaches high, and none for a version that declares nothing', async () => {
      const account = await newAccount(server);
      const strict = { ...PROFILE, name: 'Strict', thresholds: { medium: 5, high: 15, critical: 40 } };
      const agent = await post(server, account, '/api/v1/agent', {
        name: SERVICE,
        external_identifier: SERVICE,
        risk_profile_id: await profile(server, account, strict),
      });
      const schema = await post(server, account, '/api/v1/agent_schema_version', declarations(agent.id, 'genai-1'));
      await post(server, account, '/api/v1/agent_version', { agent_id: agent.id, external_identifier: '1.2.0', agent_schema_version_id: schema.id });

      const ungoverned = await exportRun(server, account, '0.9.0');
      const governed = await exportRun(server, account, '1.2.0');
      const reply = await call(server, account.accountToken, 'GET', '/api/v1/alerts?status=open');
      assert.equal(reply.status, 200, reply.text);
      const runAlerts = (reply.body.summaries as Array<Record<string, unknown>>).filter((alert) => alert.type === 'run_risk');
      assert.deepEqual(
        runAlerts.map((alert) => [alert.agent_instance_id, alert.risk_level, alert.risk_score, alert.agent_schema_version_id]),
        [[governed, 'high', 17, schema.id]],
        `17 is high under thresholds 5/15/40; the run of ${ungoverned} declares nothing`,
      );
    });
  });
}
