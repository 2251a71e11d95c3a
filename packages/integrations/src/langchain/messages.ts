// What the spans record of LangChain's messages and model answers, read structurally so that
// messages of any @langchain/core 1.x copy serve.
import { tokenUsage, type TokenUsage } from '../shared/usage.js';

type Json = Record<string, unknown>;
const record = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});

const ROLES: Record<string, string> = { human: 'user', ai: 'assistant', system: 'system', tool: 'tool', function: 'function', generic: 'user' };

function typeOf(message: Json): string | undefined {
  const getType = message._getType ?? message.getType;
  if (typeof getType === 'function') return (getType as () => string).call(message);
  return typeof message.type === 'string' ? message.type : typeof message.role === 'string' ? message.role : undefined;
}

/** The text of a message's content: a string, or its text blocks joined. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) => (typeof block === 'string' ? block : typeof record(block).text === 'string' ? (record(block).text as string) : ''))
    .join('');
}

/** A message as the spans show it: role, content, and the tool calls or tool call id it carries. */
export function messageView(value: unknown): Json {
  const message = record(value);
  const type = typeOf(message);
  const view: Json = { role: (type && ROLES[type]) ?? type ?? 'unknown', content: message.content };
  if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) view.tool_calls = toolCallsOf(message);
  if (typeof message.tool_call_id === 'string') view.tool_call_id = message.tool_call_id;
  if (typeof message.name === 'string') view.name = message.name;
  return view;
}

export const toolCallsOf = (message: unknown) =>
  (Array.isArray(record(message).tool_calls) ? (record(message).tool_calls as unknown[]) : []).map((call) => {
    const { id, name, args } = record(call);
    return { id, tool: name, input: args };
  });

/** The text of the last user message: what a summary line shows of the prompt. */
export function lastUserText(messages: readonly unknown[]): string | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = record(messages[i]);
    const type = typeOf(message);
    if (type === 'human' || type === 'user' || type === 'generic') return contentText(message.content);
  }
  return undefined;
}

/** Token counts of an AI message (`usage_metadata`), or of an LLM result's `llmOutput.tokenUsage`. */
export function usageOf(message: unknown, llmOutput?: unknown): TokenUsage | undefined {
  const usage = record(record(message).usage_metadata);
  const fromMessage = tokenUsage({
    input_tokens: usage.input_tokens as number,
    output_tokens: usage.output_tokens as number,
    total_tokens: usage.total_tokens as number,
    reasoning_tokens: record(usage.output_token_details).reasoning as number,
    cached_input_tokens: record(usage.input_token_details).cache_read as number,
  });
  if (fromMessage) return fromMessage;
  const counts = record(record(llmOutput).tokenUsage ?? record(llmOutput).estimatedTokenUsage);
  return tokenUsage({
    input_tokens: counts.promptTokens as number,
    output_tokens: counts.completionTokens as number,
    total_tokens: counts.totalTokens as number,
  });
}

/** The model's name as its integration reports it, else the class's own name for itself. */
export function modelName(model: unknown, params?: unknown, metadata?: unknown): string {
  const m = record(model);
  const invocation = record(record(params).invocation_params);
  // A model instance (the middleware) or its serialized form (callbacks: `kwargs`, `id`).
  const kwargs = record(m.kwargs);
  const candidates = [
    invocation.model,
    invocation.model_name,
    record(metadata).ls_model_name,
    m.model,
    m.modelName,
    m.model_name,
    kwargs.model,
    kwargs.model_name,
  ];
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate !== '') return candidate;
  }
  if (Array.isArray(m.id) && typeof m.id[m.id.length - 1] === 'string') return m.id[m.id.length - 1] as string;
  if (typeof m._llmType === 'function') return String((m._llmType as () => unknown).call(model));
  if (typeof m.getName === 'function') return String((m.getName as () => unknown).call(model));
  return 'model';
}

/** A tool's output as the spans show it: a tool message's content, or the value itself. */
export function toolOutputOf(output: unknown): { value: unknown; failed: boolean } {
  const message = record(output);
  if (typeOf(message) === 'tool') return { value: message.content, failed: message.status === 'error' };
  return { value: output, failed: false };
}
