import type { AgentSchemaVersionForRegister } from '@agentspan/protocol';
import type { ViewerSession } from './viewer-session.js';

/** A schema whose span types declare data risk: what a profile can score. */
export const GOVERNED_SCHEMA: AgentSchemaVersionForRegister = {
  external_identifier: 'governed-schema',
  span_type_schemas: [
    { name: 'agent:run', title: 'Agent run', params_schema: { type: 'object' }, template: '{{goal}}' },
    {
      name: 'crm:lookup',
      title: 'CRM lookup',
      params_schema: { type: 'object' },
      template: '{{customer}}',
      data_risk: {
        params_data_categories: { classification: 'confidential', personal_identifiers: 'included', contact_information: 'included' },
        action_profile: { read_data: 'allowed' },
      },
    },
    {
      name: 'email:send',
      title: 'Send email',
      params_schema: { type: 'object' },
      template: '{{to}}',
      data_risk: { params_data_categories: { contact_information: 'included' }, action_profile: { external_communication: 'allowed' } },
    },
  ],
  quality_schemas: [{ name: 'quality', schema: { type: 'object' }, template: '{{score}} of 10' }],
};

/**
 * Under this profile a `crm:lookup` span scores (8 + 4) × 1 = 12 and an `email:send` span 4 × 2 = 8;
 * levels: medium from 20, high from 40, critical from 80.
 */
export const GOVERNED_PROFILE = {
  name: 'Customer data',
  categories: { personal_identifiers: { weight: 8, included: true }, contact_information: { weight: 4, included: true } },
  actions: { read_data: { multiplier: 1, included: true }, external_communication: { multiplier: 2, included: true } },
  thresholds: { medium: 20, high: 40, critical: 80 },
};

export interface GovernedRuns {
  profileId: string;
  /** Runs of the first agent at each level: low 12, medium 24, high 44, critical 84. */
  low: string;
  medium: string;
  high: string;
  critical: string;
}

async function expectOk(answer: Promise<{ status: number; body: Record<string, unknown> }>): Promise<Record<string, unknown>> {
  const { status, body } = await answer;
  if (status >= 300) throw new Error(`seed call answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

/** A run of the first agent with `crm` CRM lookups and `emails` emails under one root span, finished. */
export async function governedRun(s: ViewerSession, crm: number, emails: number, version = '1.0.0'): Promise<string> {
  const { client } = s;
  const run = await client.agentInstances.register({
    agent_version: { name: version, external_identifier: version },
    agent_schema_version: GOVERNED_SCHEMA,
  });
  await client.agentInstances.start(run.id);
  const root = await client.agentSpans.create({
    agent_instance_id: run.id,
    schema_name: 'agent:run',
    status: 'active',
    payload: { goal: 'follow up' },
  });
  for (let i = 0; i < crm; i++) {
    const span = await client.agentSpans.create({
      agent_instance_id: run.id,
      schema_name: 'crm:lookup',
      status: 'active',
      parent_span_id: root.id,
      payload: { customer: `customer ${i + 1}` },
    });
    await client.agentSpans.finish(span.id, { status: 'complete', result_payload: { found: true } });
  }
  for (let i = 0; i < emails; i++) {
    const span = await client.agentSpans.create({
      agent_instance_id: run.id,
      schema_name: 'email:send',
      status: 'active',
      parent_span_id: root.id,
      payload: { to: `person${i + 1}@example.com` },
    });
    await client.agentSpans.finish(span.id, { status: 'complete' });
  }
  await client.agentSpans.finish(root.id, { status: 'complete' });
  await client.agentInstances.finish(run.id, { status: 'complete' });
  return run.id;
}

/** The profile, assigned to the session's first agent, and one run of it at each level. */
export async function seedGovernedRuns(s: ViewerSession): Promise<GovernedRuns> {
  const profile = await expectOk(s.call('POST', '/api/v1/risk_profile', { details: GOVERNED_PROFILE }));
  const profileId = (profile.details as { id: string }).id;
  await expectOk(s.call('PUT', `/api/v1/agent/${s.account.agentId}`, { details: { name: 'support-agent', risk_profile_id: profileId } }));
  return {
    profileId,
    low: await governedRun(s, 1, 0),
    medium: await governedRun(s, 2, 0),
    high: await governedRun(s, 3, 1, '2.0.0'),
    critical: await governedRun(s, 7, 0, '2.0.0'),
  };
}
