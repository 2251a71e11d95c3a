import type { AgentInstance, AgentSpan, PrefactorHttpClient } from '@agentspan/client';

/** The span types the demo agent registers: each validates its payload and renders a summary. */
const SPAN_TYPES = [
  {
    name: 'agent:run',
    title: 'Agent run',
    params_schema: { type: 'object', properties: { goal: { type: 'string' } }, required: ['goal'] },
    template: '{{goal}}',
  },
  {
    name: 'llm:call',
    title: 'LLM call',
    params_schema: {
      type: 'object',
      properties: { model: { type: 'string' }, prompt: { type: 'string' } },
      required: ['model', 'prompt'],
    },
    result_schema: { type: 'object', properties: { completion: { type: 'string' }, tokens: { type: 'integer' } } },
    template: '{{model}}: {{prompt}}',
  },
  {
    name: 'tool:call',
    title: 'Tool call',
    params_schema: {
      type: 'object',
      properties: { tool: { type: 'string' }, input: { type: 'object' } },
      required: ['tool'],
    },
    template: '{{tool}}({{input.query}}{{input.url}})',
  },
];

export interface AgentRunResult {
  instance: AgentInstance;
  spans: AgentSpan[];
}

/**
 * A small research agent: it plans with an LLM, searches, fails to fetch a page, and answers.
 * Every call goes through the client, as an agent process would make it.
 */
export async function runScriptedAgent(client: PrefactorHttpClient): Promise<AgentRunResult> {
  const registered = await client.agentInstances.register({
    agent_version: { name: 'research-agent', external_identifier: 'research-agent@1.0.0' },
    agent_schema_version: { external_identifier: 'research-agent-schemas@1', span_type_schemas: SPAN_TYPES },
  });
  const instanceId = registered.id;
  await client.agentInstances.start(instanceId);

  const span = (schema_name: string, payload: Record<string, unknown>, parent_span_id?: string) =>
    client.agentSpans.create({ agent_instance_id: instanceId, schema_name, status: 'active', payload, parent_span_id });

  const run = await span('agent:run', { goal: 'Who maintains the SQLite project?' });
  const plan = await span('llm:call', { model: 'gpt-4o-mini', prompt: 'Plan the research' }, run.id);
  await client.agentSpans.finish(plan.id, { result_payload: { completion: 'search, then read the home page', tokens: 42 } });

  const search = await span('tool:call', { tool: 'web_search', input: { query: 'SQLite maintainers' } }, run.id);
  await client.agentSpans.finish(search.id, { result_payload: { hits: 3 } });

  const fetchPage = await span('tool:call', { tool: 'fetch_page', input: { url: 'https://sqlite.org' } }, run.id);
  await client.agentSpans.finish(fetchPage.id, { status: 'failed', result_payload: { error: 'timed out after 10 s' } });

  const answer = await span('llm:call', { model: 'gpt-4o-mini', prompt: 'Answer from the search results' }, run.id);
  await client.agentSpans.finish(answer.id, {
    result_payload: { completion: 'D. Richard Hipp and a small team', tokens: 87 },
  });
  await client.agentSpans.finish(run.id, { result_payload: { answer: 'D. Richard Hipp and a small team' } });
  await client.agentInstances.finish(instanceId);

  const spans: AgentSpan[] = [];
  for await (const s of client.agentSpans.list({ agent_instance_id: instanceId })) spans.push(s);
  return { instance: await client.agentInstances.get(instanceId), spans };
}
