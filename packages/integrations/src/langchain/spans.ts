// The payloads and results of LangChain's spans, shared by the agent middleware and the callback handler.
import type { Span } from '@agentspan/tracer';
import type { Capture } from '../shared/capture.js';
import { errorResult } from '../shared/errors.js';
import { preview } from '../shared/preview.js';
import type { TokenUsage } from '../shared/usage.js';
import { contentText, lastUserText, messageView, modelName, toolCallsOf, toolOutputOf, usageOf } from './messages.js';

type Json = Record<string, unknown>;

const shown = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

export function llmPayload(
  capture: Capture,
  model: unknown,
  messages: readonly unknown[],
  extra: { params?: unknown; metadata?: Json; system?: string } = {},
): Json {
  const metadata = extra.metadata;
  return {
    model: modelName(model, extra.params, metadata),
    ...(typeof metadata?.ls_provider === 'string' ? { provider: metadata.ls_provider } : {}),
    operation: 'chat',
    ...capture.inputs({
      prompt_preview: preview(lastUserText(messages)),
      messages: [...(extra.system ? [{ role: 'system', content: extra.system }] : []), ...messages.map(messageView)],
    }),
  };
}

/** What a model answered: its text, tool calls and token usage. */
export function llmOutcome(capture: Capture, message: unknown, llmOutput?: unknown): { result: Json; usage: TokenUsage | undefined; text: string } {
  const text = contentText((message as { content?: unknown } | undefined)?.content);
  const toolCalls = toolCallsOf(message);
  const usage = usageOf(message, llmOutput);
  const finish = (message as { response_metadata?: Json } | undefined)?.response_metadata?.finish_reason;
  return {
    text,
    usage,
    result: {
      ...capture.outputs({
        answer_preview: preview(text || toolCalls.map((call) => `${String(call.tool)}(${shown(call.input)})`).join(', ')),
        text,
        ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
      }),
      ...(typeof finish === 'string' ? { finish_reason: finish } : {}),
      ...(usage ? { usage } : {}),
    },
  };
}

export function toolPayload(capture: Capture, tool: string, toolCallId: string | undefined, input: unknown): Json {
  return { tool, ...(toolCallId ? { tool_call_id: toolCallId } : {}), ...capture.inputs({ input, input_preview: preview(shown(input)) }) };
}

/** Ends a tool span with its output; a tool message of status `error` is a failed call. */
export function endTool(span: Span, capture: Capture, output: unknown): void {
  const { value, failed } = toolOutputOf(output);
  const result = capture.outputs({ output: value, output_preview: preview(shown(value)) });
  if (failed) span.end({ status: 'failed', result: { ...result, error: { name: 'ToolError', message: preview(shown(value)) } } });
  else span.end({ result });
}

export function endFailed(span: Span, error: unknown, status: 'failed' | 'cancelled' = 'failed', extra: Json = {}): void {
  span.end({ status, result: { ...span.result, ...extra, error: errorResult(error) } });
}
