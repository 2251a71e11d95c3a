import type { Span, Tracer } from '@agentspan/tracer';
import { ToolMessage } from '@langchain/core/messages';
import { createMiddleware } from 'langchain';
import { Capture, captureRules, IntegrationConfigError, type CaptureOptions } from '../shared/capture.js';
import { isAbort } from '../shared/errors.js';
import { preview } from '../shared/preview.js';
import { addUsage, type TokenUsage } from '../shared/usage.js';
import { lastUserText, messageView, contentText } from './messages.js';
import { LANGCHAIN_AGENT, LANGCHAIN_LLM, LANGCHAIN_SPAN_TYPES, LANGCHAIN_TOOL } from './span-types.js';
import { withDataRisk, type DataRiskOption } from '../shared/data-risk.js';
import { endFailed, endTool, llmOutcome, llmPayload, toolPayload } from './spans.js';

export interface LangChainTracingOptions extends DataRiskOption {
  capture?: CaptureOptions;
  /** The `agent` field of the agent span. Default `agent`. */
  agentName?: string;
}

/** One invoke or stream of the agent: its span and what its calls added up to. */
interface AgentRun {
  span: Span;
  modelCalls: number;
  toolCalls: number;
  usage: TokenUsage | undefined;
}

type Message = { id?: unknown; content?: unknown };

/**
 * A `createAgent` middleware tracing each `invoke` / `stream` of the agent as one
 * `langchain:agent` span, with a `langchain:llm` span per model call and a `langchain:tool` span
 * per tool call beneath it. A run is known again by the id of the newest message it was given.
 */
export function agentspanMiddleware(tracer: Tracer, options: LangChainTracingOptions = {}) {
  if (typeof tracer?.startSpan !== 'function') {
    throw new IntegrationConfigError(
      `agentspanMiddleware: pass the tracer made by createTracer from @agentspan/tracer; got ${tracer === null ? 'null' : typeof tracer}`,
    );
  }
  const capture = new Capture(captureRules('agentspanMiddleware', options.capture));
  if (options.agentName !== undefined && (typeof options.agentName !== 'string' || options.agentName === '')) {
    throw new IntegrationConfigError('agentspanMiddleware: agentName must be a non-empty string, e.g. "support-bot"');
  }
  const agentName = options.agentName ?? 'agent';
  tracer.declareSpanTypes(withDataRisk('agentspanMiddleware', LANGCHAIN_SPAN_TYPES, options.dataRisk));
  const runs = new Map<unknown, AgentRun>();

  const runOf = (messages: readonly Message[] | undefined): AgentRun | undefined => {
    for (let i = (messages?.length ?? 0) - 1; i >= 0; i--) {
      const run = runs.get(messages![i]!.id);
      if (run) return run;
    }
    return undefined;
  };
  const finish = (run: AgentRun, key: unknown, messages: readonly Message[]) => {
    runs.delete(key);
    const last = messages[messages.length - 1];
    const text = contentText(last?.content);
    run.span.end({
      result: {
        ...capture.outputs({ answer_preview: preview(text), text }),
        model_calls: run.modelCalls,
        tool_calls: run.toolCalls,
        ...(run.usage ? { usage: run.usage } : {}),
      },
    });
  };
  const fail = (run: AgentRun | undefined, error: unknown) => {
    // The error usually ends the run, and afterAgent is not called then. Should an outer
    // middleware recover, later calls still find the run and nest under its span.
    if (run && !run.span.ended)
      endFailed(run.span, error, isAbort(error, tracer.signal) ? 'cancelled' : 'failed', { model_calls: run.modelCalls, tool_calls: run.toolCalls });
  };

  return createMiddleware({
    name: 'agentspan',
    beforeAgent: (state) => {
      if (!tracer.recording) return;
      const messages = state.messages as Message[];
      const key = messages[messages.length - 1]?.id;
      if (key === undefined || runs.has(key)) return;
      const span = tracer.startSpan(LANGCHAIN_AGENT, {
        agent: agentName,
        ...capture.inputs({ prompt_preview: preview(lastUserText(messages)), messages: messages.map(messageView) }),
      });
      runs.set(key, { span, modelCalls: 0, toolCalls: 0, usage: undefined });
    },
    afterAgent: (state) => {
      const messages = state.messages as Message[];
      for (const message of messages) {
        const run = runs.get(message.id);
        if (run) return void finish(run, message.id, messages);
      }
    },
    wrapModelCall: async (request, handler) => {
      // A disabled or unsampled tracer records nothing: nothing is built for it either.
      if (!tracer.recording) return handler(request);
      const run = runOf(request.state.messages);
      const span = tracer.startSpan(
        LANGCHAIN_LLM,
        {
          ...llmPayload(capture, request.model, request.messages, { system: request.systemPrompt }),
          ...(request.tools?.length ? { tools: request.tools.map((tool) => (tool as { name?: string }).name ?? 'tool') } : {}),
        },
        run ? { parent: run.span } : undefined,
      );
      try {
        const message = await untilTerminated(tracer, handler(request));
        const outcome = llmOutcome(capture, message);
        span.end({ result: outcome.result });
        if (run) {
          run.modelCalls += 1;
          run.usage = addUsage(run.usage, outcome.usage);
        }
        return message;
      } catch (error) {
        endFailed(span, error, isAbort(error, tracer.signal) ? 'cancelled' : 'failed');
        fail(run, error);
        throw error;
      }
    },
    wrapToolCall: async (request, handler) => {
      if (!tracer.recording) return handler(request);
      const run = runOf(request.state.messages);
      const call = request.toolCall;
      const span = tracer.startSpan(LANGCHAIN_TOOL, toolPayload(capture, call.name, call.id, call.args), run ? { parent: run.span } : undefined);
      if (run) run.toolCalls += 1;
      try {
        const output = await untilTerminated(tracer, handler(request));
        endTool(span, capture, output);
        return output;
      } catch (error) {
        const aborted = tracer.signal.aborted || request.runtime.signal?.aborted === true;
        if (!aborted && isToolError(error)) {
          const message = asToolMessage(error, call);
          endTool(span, capture, message);
          return message;
        }
        endFailed(span, error, isAbort(error, tracer.signal) ? 'cancelled' : 'failed');
        fail(run, error);
        throw error;
      }
    },
  });
}

// Interrupts (human in the loop) and invalid tool input take createAgent's own ways.
const PASSED_ON = new Set(['GraphInterrupt', 'NodeInterrupt', 'ToolInvocationError', 'MiddlewareError']);

/** An error the tool itself threw, which createAgent hands back to the model when no middleware wraps tool calls. */
const isToolError = (error: unknown) => error instanceof Error && !PASSED_ON.has(error.name) && !PASSED_ON.has(error.constructor.name);

/**
 * The tool message createAgent makes of a tool's error without a `wrapToolCall` middleware: with
 * one, it treats the error as the middleware's and ends the run. Tracing must not change that.
 */
function asToolMessage(error: unknown, call: { id?: string; name: string }): ToolMessage {
  return new ToolMessage({ content: `${String(error)}\n Please fix your mistakes.`, tool_call_id: call.id ?? '', name: call.name, status: 'error' });
}

/**
 * The call's answer, or its rejection with the terminate reason once an operator terminates the
 * instance: the agent stops at the call it is in (the model's own request is not aborted).
 */
function untilTerminated<T>(tracer: Tracer, answer: T | PromiseLike<T>): Promise<T> {
  const call = Promise.resolve(answer);
  const signal = tracer.signal;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    call.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
