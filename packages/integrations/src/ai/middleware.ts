import type { Payload, Span, Tracer } from '@agentspan/tracer';
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Middleware,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import { Capture, captureRules, IntegrationConfigError, type CaptureOptions } from '../shared/capture.js';
import { errorResult, isAbort } from '../shared/errors.js';
import { preview } from '../shared/preview.js';
import { tokenUsage, type TokenUsage } from '../shared/usage.js';
import { CallRun, type StepOutcome } from './call-run.js';
import { answerOf, lastUserText, parsedInput, trailingToolResults, type Answer } from './prompt.js';
import { AI_CALL, AI_LLM, AI_SDK_SPAN_TYPES } from './span-types.js';
import { withDataRisk, type DataRiskOption } from '../shared/data-risk.js';

export interface AgentspanMiddlewareOptions extends DataRiskOption {
  capture?: CaptureOptions;
  /**
   * How long a call that stopped after a step asking for tools waits for a next step that hands
   * back their results, before its span ends without them (ms). Default 60000.
   */
  pendingToolTimeout?: number;
}

const CALL = 'agentspanMiddleware';
const DEFAULT_PENDING_TOOL_TIMEOUT = 60_000;

/**
 * A `wrapLanguageModel` middleware tracing every call of the model on `tracer`: one `ai:call`
 * span per generateText / streamText / generateObject / streamObject call, an `ai:llm` span per
 * step beneath it, and an `ai:tool` span per tool call the model asked for.
 */
export function agentspanMiddleware(tracer: Tracer, options: AgentspanMiddlewareOptions = {}): LanguageModelV3Middleware {
  if (typeof tracer?.startSpan !== 'function') {
    throw new IntegrationConfigError(
      `${CALL}: pass the tracer made by createTracer from @agentspan/tracer; got ${tracer === null ? 'null' : typeof tracer}`,
    );
  }
  const capture = new Capture(captureRules(CALL, options.capture));
  const timeout = options.pendingToolTimeout ?? DEFAULT_PENDING_TOOL_TIMEOUT;
  if (typeof timeout !== 'number' || !(timeout > 0) || timeout > 2_147_483_647) {
    throw new IntegrationConfigError(`${CALL}: pendingToolTimeout must be a positive number of milliseconds; got ${String(timeout)}`);
  }
  tracer.declareSpanTypes(withDataRisk(CALL, AI_SDK_SPAN_TYPES, options.dataRisk));
  const calls = new CallRuns(tracer, capture, timeout);

  // Terminate reaches the model: the tracer's signal stands in for an abortSignal the caller did not give.
  const signalled = (params: LanguageModelV3CallOptions) => (params.abortSignal ? params : { ...params, abortSignal: tracer.signal });

  return {
    specificationVersion: 'v3',

    async wrapGenerate({ doGenerate, params, model }) {
      const given = params;
      params = signalled(given);
      const generate = params === given ? doGenerate : () => model.doGenerate(params);
      // A disabled or unsampled tracer records nothing: nothing is built for it either.
      if (!tracer.recording) return generate();
      const { run, step } = calls.begin(params, model, false);
      try {
        const result = await generate();
        const outcome: StepOutcome = { answer: answerOf(result.content), usage: usageOf(result.usage), finishReason: result.finishReason.unified };
        calls.end(run, step, outcome, params, result.response?.id);
        return result;
      } catch (error) {
        calls.fail(run, step, error, params.abortSignal, undefined);
        throw error;
      }
    },

    async wrapStream({ doStream, params, model }) {
      const given = params;
      params = signalled(given);
      const stream = params === given ? doStream : () => model.doStream(params);
      if (!tracer.recording) return stream();
      const { run, step } = calls.begin(params, model, true);
      let result;
      try {
        result = await stream();
      } catch (error) {
        calls.fail(run, step, error, params.abortSignal, undefined);
        throw error;
      }
      return { ...result, stream: traced(result.stream, calls, run, step, params) };
    },
  };
}

