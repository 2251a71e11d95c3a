// Runs with token usage, seeded through the public API as an agent would send them: model calls
// of a priced OpenAI model, a priced Anthropic model (each in its provider's usage shape) and an
// unpriced local model, tool calls (one failing), over the last day, for two agents. What the
// dashboard's browser test and the screenshots draw from.

/** A model id with no shipped price: its tokens count, its cost is left out and named. */
export const UNPRICED_MODEL = 'acme-local-llm';

export const USAGE_SCHEMA = {
  external_identifier: 'usage-schema',
  span_type_schemas: [
    { name: 'agent:run', title: 'Agent run', params_schema: { type: 'object' }, template: '{{goal}}' },
    { name: 'llm:call', title: 'Model call', params_schema: { type: 'object' }, template: '{{model}}' },
    { name: 'tool:call', title: 'Tool call', params_schema: { type: 'object' }, template: '{{tool}}' },
    { name: 'retrieval', title: 'Retrieval', params_schema: { type: 'object' }, template: '{{query}}' },
  ],
};

type Call = (method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>;

/** The API over loopback with `token`; a refusal fails the seed, naming the call. */
function caller(url: string, token: string): Call {
  return async (method, path, body) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
}

const idOf = (answer: Record<string, unknown>) => (answer.details as { id: string }).id;

/** A model call's result as each provider reports usage (the server normalises them). */
const MODEL_RESULTS: Record<string, (scale: number) => Record<string, unknown>> = {
  // OpenAI: prompt_tokens include the cached ones, completion_tokens the reasoning ones.
  'gpt-4o-mini': (k) => ({
    model: 'gpt-4o-mini-2024-07-18',
    usage: {
      prompt_tokens: 1800 * k,
      completion_tokens: 420 * k,
      prompt_tokens_details: { cached_tokens: 600 * k },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
  }),
  // Anthropic: cache reads and writes stand beside input_tokens.
  'claude-3-5-sonnet': (k) => ({
    model: 'claude-3-5-sonnet-20241022',
    usage: { input_tokens: 900 * k, output_tokens: 650 * k, cache_read_input_tokens: 2400 * k, cache_creation_input_tokens: 300 * k },
  }),
  [UNPRICED_MODEL]: (k) => ({ model: UNPRICED_MODEL, usage: { input_tokens: 1500 * k, output_tokens: 500 * k } }),
};

interface RunPlan {
  agent: 'support' | 'billing';
  hoursAgo: number;
  model: keyof typeof MODEL_RESULTS;
  scale: number;
  status: 'complete' | 'failed' | 'active';
  failingTool?: boolean;
  /** The run's length in seconds. */
  seconds: number;
}

/** Twelve runs over the last 20 hours: most complete, two failed, one still running. */
const PLANS: RunPlan[] = [
  { agent: 'support', hoursAgo: 20, model: 'gpt-4o-mini', scale: 1, status: 'complete', seconds: 4 },
  { agent: 'support', hoursAgo: 17, model: 'gpt-4o-mini', scale: 2, status: 'complete', seconds: 7 },
  { agent: 'billing', hoursAgo: 15, model: 'claude-3-5-sonnet', scale: 1, status: 'complete', seconds: 9 },
  { agent: 'support', hoursAgo: 12, model: UNPRICED_MODEL, scale: 1, status: 'failed', failingTool: true, seconds: 3 },
  { agent: 'support', hoursAgo: 10, model: 'gpt-4o-mini', scale: 1, status: 'complete', seconds: 5 },
  { agent: 'billing', hoursAgo: 8, model: 'claude-3-5-sonnet', scale: 3, status: 'complete', seconds: 21 },
  { agent: 'support', hoursAgo: 6, model: 'gpt-4o-mini', scale: 1, status: 'complete', failingTool: true, seconds: 6 },
  { agent: 'billing', hoursAgo: 5, model: 'claude-3-5-sonnet', scale: 2, status: 'failed', seconds: 12 },
  { agent: 'support', hoursAgo: 4, model: UNPRICED_MODEL, scale: 2, status: 'complete', seconds: 4 },
  { agent: 'support', hoursAgo: 2, model: 'gpt-4o-mini', scale: 3, status: 'complete', seconds: 8 },
  { agent: 'billing', hoursAgo: 1, model: 'claude-3-5-sonnet', scale: 1, status: 'complete', seconds: 10 },
  { agent: 'support', hoursAgo: 0.2, model: 'gpt-4o-mini', scale: 1, status: 'active', seconds: 2 },
];

export interface UsageSeed {
  environmentId: string;
  agents: { support: string; billing: string };
  /** Every seeded run, in the order of `PLANS`. */
  runs: string[];
}

/** Two agents (`triage-agent`, `billing-agent`) in the account's first environment, and their runs with usage. */
export async function seedUsageRuns(url: string, accountToken: string, now = Date.now()): Promise<UsageSeed> {
  const call = caller(url, accountToken);
  const environments = (await call('GET', '/api/v1/environment')).summaries as Array<{ id: string }>;
  const environmentId = environments[0]!.id;
  const agents = {
    support: idOf(await call('POST', '/api/v1/agent', { details: { name: 'triage-agent', description: 'Answers support tickets' } })),
    billing: idOf(await call('POST', '/api/v1/agent', { details: { name: 'billing-agent', description: 'Explains invoices' } })),
  };
  const runs: string[] = [];
  for (const plan of PLANS) {
    const at = (seconds: number) => new Date(now - plan.hoursAgo * 3_600_000 + seconds * 1000).toISOString();
    const run = idOf(
      await call('POST', '/api/v1/agent_instance/register', {
        agent_id: agents[plan.agent],
        environment_id: environmentId,
        agent_version: { name: '1.0.0', external_identifier: '1.0.0' },
        agent_schema_version: USAGE_SCHEMA,
      }),
    );
    runs.push(run);
    await call('POST', `/api/v1/agent_instance/${run}/start`, { timestamp: at(0) });
    const span = async (
      schema_name: string,
      payload: Record<string, unknown>,
      from: number,
      to: number,
      status: string,
      result?: unknown,
      parent?: string,
    ) => {
      const id = idOf(
        await call('POST', '/api/v1/agent_spans', {
          details: {
            agent_instance_id: run,
            schema_name,
            status: 'active',
            payload,
            started_at: at(from),
            ...(parent ? { parent_span_id: parent } : {}),
          },
        }),
      );
      if (status !== 'active')
        await call('POST', `/api/v1/agent_spans/${id}/finish`, { status, timestamp: at(to), ...(result ? { result_payload: result } : {}) });
      return id;
    };
    const root = await span('agent:run', { goal: 'answer the ticket' }, 0, 0, 'active');
    const s = plan.seconds;
    await span('retrieval', { query: 'ticket history' }, 0.1, 0.1 + s * 0.1, 'complete', { documents: 4 }, root);
    await span(
      'llm:call',
      { model: plan.model, prompt: 'draft an answer' },
      s * 0.15,
      s * 0.6,
      'complete',
      MODEL_RESULTS[plan.model]!(plan.scale),
      root,
    );
    await span('tool:call', { tool: 'crm_lookup' }, s * 0.6, s * 0.7, 'complete', { found: true }, root);
    await span(
      'tool:call',
      { tool: 'send_reply' },
      s * 0.7,
      s * 0.95,
      plan.failingTool ? 'failed' : 'complete',
      plan.failingTool ? { error: 'mail server timeout' } : { sent: true },
      root,
    );
    if (plan.status === 'active') continue;
    await call('POST', `/api/v1/agent_spans/${root}/finish`, { status: plan.status, timestamp: at(s) });
    await call('POST', `/api/v1/agent_instance/${run}/finish`, { status: plan.status, timestamp: at(s) });
  }
  return { environmentId, agents, runs };
}
