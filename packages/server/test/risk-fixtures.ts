// What the risk score tests share: the worked example's profile, a schema version declaring its
// span types, and a run of its spans sent through the API and /bulk.
import assert from 'node:assert/strict';
import { call, type Account, type Server } from './harness.js';
import { AGENT_VERSION } from './fixtures.js';

// The worked example's thresholds: 41 is medium.
export const THRESHOLDS = { medium: 20, high: 60, critical: 100 };
export const PROFILE = {
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

export const type = (name: string, dataRisk?: unknown) => ({
  name,
  params_schema: { type: 'object' },
  ...(dataRisk === undefined ? {} : { data_risk: dataRisk }),
});
export const SCHEMA = {
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

export async function profile(server: Server, account: Account, details: Record<string, unknown> = PROFILE): Promise<string> {
  const reply = await call(server, account.accountToken, 'POST', '/api/v1/risk_profile', { details });
  assert.equal(reply.status, 201, reply.text);
  return reply.body.details.id as string;
}

export async function assign(server: Server, account: Account, profileId: string | null) {
  const reply = await call(server, account.accountToken, 'PUT', `/api/v1/agent/${account.agentId}`, { details: { risk_profile_id: profileId } });
  assert.equal(reply.status, 200, reply.text);
}

export async function register(server: Server, account: Account, schema: object = SCHEMA): Promise<string> {
  const reply = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
    agent_version: AGENT_VERSION,
    agent_schema_version: schema,
  });
  assert.equal(reply.status, 201, reply.text);
  return reply.body.details.id as string;
}

export const spanBody = (instanceId: string, schemaName: string) => ({
  agent_instance_id: instanceId,
  schema_name: schemaName,
  status: 'complete',
  payload: {},
  result_payload: {},
});

/** The worked example's spans: three crm:read (one by API, two in a bulk), one ledger:read, and undeclared ones. */
export async function workedRun(server: Server, account: Account): Promise<string> {
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

export const get = (server: Server, token: string, path: string) => call(server, token, 'GET', path);
