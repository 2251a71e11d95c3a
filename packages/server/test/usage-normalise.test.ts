import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spanUsage } from '../src/usage/normalise.js';

/**
 * A span's usage from its payload texts; read from the objects the texts were made from (as a
 * create hands them to the store) it must be the same.
 */
function usageOf(payload: object, result: object | null = null, schemaName = 'agent:llm') {
  const payloadJson = JSON.stringify(payload);
  const resultJson = result === null ? null : JSON.stringify(result);
  const fromText = spanUsage(schemaName, payloadJson, resultJson);
  assert.deepEqual(spanUsage(schemaName, payloadJson, resultJson, { payload, result }), fromText);
  return fromText;
}

/** The normalised counts and model, with the total they must add up to. */
function expected(
  model: string | null,
  counts: { input: number; output: number; cache_read?: number; cache_write?: number; reasoning?: number },
  sums = false,
) {
  const full = { cache_read: 0, cache_write: 0, reasoning: 0, ...counts };
  return { model, sums_children: sums, ...full, total: full.input + full.output + full.cache_read + full.cache_write + full.reasoning };
}

describe('token usage normalised at write', () => {
  it('OpenAI chat: cached tokens come out of prompt_tokens, reasoning out of completion_tokens', () => {
    const usage = {
      prompt_tokens: 1200,
      completion_tokens: 500,
      total_tokens: 1700,
      prompt_tokens_details: { cached_tokens: 1000 },
      completion_tokens_details: { reasoning_tokens: 320 },
    };
    assert.deepEqual(
      usageOf({ model: 'gpt-4o-mini' }, { model: 'gpt-4o-mini-2024-07-18', usage }),
      expected('gpt-4o-mini-2024-07-18', { input: 200, output: 180, cache_read: 1000, reasoning: 320 }),
    );
  });

  it('OpenAI Responses: input_tokens_details.cached_tokens and output_tokens_details.reasoning_tokens', () => {
    const usage = {
      input_tokens: 900,
      output_tokens: 400,
      input_tokens_details: { cached_tokens: 600 },
      output_tokens_details: { reasoning_tokens: 100 },
    };
    assert.deepEqual(usageOf({ model: 'o4-mini' }, { usage }), expected('o4-mini', { input: 300, output: 300, cache_read: 600, reasoning: 100 }));
  });

  it('Anthropic: cache read and creation stand beside input_tokens and are added, not taken out', () => {
    const usage = { input_tokens: 50, output_tokens: 700, cache_read_input_tokens: 8000, cache_creation_input_tokens: 1500 };
    assert.deepEqual(
      usageOf({}, { model: 'claude-sonnet-4-20250514', usage }),
      expected('claude-sonnet-4-20250514', { input: 50, output: 700, cache_read: 8000, cache_write: 1500 }),
    );
  });

  it('@agentspan/integrations: usage with cached_input_tokens and reasoning_tokens inside the counts, model in the payload', () => {
    const usage = { input_tokens: 1200, output_tokens: 500, total_tokens: 1700, cached_input_tokens: 1000, reasoning_tokens: 320 };
    assert.deepEqual(
      usageOf({ model: 'gpt-5', provider: 'openai' }, { usage }),
      expected('gpt-5', { input: 200, output: 180, cache_read: 1000, reasoning: 320 }),
    );
    // The AI SDK call span sums its steps: its counts stand, and runs leave them out.
    assert.equal(usageOf({ model: 'gpt-5' }, { usage }, 'ai:call')!.sums_children, true);
    assert.equal(usageOf({ model: 'gpt-5' }, { usage }, 'langchain:agent')!.sums_children, true);
  });

  it('AI SDK v6 usage: inputTokenDetails and outputTokenDetails', () => {
    const usage = {
      inputTokens: 3000,
      inputTokenDetails: { noCacheTokens: 500, cacheReadTokens: 2000, cacheWriteTokens: 500 },
      outputTokens: 900,
      outputTokenDetails: { textTokens: 600, reasoningTokens: 300 },
      totalTokens: 3900,
    };
    assert.deepEqual(
      usageOf({ model: 'claude-opus-4' }, { usage }),
      expected('claude-opus-4', { input: 500, output: 600, cache_read: 2000, cache_write: 500, reasoning: 300 }),
    );
  });

  it('AI SDK v5 usage: cachedInputTokens and reasoningTokens; a provider-level v3 usage of objects', () => {
    const v5 = { inputTokens: 100, outputTokens: 40, totalTokens: 140, cachedInputTokens: 60, reasoningTokens: 10 };
    assert.deepEqual(usageOf({ modelId: 'gpt-4.1' }, { usage: v5 }), expected('gpt-4.1', { input: 40, output: 30, cache_read: 60, reasoning: 10 }));
    const v3 = { inputTokens: { total: 100, noCache: 30, cacheRead: 60, cacheWrite: 10 }, outputTokens: { total: 40, text: 30, reasoning: 10 } };
    assert.deepEqual(usageOf({}, { usage: v3 }), expected(null, { input: 30, output: 30, cache_read: 60, cache_write: 10, reasoning: 10 }));
  });

  it('LangChain usage_metadata with input_token_details and output_token_details', () => {
    const usage_metadata = {
      input_tokens: 2500,
      output_tokens: 800,
      total_tokens: 3300,
      input_token_details: { cache_read: 1800, cache_creation: 200 },
      output_token_details: { reasoning: 250 },
    };
    assert.deepEqual(
      usageOf(
        { inputs: { messages: [] } },
        { outputs: { message: { usage_metadata, response_metadata: { model_name: 'claude-3-7-sonnet-latest' } } } },
      ),
      expected('claude-3-7-sonnet-latest', { input: 500, output: 550, cache_read: 1800, cache_write: 200, reasoning: 250 }),
    );
  });

  it("Prefactor SDKs' token_usage, in the payload (TypeScript core) or the result (Python LangChain), model at inputs['ai.model.id']", () => {
    const token_usage = { prompt_tokens: 420, completion_tokens: 80, total_tokens: 500 };
    assert.deepEqual(
      usageOf({ span_id: 's', name: 'ai:llm-call', inputs: { 'ai.model.name': 'openai.gpt-4o', 'ai.model.id': 'gpt-4o' }, token_usage }),
      expected('gpt-4o', { input: 420, output: 80 }),
    );
    assert.deepEqual(
      usageOf({ model_name: 'gpt-4o-mini', provider: 'openai' }, { outputs: {}, token_usage }),
      expected('gpt-4o-mini', { input: 420, output: 80 }),
    );
    assert.equal(usageOf({ inputs: {}, token_usage: null }, { outputs: { text: 'hi' } }), null);
  });

  it('OTLP GenAI attributes: gen_ai.usage.* with cache read and creation inside input_tokens', () => {
    const attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 200,
      'gen_ai.usage.cache_read.input_tokens': 700,
      'gen_ai.usage.cache_creation.input_tokens': 100,
    };
    assert.deepEqual(
      usageOf({ name: 'chat gpt-4o', attributes }, { status: {} }),
      expected('gpt-4o-2024-08-06', { input: 200, output: 200, cache_read: 700, cache_write: 100 }),
    );
  });

  it('OpenInference attributes: llm.token_count.* with prompt and completion details', () => {
    const attributes = {
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-4.1-mini',
      'llm.token_count.prompt': 640,
      'llm.token_count.completion': 160,
      'llm.token_count.total': 800,
      'llm.token_count.prompt_details.cache_read': 512,
      'llm.token_count.completion_details.reasoning': 64,
    };
    assert.deepEqual(usageOf({ attributes }), expected('gpt-4.1-mini', { input: 128, output: 96, cache_read: 512, reasoning: 64 }));
  });

  it('AI SDK telemetry: ai.usage.* (int64 as text too) on doGenerate; the outer ai.generateText sums its steps', () => {
    const step = {
      'ai.operationId': 'ai.generateText.doGenerate',
      'ai.model.id': 'gpt-4o',
      'ai.model.provider': 'openai.chat',
      'ai.response.model': 'gpt-4o-2024-08-06',
      'ai.usage.promptTokens': '300',
      'ai.usage.completionTokens': 45,
      'ai.usage.cachedInputTokens': 100,
    };
    assert.deepEqual(usageOf({ attributes: step }), expected('gpt-4o-2024-08-06', { input: 200, output: 45, cache_read: 100 }));
    const outer = { 'ai.operationId': 'ai.generateText', 'ai.model.id': 'gpt-4o', 'ai.usage.inputTokens': 600, 'ai.usage.outputTokens': 90 };
    assert.deepEqual(usageOf({ attributes: outer }), expected('gpt-4o', { input: 600, output: 90 }, true));
  });

  it('usage arriving with the finish wins over the payload, and spans without usage answer null', () => {
    assert.deepEqual(
      usageOf({ model: 'm', usage: { input_tokens: 1, output_tokens: 1 } }, { usage: { input_tokens: 10, output_tokens: 5 } }),
      expected('m', { input: 10, output: 5 }),
    );
    assert.equal(usageOf({ query: 'what is the usage policy?' }, { answer: 'usage: none' }), null);
    assert.equal(usageOf({ tool: 'search' }, null), null);
    assert.equal(spanUsage('x', 'not json usage', '{"usage": 3}'), null);
    // Details larger than the count they are part of clamp at zero; negative and fractional counts are not counts.
    assert.deepEqual(
      usageOf({}, { usage: { prompt_tokens: 5, completion_tokens: -3, prompt_tokens_details: { cached_tokens: 9 } } }),
      expected(null, { input: 0, output: 0, cache_read: 9 }),
    );
  });
});
