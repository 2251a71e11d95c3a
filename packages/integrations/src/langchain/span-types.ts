import type { SpanTypeDefinition } from '@agentspan/tracer';
import { USAGE_SCHEMA, modelCallType, toolCallType } from '../shared/span-types.js';
import { AGENT_RUN_DATA_RISK } from '../shared/data-risk.js';

export const LANGCHAIN_AGENT = 'langchain:agent';
export const LANGCHAIN_CHAIN = 'langchain:chain';
export const LANGCHAIN_LLM = 'langchain:llm';
export const LANGCHAIN_TOOL = 'langchain:tool';

const text = { type: 'string' };

/** The span types of the LangChain middleware and callback handler, declared on the tracer when either is made. */
export const LANGCHAIN_SPAN_TYPES: readonly SpanTypeDefinition[] = [
  {
    name: LANGCHAIN_AGENT,
    title: 'LangChain agent run',
    description: 'One invoke or stream of a createAgent agent: every model and tool call of its loop beneath it',
    template: '{{agent}}: {{prompt_preview}} → {{answer_preview}} ({{usage.total_tokens}} tokens)',
    dataRisk: AGENT_RUN_DATA_RISK,
    params_schema: { type: 'object', properties: { agent: text, prompt_preview: text, messages: {} } },
    result_schema: {
      type: 'object',
      properties: {
        answer_preview: text,
        text: {},
        model_calls: { type: 'integer', minimum: 0 },
        tool_calls: { type: 'integer', minimum: 0 },
        usage: USAGE_SCHEMA,
        error: { type: 'object' },
      },
    },
  },
  {
    name: LANGCHAIN_CHAIN,
    title: 'LangChain run',
    description: 'One invoke or stream of a chain or runnable traced with the callback handler',
    template: '{{chain}}: {{input_preview}} → {{output_preview}}',
    params_schema: { type: 'object', properties: { chain: text, input: {}, input_preview: text } },
    result_schema: { type: 'object', properties: { output: {}, output_preview: text, error: { type: 'object' } } },
  },
  modelCallType(LANGCHAIN_LLM, 'LangChain model call', 'One call of a chat model or LLM: model, messages, the answer, tool calls and token usage'),
  toolCallType(LANGCHAIN_TOOL, 'LangChain tool call', 'One call of a tool: its name, input and output'),
];
