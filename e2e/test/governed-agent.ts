// A governed agent seeded through the public API, for the agent pages' browser tests and the
// screenshots: a risk profile, an agent assigned it, declarations that exceed it, runs at several
// risk levels in two environments on two versions.
import { runAgentspan } from '../../packages/cli/test/agentspan-process.js';

/** Calls the API with a token; answers the parsed body, throwing on any status but 2xx. */
export async function apiCall<T = Record<string, unknown>>(url: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** An account-scoped token for the store in `dataDir` (the first start prints a deployment-scoped one). */
export async function accountToken(dataDir: string): Promise<string> {
  const made = await runAgentspan(['tokens', 'create', '--scope', 'account', '--data-dir', dataDir]);
  if (made.code !== 0) throw new Error(`agentspan tokens create failed: ${made.stderr}`);
  return made.stdout.trim();
}

const risk = (categoriesIn: string[], actions: string[], classification = 'confidential') => ({
  params_data_categories: { classification, ...Object.fromEntries(categoriesIn.map((c) => [c, 'included'])) },
  result_data_categories: { classification: 'internal' },
  action_profile: Object.fromEntries(actions.map((a) => [a, 'allowed'])),
});

export const GOVERNED_SCHEMA = {
  external_identifier: 'support-schema-1',
  span_type_schemas: [
    {
      name: 'support:lookup_customer',
      title: 'Look up a customer',
      params_schema: { type: 'object', properties: { email: { type: 'string' } } },
      result_schema: { type: 'object' },
      template: 'lookup {{email}}',
      data_risk: risk(['personal_identifiers', 'contact_information'], ['read_data']),
    },
    {
      name: 'support:refund',
      title: 'Refund an order',
      params_schema: { type: 'object', properties: { amount: { type: 'number' } } },
      template: 'refund {{amount}}',
      data_risk: risk(['personal_identifiers', 'financial_information'], ['financial_transactions', 'update_data'], 'restricted'),
    },
    {
      name: 'support:broken',
      title: 'A type whose schema does not compile',
      params_schema: { type: 'nonsense' },
      template: null,
    },
  ],
};

export interface GovernedAgent {
  agentId: string;
  profileId: string;
  production: { id: string; name: string };
  staging: { id: string; name: string };
  /** Runs by environment name. */
  runs: Record<string, string[]>;
}

/**
 * Seeds the governed agent. Only what the profile includes scores: a lookup span 5 (weights 3 + 2,
 * read × 1), a refund 3 (personal identifiers 3, update × 1; its financial data and transaction
 * are beyond the profile: exceedances); thresholds medium 5, high 12, critical 30.
 */
export async function seedGovernedAgent(url: string, token: string): Promise<GovernedAgent> {
  const call = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => apiCall<T>(url, token, method, path, body);
  const environments = (await call<{ summaries: Array<{ id: string; name: string }> }>('GET', '/environment')).summaries;
  const existing = environments[0]!;
  await call('PUT', `/environment/${existing.id}`, { details: { name: 'production', purpose: 'production' } });
  const staging = (await call<{ details: { id: string } }>('POST', '/environment', { details: { name: 'staging', purpose: 'staging' } })).details;
  const profile = (
    await call<{ details: { id: string } }>('POST', '/risk_profile', {
      details: {
        name: 'Customer data',
        categories: {
          personal_identifiers: { weight: 3, included: true },
          contact_information: { weight: 2, included: true },
          financial_information: { weight: 8, included: false },
        },
        actions: {
          read_data: { multiplier: 1, included: true },
          update_data: { multiplier: 1, included: true },
          financial_transactions: { multiplier: 2, included: false },
        },
        thresholds: { medium: 5, high: 12, critical: 30 },
      },
    })
  ).details;
  const agent = (
    await call<{ details: { id: string } }>('POST', '/agent', {
      details: { name: 'support-agent', description: 'Answers customer tickets and refunds orders', risk_profile_id: profile.id },
    })
  ).details;

  const runs: Record<string, string[]> = { production: [], staging: [] };
  const run = async (environment: { id: string }, name: string, version: string, spans: string[], status: 'complete' | 'failed') => {
    const instance = (
      await call<{ details: { id: string } }>('POST', '/agent_instance/register', {
        agent_id: agent.id,
        environment_id: environment.id,
        agent_version: { name: version, external_identifier: version },
        agent_schema_version: GOVERNED_SCHEMA,
      })
    ).details;
    await call('POST', `/agent_instance/${instance.id}/start`, {});
    for (const schema_name of spans) {
      const span = (
        await call<{ details: { id: string } }>('POST', '/agent_spans', {
          details: { agent_instance_id: instance.id, schema_name, status: 'active', payload: {} },
        })
      ).details;
      await call('POST', `/agent_spans/${span.id}/finish`, { status: status === 'failed' && schema_name === spans.at(-1) ? 'failed' : 'complete' });
    }
    await call('POST', `/agent_instance/${instance.id}/finish`, { status });
    runs[name]!.push(instance.id);
  };
  const production = { id: existing.id, name: 'production' };
  const lookups = (n: number) => Array<string>(n).fill('support:lookup_customer');
  const refunds = (n: number) => Array<string>(n).fill('support:refund');
  await run(staging, 'staging', '1.0.0', refunds(1), 'complete'); // 3: low
  await run(production, 'production', '1.0.0', lookups(1), 'complete'); // 5: medium
  await run(production, 'production', '1.0.0', [...lookups(1), ...refunds(3)], 'complete'); // 14: high
  await run(production, 'production', '1.1.0', [...lookups(4), ...refunds(4)], 'failed'); // 32: critical
  await run(staging, 'staging', '1.1.0', lookups(2), 'complete'); // 10: medium
  return { agentId: agent.id, profileId: profile.id, production, staging: { id: staging.id, name: 'staging' }, runs };
}
