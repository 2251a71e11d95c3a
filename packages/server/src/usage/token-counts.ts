/**
 * Token counts as the ecosystem writes them, each read into one rule: every token counted once and
 * by its type. `input` is the input tokens that were neither read from nor written to a prompt
 * cache; `output` is the output tokens that were not reasoning; `cache_read`, `cache_write` and
 * `reasoning` are the rest; `total` is the sum of the five.
 *
 * Providers differ in what their headline counts hold:
 * - OpenAI (chat `prompt_tokens`, Responses `input_tokens`), LangChain's `usage_metadata`, the AI
 *   SDK, OpenTelemetry GenAI, OpenInference and `@agentspan/integrations` count cached tokens inside
 *   the input count and reasoning tokens inside the output count: the details are taken out of them.
 * - Anthropic (`input_tokens` beside `cache_read_input_tokens` / `cache_creation_input_tokens`)
 *   counts cached tokens apart: they are added, never taken out.
 */
export interface TokenCounts {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
  reasoning: number;
  total: number;
}

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A count as written: a non-negative number, or digits in a string (OTLP int64s beyond 2^53 arrive as text). */
function count(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

const at = (object: unknown, key: string): unknown => (isObject(object) ? object[key] : undefined);

/**
 * Counts whose input and output include their cached and reasoning parts. A detail larger than the
 * count it is part of is believed and the count clamped at zero, so no type goes negative.
 */
function inclusive(input: number | undefined, output: number | undefined, cacheRead = 0, cacheWrite = 0, reasoning = 0): TokenCounts {
  return counts(Math.max(0, (input ?? 0) - cacheRead - cacheWrite), Math.max(0, (output ?? 0) - reasoning), cacheRead, cacheWrite, reasoning);
}

function counts(input: number, output: number, cacheRead: number, cacheWrite: number, reasoning: number): TokenCounts {
  return { input, output, cache_read: cacheRead, cache_write: cacheWrite, reasoning, total: input + output + cacheRead + cacheWrite + reasoning };
}

/**
 * The counts of one usage object (`usage`, `token_usage`, `usage_metadata`, …), told apart by the
 * names of its fields; undefined when it holds neither an input nor an output count.
 */
export function countsOfObject(u: Json): TokenCounts | undefined {
  // OpenAI chat completions, and Prefactor's `token_usage` (which has no details).
  let input = count(u.prompt_tokens);
  let output = count(u.completion_tokens);
  if (input !== undefined || output !== undefined) {
    return inclusive(
      input,
      output,
      count(at(u.prompt_tokens_details, 'cached_tokens')),
      0,
      count(at(u.completion_tokens_details, 'reasoning_tokens')),
    );
  }
  input = count(u.input_tokens);
  output = count(u.output_tokens);
  if (input !== undefined || output !== undefined) {
    const cacheRead = count(u.cache_read_input_tokens);
    const cacheWrite = count(u.cache_creation_input_tokens);
    // Anthropic: the cache counts stand beside input_tokens.
    if (cacheRead !== undefined || cacheWrite !== undefined) return counts(input ?? 0, output ?? 0, cacheRead ?? 0, cacheWrite ?? 0, 0);
    return inclusive(
      input,
      output,
      // OpenAI Responses, LangChain usage_metadata, @agentspan/integrations.
      count(at(u.input_tokens_details, 'cached_tokens')) ?? count(at(u.input_token_details, 'cache_read')) ?? count(u.cached_input_tokens),
      count(at(u.input_token_details, 'cache_creation')),
      count(at(u.output_tokens_details, 'reasoning_tokens')) ?? count(at(u.output_token_details, 'reasoning')) ?? count(u.reasoning_tokens),
    );
  }
  // The AI SDK: v5/v6 `LanguageModelUsage` (numbers with details), or a provider's v3 usage (objects).
  if (isObject(u.inputTokens) || isObject(u.outputTokens)) {
    return inclusive(
      count(at(u.inputTokens, 'total')),
      count(at(u.outputTokens, 'total')),
      count(at(u.inputTokens, 'cacheRead')),
      count(at(u.inputTokens, 'cacheWrite')),
      count(at(u.outputTokens, 'reasoning')),
    );
  }
  input = count(u.inputTokens) ?? count(u.promptTokens);
  output = count(u.outputTokens) ?? count(u.completionTokens);
  if (input === undefined && output === undefined) return undefined;
  return inclusive(
    input,
    output,
    count(at(u.inputTokenDetails, 'cacheReadTokens')) ?? count(u.cachedInputTokens),
    count(at(u.inputTokenDetails, 'cacheWriteTokens')),
    count(at(u.outputTokenDetails, 'reasoningTokens')) ?? count(u.reasoningTokens),
  );
}

/**
 * The counts of flat span attributes: OpenTelemetry GenAI (`gen_ai.usage.*`), OpenInference
 * (`llm.token_count.*`) or the AI SDK's telemetry (`ai.usage.*`), the first of them present.
 */
export function countsOfAttributes(a: Json): TokenCounts | undefined {
  let input = count(a['gen_ai.usage.input_tokens']) ?? count(a['gen_ai.usage.prompt_tokens']);
  let output = count(a['gen_ai.usage.output_tokens']) ?? count(a['gen_ai.usage.completion_tokens']);
  if (input !== undefined || output !== undefined) {
    return inclusive(
      input,
      output,
      count(a['gen_ai.usage.cache_read.input_tokens']),
      count(a['gen_ai.usage.cache_creation.input_tokens']),
      count(a['gen_ai.usage.reasoning.output_tokens']),
    );
  }
  input = count(a['llm.token_count.prompt']);
  output = count(a['llm.token_count.completion']);
  if (input !== undefined || output !== undefined) {
    return inclusive(
      input,
      output,
      count(a['llm.token_count.prompt_details.cache_read']),
      count(a['llm.token_count.prompt_details.cache_write']),
      count(a['llm.token_count.completion_details.reasoning']),
    );
  }
  input = count(a['ai.usage.inputTokens']) ?? count(a['ai.usage.promptTokens']);
  output = count(a['ai.usage.outputTokens']) ?? count(a['ai.usage.completionTokens']);
  if (input === undefined && output === undefined) return undefined;
  return inclusive(
    input,
    output,
    count(a['ai.usage.inputTokenDetails.cacheReadTokens']) ?? count(a['ai.usage.cachedInputTokens']),
    count(a['ai.usage.inputTokenDetails.cacheWriteTokens']),
    count(a['ai.usage.outputTokenDetails.reasoningTokens']) ?? count(a['ai.usage.reasoningTokens']),
  );
}
