import type { SpanTypeDefinition } from '@agentspan/tracer';
import { MODEL_CALL_DATA_RISK } from './data-risk.js';

// The schemas describe the fields each integration sends without requiring any, so that a span
// whose inputs or outputs are not captured (or were withheld by `redact`) is still stored.

const anything = {};
const text = { type: 'string' };
const count = { type: 'integer', minimum: 0 };

/** Token counts, as every integration reports them. */
export const USAGE_SCHEMA = {
  type: 'object',
  properties: {
    input_tokens: count,
    output_tokens: count,
    total_tokens: count,
    reasoning_tokens: count,
    cached_input_tokens: count,
  },
};

const ERROR_SCHEMA = { type: 'object', properties: { name: text, message: text, stack: text } };

/** `gpt-4o-mini: <first words of the prompt> → <first words of the answer> (123 tokens)` */
export const MODEL_CALL_TEMPLATE = '{{model}}: {{prompt_preview}} → {{answer_preview}} ({{usage.total_tokens}} tokens)';

/** One model call: what went in (model, settings, messages) and what came out (text, tool calls, usage). */
export function modelCallType(name: string, title: string, description: string): SpanTypeDefinition {
  return {
    name,
    title,
    description,
    template: MODEL_CALL_TEMPLATE,
    dataRisk: MODEL_CALL_DATA_RISK,
    params_schema: {
      type: 'object',
      properties: {
        model: text,
        provider: text,
        operation: text,
        streamed: { type: 'boolean' },
        prompt_preview: text,
        messages: anything,
        tools: anything,
        settings: { type: 'object' },
      },
    },
    result_schema: {
      type: 'object',
      properties: {
        answer_preview: text,
        text: anything,
        output: anything,
        tool_calls: anything,
        finish_reason: text,
        usage: USAGE_SCHEMA,
        response_id: text,
        error: ERROR_SCHEMA,
      },
    },
  };
}

/** One tool call: its name and arguments, and what it answered. */
export function toolCallType(name: string, title: string, description: string): SpanTypeDefinition {
  return {
    name,
    title,
    description,
    template: '{{tool}}({{input_preview}}) → {{output_preview}}',
    params_schema: {
      type: 'object',
      properties: { tool: text, tool_call_id: text, input: anything, input_preview: text },
    },
    result_schema: {
      type: 'object',
      properties: { output: anything, output_preview: text, error: ERROR_SCHEMA },
    },
  };
}
