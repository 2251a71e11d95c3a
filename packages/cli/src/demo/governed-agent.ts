import type { Agent, AgentInstance, PrefactorHttpClient, RiskProfile } from '@agentspan/client';

// A governed agent for the demo, the viewer's browser tests and its screenshots: a risk profile,
// span types that declare what they touch (version 2's refund beyond the profile), two versions in
// two environments, runs at every risk level with a quality score, and the alerts they open.
//
// Under the profile, a span scores (Σ weights of the categories it includes) × (Σ multipliers of
// its actions): an LLM call reading personal identifiers and contact details 12, a web search
// sending personal identifiers out 16, a refund 27. With thresholds 20 / 60 / 120, the runs below
// score 12 (low), 40 (medium), 68 (high) and 121 (critical); one run of undeclared spans only is
// not assessed. Production runs 1.0.0; staging ran 1.0.0, then 2.0.0.

const PROFILE = {
  name: 'Customer data',
  description: 'Support agents that read customer records and may move money',
  categories: {
    personal_identifiers: { weight: 8, included: true },
    contact_information: { weight: 4, included: true },
    financial_information: { weight: 9, included: true },
  },
  actions: {
    read_data: { multiplier: 1, included: true },
    external_communication: { multiplier: 2, included: true },
    financial_transactions: { multiplier: 3, included: true },
  },
  thresholds: { medium: 20, high: 60, critical: 120 },
};

const RUN = { name: 'agent:run', title: 'Agent run', params_schema: { type: 'object' }, template: '{{ goal }}' };
const LLM = {
  name: 'llm:call',
  title: 'LLM call',
  params_schema: { type: 'object', properties: { model: { type: 'string' } }, required: ['model'] },
  template: '{{ model }}',
  data_risk: {
    params_data_categories: { classification: 'confidential', personal_identifiers: 'included', contact_information: 'included' },
    action_profile: { read_data: 'allowed', external_communication: 'disallowed' },
  },
};
const SEARCH = {
  name: 'tool:web_search',
  title: 'Web search',
  params_schema: { type: 'object', properties: { query: { type: 'string' } } },
  template: 'search {{ query | default: "(no query)" }}',
  data_risk: {
    params_data_categories: { classification: 'internal', personal_identifiers: 'included' },
    action_profile: { external_communication: 'allowed' },
  },
};
/**
 * Version 2's refund tool also declares health data and updating data, which the profile does not
 * agree to: a category and an action beyond it (each an exceedance; neither scores).
 */
const REFUND = {
  name: 'tool:refund',
  title: 'Refund',
  params_schema: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] },
  template: 'refund {{ amount }}',
  data_risk: {
    params_data_categories: { classification: 'restricted', financial_information: 'included', health_and_medical: 'included' },
    action_profile: { financial_transactions: 'allowed', update_data: 'allowed' },
  },
};
/** How well a run resolved its ticket, as the agent rates it. */
const RESOLUTION = {
  name: 'resolution',
  schema: { type: 'object', properties: { score: { type: 'integer', minimum: 0, maximum: 10 } }, required: ['score'] },
  template: '{{ score }} of 10',
};

export interface GovernedDemo {
  profile: RiskProfile;
  agent: Agent;
  environments: { production: string; staging: string };
  /** A run at each level, and one not assessed. */
  runs: { low: AgentInstance; medium: AgentInstance; high: AgentInstance; critical: AgentInstance; not_assessed: AgentInstance };
}

/** Seeds the governed agent through the client, as an operator and two deployments of the agent would. */
export async function seedGovernedAgent(client: PrefactorHttpClient): Promise<GovernedDemo> {
  const profile = await client.riskProfiles.create(PROFILE);
  const production = await client.environments.create({ name: 'production', purpose: 'production', description: 'Customer traffic' });
  const staging = await client.environments.create({ name: 'staging', purpose: 'staging', description: 'Release candidates' });
  const agent = await client.agents.create({
    name: 'support-agent',
    description: 'Answers customer tickets and issues refunds',
    risk_profile_id: profile.id,
  });

  const version = (environmentId: string, release: '1.0.0' | '2.0.0') => ({
    agent_id: agent.id,
    environment_id: environmentId,
    agent_version: { name: release, external_identifier: release },
    agent_schema_version: {
      external_identifier: `support-agent-schemas@${release}`,
      span_type_schemas: release === '1.0.0' ? [RUN, LLM, SEARCH] : [RUN, LLM, SEARCH, REFUND],
      quality_schemas: [RESOLUTION],
    },
    update_current_version: true,
  });

  /** One run: an agent:run span and its children, each finished, and its resolution score. */
  const run = async (
    environmentId: string,
    release: '1.0.0' | '2.0.0',
    children: [string, Record<string, unknown>][],
    score: number,
    failed = false,
  ) => {
    const instance = await client.agentInstances.register(version(environmentId, release));
    await client.agentInstances.start(instance.id);
    const root = await client.agentSpans.create({
      agent_instance_id: instance.id,
      schema_name: RUN.name,
      status: 'active',
      payload: { goal: 'Resolve ticket' },
    });
    for (const [schema_name, payload] of children) {
      const child = await client.agentSpans.create({
        agent_instance_id: instance.id,
        schema_name,
        status: 'active',
        payload,
        parent_span_id: root.id,
      });
      await client.agentSpans.finish(child.id, { result_payload: {} });
    }
    await client.agentSpans.finish(root.id, { status: failed ? 'failed' : 'complete', result_payload: {} });
    await client.agentInstances.finish(instance.id, { status: failed ? 'failed' : 'complete' });
    await client.agentInstances.recordQuality(instance.id, { name: RESOLUTION.name, payload: { score } });
    return client.agentInstances.get(instance.id);
  };
  const llm: [string, Record<string, unknown>] = [LLM.name, { model: 'gpt-4o-mini' }];
  const search: [string, Record<string, unknown>] = [SEARCH.name, { query: 'order status' }];
  const refund: [string, Record<string, unknown>] = [REFUND.name, { amount: 40 }];

  const notAssessed = await run(production.id, '1.0.0', [], 2);
  const low = await run(staging.id, '1.0.0', [llm], 9);
  const medium = await run(production.id, '1.0.0', [llm, llm, search], 8);
  const high = await run(production.id, '1.0.0', [llm, llm, llm, search, search], 3, true);
  const critical = await run(staging.id, '2.0.0', [llm, llm, search, refund, refund, refund], 6);
  return {
    profile,
    agent: await client.agents.get(agent.id),
    environments: { production: production.id, staging: staging.id },
    runs: { low, medium, high, critical, not_assessed: notAssessed },
  };
}
