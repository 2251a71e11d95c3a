import { call, type Account, type Server } from './harness.js';

/** A schema version with two span types, as the Python client registers it. */
export const SCHEMA_VERSION = {
  external_identifier: 'schema-1',
  span_type_schemas: [
    {
      name: 'agent:llm',
      title: 'LLM call',
      template: '{{model}}: {{ prompt }} -> {{response}}',
      params_schema: {
        type: 'object',
        properties: { model: { type: 'string' }, prompt: { type: 'string' } },
        required: ['prompt'],
      },
      result_schema: { type: 'object', properties: { response: { type: 'string' } }, required: ['response'] },
    },
    {
      name: 'agent:tool',
      title: 'Tool call',
      template: '{{ name }}({{args.path}}) {{missing}}',
      params_schema: { type: 'object', properties: { name: { type: 'string' }, args: { type: 'object' } } },
    },
  ],
};

export const AGENT_VERSION = { name: 'Support agent', external_identifier: 'v1.0.0', description: 'answers tickets' };

/** Registers (and by default starts) an instance with the deployment token; returns its id. */
export async function openInstance(
  server: Server,
  account: Account,
  options: { start?: boolean; schema?: object; id?: string } = {},
): Promise<string> {
  const registered = await call(server, account.token, 'POST', '/api/v1/agent_instance/register', {
    agent_version: AGENT_VERSION,
    agent_schema_version: options.schema ?? SCHEMA_VERSION,
    update_current_version: true,
    ...(options.id ? { id: options.id } : {}),
  });
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${registered.text}`);
  const id = registered.body.details.id as string;
  if (options.start !== false) {
    const started = await call(server, account.token, 'POST', `/api/v1/agent_instance/${id}/start`, { timestamp: null });
    if (started.status !== 200) throw new Error(`start failed: ${started.status} ${started.text}`);
  }
  return id;
}

/** Creates a span with the Python client's body shape; returns the reply. */
export const createSpan = (server: Server, account: Account, details: Record<string, unknown>, headers?: Record<string, string>) =>
  call(server, account.token, 'POST', '/api/v1/agent_spans', { details }, headers);

export const llmPayload = (prompt = 'hello') => ({ model: 'gpt-test', prompt });
