import type { SpanTypeDefinition } from '@agentspan/tracer';
import { modelCallType } from '../shared/span-types.js';

export const OPENAI_CHAT = 'openai:chat';
export const OPENAI_RESPONSE = 'openai:response';

/** The span types of the OpenAI client wrapper, declared on the tracer when it wraps a client. */
export const OPENAI_SPAN_TYPES: readonly SpanTypeDefinition[] = [
  modelCallType(
    OPENAI_CHAT,
    'OpenAI chat completion',
    'One chat.completions.create call, streamed or not: messages, settings, the answer, tool calls and token usage',
  ),
  modelCallType(
    OPENAI_RESPONSE,
    'OpenAI response',
    'One responses.create call, streamed or not: input, instructions, settings, the output text, function calls and token usage',
  ),
];
