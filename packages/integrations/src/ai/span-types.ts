import type { SpanTypeDefinition } from '@agentspan/tracer';
import { USAGE_SCHEMA, modelCallType, toolCallType } from '../shared/span-types.js';
import { AGENT_RUN_DATA_RISK } from '../shared/data-risk.js';

export const AI_CALL = 'ai:call';
export const AI_LLM = 'ai:llm';
export const AI_TOOL = 'ai:tool';

/** The span types of the Vercel AI SDK middleware, declared on the tracer when it is made. */
export const AI_SDK_SPAN_TYPES: readonly SpanTypeDefinition[] = [
  {
    ...modelCallType(
      AI_CALL,
      'AI SDK call',
      'One generateText, streamText, generateObject or streamObject call: every step of its tool loop and every tool call beneath it',
    ),
    template: '{{model}}: {{prompt_preview}} → {{answer_preview}} ({{usage.total_tokens}} tokens, {{steps}} steps)',
    // It groups the steps (ai:llm) and tool calls beneath it, which declare what they do.
    dataRisk: AGENT_RUN_DATA_RISK,
    result_schema: {
      type: 'object',
      properties: {
        answer_preview: { type: 'string' },
        text: {},
        output: {},
        finish_reason: { type: 'string' },
        steps: { type: 'integer', minimum: 0 },
        usage: USAGE_SCHEMA,
        tool_results_seen: { type: 'boolean' },
        error: { type: 'object' },
      },
    },
  },
  modelCallType(
    AI_LLM,
    'AI SDK model call',
    'One call of the language model (one step of a call): prompt, settings, answer, tool calls, token usage',
  ),
  toolCallType(AI_TOOL, 'AI SDK tool call', 'A tool the model asked for, with its arguments and the result the next step was given'),
];