/** The calls in flight, found again by the tool calls their last step asked for. */
class CallRuns {
  readonly #byToolCall = new Map<string, CallRun>();

  constructor(
    readonly tracer: Tracer,
    readonly capture: Capture,
    readonly timeout: number,
  ) {}

  /** The call this model call is a step of (a new one unless its prompt hands back a pending call's tool results), and the step's span. */
  begin(params: LanguageModelV3CallOptions, model: LanguageModelV3, streamed: boolean): { run: CallRun; step: Span } {
    const results = trailingToolResults(params.prompt);
    let run: CallRun | undefined;
    for (const part of results) run ??= this.#byToolCall.get(part.toolCallId);
    const payload = this.#callPayload(params, model, streamed);
    if (run) {
      this.#forget(run);
      run.takeResults(results, this.capture);
    } else {
      run = new CallRun(this.tracer.startSpan(AI_CALL, payload));
    }
    const messages = run.seenMessages === 0 ? params.prompt : params.prompt.slice(run.seenMessages);
    run.seenMessages = params.prompt.length;
    const stepPayload: Payload = { ...payload };
    this.capture.input(stepPayload, 'messages', messages);
    const step = this.tracer.startSpan(AI_LLM, stepPayload, { parent: run.span });
    return { run, step };
  }

