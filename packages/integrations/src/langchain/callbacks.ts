import type { Span, Tracer } from '@agentspan/tracer';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import type { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import type { ChainValues } from '@langchain/core/utils/types';
import { Capture, captureRules, IntegrationConfigError } from '../shared/capture.js';
import { isAbort } from '../shared/errors.js';
import { preview } from '../shared/preview.js';
import { contentText, lastUserText } from './messages.js';
import type { LangChainTracingOptions } from './middleware.js';
import { LANGCHAIN_CHAIN, LANGCHAIN_LLM, LANGCHAIN_SPAN_TYPES, LANGCHAIN_TOOL } from './span-types.js';
import { withDataRisk } from '../shared/data-risk.js';
import { endFailed, endTool, llmOutcome, llmPayload, toolPayload } from './spans.js';

type Json = Record<string, unknown>;

const serializedName = (serialized: Serialized | undefined) => {
  const id = (serialized as { id?: unknown } | undefined)?.id;
  return Array.isArray(id) && typeof id[id.length - 1] === 'string' ? (id[id.length - 1] as string) : undefined;
};

/** The words a chain's inputs or outputs show on the summary line. */
function valuesPreview(values: unknown): string {
  if (typeof values === 'string') return preview(values);
  const record = (values ?? {}) as Json;
  if (Array.isArray(record.messages))
    return preview(lastUserText(record.messages) ?? contentText((record.messages.at(-1) as Json | undefined)?.content));
  for (const key of ['input', 'question', 'query', 'output', 'text', 'answer']) {
    if (typeof record[key] === 'string') return preview(record[key]);
  }
  if (typeof record.content === 'string' || Array.isArray(record.content)) return preview(contentText(record.content));
  return preview(JSON.stringify(values));
}

/**
 * A LangChain callback handler tracing chains and runnables: a `langchain:chain` span per
 * top-level run, a `langchain:llm` span per model call and a `langchain:tool` span per tool
 * call beneath it. Nested chains (the steps of a sequence, the nodes of a graph) add no span
 * of their own; their calls go under the span of the run they belong to.
 */
export class AgentspanCallbackHandler extends BaseCallbackHandler {
  name = 'agentspan';
  // Inline, so that a top-level run's span finds the current span of the code that invoked it.
  override awaitHandlers = true;
  readonly #tracer: Tracer;
  readonly #capture: Capture;
  /** Runs with a span of their own. */
  readonly #spans = new Map<string, Span>();
  /** Nested chains: the span their calls go under. */
  readonly #under = new Map<string, Span | undefined>();

  constructor(tracer: Tracer, options: Omit<LangChainTracingOptions, 'agentName'> = {}) {
    super();
    if (typeof tracer?.startSpan !== 'function') {
      throw new IntegrationConfigError(
        `AgentspanCallbackHandler: pass the tracer made by createTracer from @agentspan/tracer; got ${tracer === null ? 'null' : typeof tracer}`,
      );
    }
    this.#tracer = tracer;
    this.#capture = new Capture(captureRules('AgentspanCallbackHandler', options.capture));
    tracer.declareSpanTypes(withDataRisk('AgentspanCallbackHandler', LANGCHAIN_SPAN_TYPES, options.dataRisk));
  }

  #parent(parentRunId: string | undefined): { parent: Span } | undefined {
    if (parentRunId === undefined) return undefined;
    const span = this.#spans.get(parentRunId) ?? this.#under.get(parentRunId);
    return span ? { parent: span } : undefined;
  }

  #start(runId: string, name: string, payload: Json, parentRunId: string | undefined): void {
    this.#spans.set(runId, this.#tracer.startSpan(name, payload, this.#parent(parentRunId)));
  }

  #take(runId: string): Span | undefined {
    const span = this.#spans.get(runId);
    this.#spans.delete(runId);
    this.#under.delete(runId);
    return span;
  }

  #fail(runId: string, error: unknown): void {
    const span = this.#take(runId);
    if (span) endFailed(span, error, isAbort(error, this.#tracer.signal) ? 'cancelled' : 'failed');
  }

  // The callback manager passes (…, runId, parentRunId, tags, metadata, runType, runName), whatever
  // the declared parameter names say.
  override handleChainStart(
    chain: Serialized,
    inputs: ChainValues,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    _metadata?: Json,
    _runType?: string,
    runName?: string,
  ): void {
    if (parentRunId !== undefined) {
      this.#under.set(runId, this.#parent(parentRunId)?.parent);
      return;
    }
    const name = runName ?? serializedName(chain) ?? 'chain';
    this.#start(
      runId,
      LANGCHAIN_CHAIN,
      { chain: name, ...this.#capture.inputs({ input: inputs, input_preview: valuesPreview(inputs) }) },
      parentRunId,
    );
  }

  override handleChainEnd(outputs: ChainValues, runId: string): void {
    const span = this.#take(runId);
    span?.end({ result: this.#capture.outputs({ output: outputs, output_preview: valuesPreview(outputs) }) });
  }

  override handleChainError(error: Error, runId: string): void {
    this.#fail(runId, error);
  }

  override handleChatModelStart(
    llm: Serialized,
    messages: BaseMessage[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Json,
    _tags?: string[],
    metadata?: Json,
  ): void {
    this.#start(runId, LANGCHAIN_LLM, llmPayload(this.#capture, llm, messages[0] ?? [], { params: extraParams, metadata }), parentRunId);
  }

  override handleLLMStart(
    llm: Serialized,
    prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Json,
    _tags?: string[],
    metadata?: Json,
  ): void {
    const asMessages = prompts.map((content) => ({ type: 'human', content }));
    this.#start(
      runId,
      LANGCHAIN_LLM,
      { ...llmPayload(this.#capture, llm, asMessages, { params: extraParams, metadata }), operation: 'completion' },
      parentRunId,
    );
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    const span = this.#take(runId);
    if (!span) return;
    const generation = output.generations[0]?.[0] as { message?: unknown; text?: string } | undefined;
    const message = generation?.message ?? { content: generation?.text ?? '' };
    span.end({ result: llmOutcome(this.#capture, message, output.llmOutput).result });
  }

  override handleLLMError(error: Error, runId: string): void {
    this.#fail(runId, error);
  }

  override handleToolStart(
    tool: Serialized,
    input: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    _metadata?: Json,
    runName?: string,
    toolCallId?: string,
  ): void {
    let parsed: unknown = input;
    try {
      parsed = JSON.parse(input);
    } catch {
      // A tool's input may be plain text.
    }
    const name = runName ?? (tool as { name?: string } | undefined)?.name ?? serializedName(tool) ?? 'tool';
    this.#start(runId, LANGCHAIN_TOOL, toolPayload(this.#capture, name, toolCallId, parsed), parentRunId);
  }

  override handleToolEnd(output: unknown, runId: string): void {
    const span = this.#take(runId);
    if (span) endTool(span, this.#capture, output);
  }

  override handleToolError(error: Error, runId: string): void {
    this.#fail(runId, error);
  }
}
