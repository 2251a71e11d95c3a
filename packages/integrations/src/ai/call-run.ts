import type { Span, Tracer } from '@agentspan/tracer';
import type { LanguageModelV3ToolResultPart } from '@ai-sdk/provider';
import type { Capture } from '../shared/capture.js';
import { preview } from '../shared/preview.js';
import { addUsage, type TokenUsage } from '../shared/usage.js';
import { AI_TOOL } from './span-types.js';
import { parsedInput, toolOutput, type Answer } from './prompt.js';

/** What one step of a call answered, as the call's span sums it up. */
export interface StepOutcome {
  answer: Answer;
  usage: TokenUsage | undefined;
  finishReason: string | undefined;
  /** The parsed answer of an object call (`generateObject`, `streamObject`). */
  output?: unknown;
}

/**
 * One generateText / streamText / generateObject / streamObject call, seen from the model: its
 * span, the steps of its tool loop, and the tool calls a step asked for. A later model call whose
 * prompt hands back those tools' results is the next step of the same call.
 */
export class CallRun {
  readonly span: Span;
  steps = 0;
  /** Prompt messages already recorded by an earlier step. */
  seenMessages = 0;
  #usage: TokenUsage | undefined;
  // Made for the first tool call: most calls ask for none.
  #toolSpans: Map<string, Span> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(span: Span) {
    this.span = span;
  }

  /** Ends the step's tool spans with the results the prompt hands back. */
  takeResults(results: readonly LanguageModelV3ToolResultPart[], capture: Capture): void {
    clearTimeout(this.#timer);
    for (const part of results) {
      const span = this.#toolSpans?.get(part.toolCallId);
      if (!span) continue;
      this.#toolSpans!.delete(part.toolCallId);
      const { value, failed } = toolOutput(part);
      const shown = typeof value === 'string' ? value : JSON.stringify(value);
      const result = capture.outputs({ output: value, output_preview: preview(shown) });
      if (failed)
        span.end({
          status: 'failed',
          result: { ...result, error: { name: 'ToolError', message: capture.outputs({ shown }).shown ?? 'the tool failed' } },
        });
      else span.end({ result });
    }
    // A tool whose result was not handed back (the loop went on without it) ends with nothing seen.
    this.#endTools();
  }

  /** Counts a finished step; tool calls it asked for become tool spans under the call, waiting for their results. */
  step(outcome: StepOutcome, tracer: Tracer, capture: Capture): string[] {
    this.steps += 1;
    this.#usage = addUsage(this.#usage, outcome.usage);
    const ids: string[] = [];
    for (const call of outcome.answer.toolCalls) {
      const input = parsedInput(call.input);
      const span = tracer.startSpan(
        AI_TOOL,
        { tool: call.toolName, tool_call_id: call.toolCallId, ...capture.inputs({ input, input_preview: preview(call.input) }) },
        { parent: this.span },
      );
      (this.#toolSpans ??= new Map()).set(call.toolCallId, span);
      ids.push(call.toolCallId);
    }
    return ids;
  }

  /**
   * The call stopped after a step that asked for tools (its step limit, or tools without
   * `execute`): no later step hands their results back. Ends everything after `ms` unless a next
   * step came.
   */
  expireAfter(ms: number, onExpire: () => void): void {
    this.#timer = setTimeout(() => {
      this.#endTools();
      onExpire();
      this.finish({ tool_results_seen: false });
    }, ms);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  /** Ends the call's span with `fields` (the last step's answer), its steps and the usage of all of them. */
  finish(fields: Record<string, unknown>): void {
    fields.steps = this.steps;
    if (this.#usage) fields.usage = this.#usage;
    this.span.end({ result: fields });
  }

  /** Ends the tools still waiting and the call's span, as `status`, with `error`. */
  fail(status: 'failed' | 'cancelled', error: Record<string, unknown>): void {
    clearTimeout(this.#timer);
    this.#endTools({ status: 'cancelled' });
    this.span.end({ status, result: { steps: this.steps, ...(this.#usage ? { usage: this.#usage } : {}), error } });
  }

  /** Ends the tool spans still waiting, with `fields` (nothing seen, unless given). */
  #endTools(fields?: { status: 'cancelled' }): void {
    if (!this.#toolSpans) return;
    for (const span of this.#toolSpans.values()) span.end(fields);
    this.#toolSpans.clear();
  }
}