  end(run: CallRun, step: Span, outcome: StepOutcome, params: LanguageModelV3CallOptions, responseId: string | undefined): void {
    if (params.responseFormat?.type === 'json') outcome.output = parsedInput(outcome.answer.text);
    const result = this.#stepResult(outcome, responseId);
    step.end({ result });
    const pending = run.step(outcome, this.tracer, this.capture);
    if (pending.length === 0 || outcome.finishReason !== 'tool-calls') {
      run.finish({ answer_preview: result.answer_preview, text: result.text, output: result.output, finish_reason: result.finish_reason });
      return;
    }
    for (const id of pending) this.#byToolCall.set(id, run);
    run.expireAfter(this.timeout, () => this.#forget(run));
  }

  /** Ends the step and its call: `cancelled` when aborted, `failed` otherwise; partial answers are kept. */
  fail(run: CallRun, step: Span, error: unknown, signal: AbortSignal | undefined, partial: StepOutcome | undefined): void {
    const status = isAbort(error, signal) ? 'cancelled' : 'failed';
    step.end({ status, result: { ...(partial ? this.#stepResult(partial, undefined) : {}), error: errorResult(error) } });
    this.#forget(run);
    run.fail(status, errorResult(error));
  }

  #forget(run: CallRun): void {
    for (const [id, owner] of this.#byToolCall) if (owner === run) this.#byToolCall.delete(id);
  }

  #callPayload(params: LanguageModelV3CallOptions, model: LanguageModelV3, streamed: boolean): Payload {
    const payload: Payload = {
      model: model.modelId,
      provider: model.provider,
      operation: params.responseFormat?.type === 'json' ? 'object' : 'text',
      streamed,
    };
    if (this.capture.rules.inputs) {
      this.capture.input(payload, 'prompt_preview', preview(lastUserText(params.prompt)));
      if (params.tools?.length)
        this.capture.input(
          payload,
          'tools',
          params.tools.map((tool) => tool.name),
        );
    }
    payload.settings = settingsOf(params);
    return payload;
  }

  #stepResult(outcome: StepOutcome, responseId: string | undefined): Payload {
    const { answer } = outcome;
    const result: Payload = {};
    const { capture } = this;
    if (capture.rules.outputs) {
      capture.output(result, 'answer_preview', preview(answer.text || toolCallLine(answer)));
      capture.output(result, 'text', answer.text);
      if (answer.reasoning) capture.output(result, 'reasoning', answer.reasoning);
      capture.output(result, 'output', outcome.output);
      if (answer.toolCalls.length) {
        capture.output(
          result,
          'tool_calls',
          answer.toolCalls.map((call) => ({ id: call.toolCallId, tool: call.toolName, input: parsedInput(call.input) })),
        );
      }
    }
    if (outcome.finishReason) result.finish_reason = outcome.finishReason;
    if (outcome.usage) result.usage = outcome.usage;
    if (responseId) result.response_id = responseId;
    return result;
  }
}

/** `search(…), fetch(…)`: what a step that only asked for tools answered. */
const toolCallLine = (answer: Answer) => answer.toolCalls.map((call) => `${call.toolName}(${call.input})`).join(', ');

const SETTINGS = [
  'maxOutputTokens',
  'temperature',
  'topP',
  'topK',
  'presencePenalty',
  'frequencyPenalty',
  'seed',
  'stopSequences',
  'toolChoice',
] as const;

function settingsOf(params: LanguageModelV3CallOptions): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const key of SETTINGS) if (params[key] !== undefined) settings[key] = params[key];
  return settings;
}

function usageOf(usage: LanguageModelV3Usage | undefined): TokenUsage | undefined {
  if (!usage) return undefined;
  return tokenUsage({
    input_tokens: usage.inputTokens?.total,
    output_tokens: usage.outputTokens?.total,
    reasoning_tokens: usage.outputTokens?.reasoning,
    cached_input_tokens: usage.inputTokens?.cacheRead,
  });
}

/**
 * The model's stream passed through unchanged while its text, tool calls and usage are collected;
 * the step ends when the stream ends (complete), errors (failed) or is cancelled or aborted
 * (cancelled, with what had arrived).
 */
function traced(
  source: ReadableStream<LanguageModelV3StreamPart>,
  calls: CallRuns,
  run: CallRun,
  step: Span,
  params: LanguageModelV3CallOptions,
): ReadableStream<LanguageModelV3StreamPart> {
  const outcome: StepOutcome = { answer: { text: '', reasoning: '', toolCalls: [] }, usage: undefined, finishReason: undefined };
  let responseId: string | undefined;
  let failed: unknown;
  let done = false;
  const reader = source.getReader();
  const stop = (error: unknown) => {
    if (done) return;
    done = true;
    calls.fail(run, step, error, params.abortSignal, outcome);
  };
  return new ReadableStream<LanguageModelV3StreamPart>({
    async pull(controller) {
      let next;
      try {
        next = await reader.read();
      } catch (error) {
        stop(error);
        controller.error(error);
        return;
      }
      if (next.done) {
        if (!done) {
          done = true;
          if (failed === undefined) calls.end(run, step, outcome, params, responseId);
          else calls.fail(run, step, failed, params.abortSignal, outcome);
        }
        controller.close();
        return;
      }
      const part = next.value;
      switch (part.type) {
        case 'text-delta':
          outcome.answer.text += part.delta;
          break;
        case 'reasoning-delta':
          outcome.answer.reasoning += part.delta;
          break;
        case 'tool-call':
          if (!part.providerExecuted) outcome.answer.toolCalls.push(part);
          break;
        case 'response-metadata':
          responseId = part.id ?? responseId;
          break;
        case 'finish':
          outcome.usage = usageOf(part.usage);
          outcome.finishReason = part.finishReason.unified;
          break;
        case 'error':
          failed = part.error;
          break;
        // The rest pass through untouched: nothing of them goes into the span.
        case 'stream-start':
        case 'text-start':
        case 'text-end':
        case 'reasoning-start':
        case 'reasoning-end':
        case 'tool-input-start':
        case 'tool-input-delta':
        case 'tool-input-end':
        case 'tool-approval-request':
        case 'tool-result':
        case 'file':
        case 'source':
        case 'raw':
          break;
      }
      controller.enqueue(part);
    },
    async cancel(reason) {
      stop(reason ?? new DOMException('the stream was cancelled', 'AbortError'));
      await reader.cancel(reason);
    },
  });
}
