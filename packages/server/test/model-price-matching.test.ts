// The price rule on its own: which entry a recorded model id gets, and what a usage costs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costOf, NO_MODEL, priceUsages, type TokenPrice, type TokenUsage } from '../src/domain/prices/cost.js';
import { matchPrice, modelIdForms } from '../src/domain/prices/price-matching.js';
import { SHIPPED_PRICES } from '../src/domain/prices/shipped-prices.js';
import { shippedPriceTable } from '../src/domain/prices/price-table.js';

const table = shippedPriceTable();
const matched = (id: string) => matchPrice(table, id)?.entry.model;

describe('model price matching', () => {
  it('matches exact ids and ignores case and surrounding space', () => {
    assert.equal(matched('gpt-4o'), 'gpt-4o');
    assert.equal(matched('GPT-4o-Mini'), 'gpt-4o-mini');
    assert.equal(matched(' claude-haiku-4-5 '), 'claude-haiku-4-5');
  });

  it('strips provider prefixes: OpenRouter/LiteLLM, Gemini models/, Bedrock provider. and region', () => {
    assert.equal(matched('openai/gpt-4.1-mini'), 'gpt-4.1-mini');
    assert.equal(matched('anthropic/claude-3-7-sonnet-20250219'), 'claude-3-7-sonnet');
    assert.equal(matched('models/gemini-2.0-flash-001'), 'gemini-2.0-flash');
    assert.equal(matched('vertex_ai/models/gemini-1.5-pro-002'), 'gemini-1.5-pro');
    assert.equal(matched('anthropic.claude-3-5-sonnet-20241022-v2:0'), 'claude-3-5-sonnet');
    assert.equal(matched('us.anthropic.claude-3-haiku-20240307-v1:0'), 'claude-3-haiku');
  });

  it('strips dates, Vertex @dates, -latest and Gemini revisions', () => {
    assert.equal(matched('gpt-4o-2024-08-06'), 'gpt-4o');
    assert.equal(matched('claude-3-5-sonnet-20241022'), 'claude-3-5-sonnet');
    assert.equal(matched('claude-3-5-sonnet@20241022'), 'claude-3-5-sonnet');
    assert.equal(matched('claude-3-5-sonnet-latest'), 'claude-3-5-sonnet');
    assert.equal(matched('o3-mini-2025-01-31'), 'o3-mini');
    assert.equal(matched('claude-sonnet-4-20250514'), 'claude-sonnet-4');
    assert.equal(matched('claude-sonnet-4-5-20250929'), 'claude-sonnet-4-5');
    assert.equal(matched('claude-opus-4-0'), 'claude-opus-4', 'an alias');
  });

  it('lets the longest id win: a dated snapshot priced apart, a mini never its base', () => {
    assert.equal(matched('gpt-4o-mini-2024-07-18'), 'gpt-4o-mini');
    assert.equal(matched('gpt-4o-2024-05-13'), 'gpt-4o-2024-05-13');
    assert.equal(matched('openai/gpt-4o-2024-05-13'), 'gpt-4o-2024-05-13');
    assert.equal(matched('gemini-2.5-flash-lite'), 'gemini-2.5-flash-lite');
    assert.equal(matched('gpt-5-nano-2025-08-07'), 'gpt-5-nano');
    assert.deepEqual(modelIdForms('OpenAI/GPT-4o-2024-08-06'), ['openai/gpt-4o-2024-08-06', 'gpt-4o-2024-08-06', 'gpt-4o']);
  });

  it('leaves unknown models and unknown variants unpriced rather than priced as a base', () => {
    assert.equal(matched('my-fine-tune'), undefined);
    assert.equal(matched('gpt-4o-audio-preview'), undefined);
    assert.equal(matched('claude-3-5-sonnet-v2-extra'), undefined);
    assert.equal(matched(''), undefined);
  });

  it('ships each model once, with a note, and non-negative prices', () => {
    const ids = SHIPPED_PRICES.flatMap((p) => [p.model, ...(p.aliases ?? [])]);
    assert.equal(new Set(ids).size, ids.length);
    for (const price of SHIPPED_PRICES) {
      assert.ok(price.note.length > 0, price.model);
      for (const rate of [price.input, price.output, price.cache_read, price.cache_write, price.reasoning])
        assert.ok(rate === undefined || rate >= 0);
    }
  });
});

const usage = (model: string | null, counts: Partial<Omit<TokenUsage, 'model'>>): TokenUsage => ({
  model,
  input: 0,
  output: 0,
  cache_read: 0,
  cache_write: 0,
  reasoning: 0,
  ...counts,
});

describe('cost arithmetic', () => {
  const price: TokenPrice = { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 };

  it('prices each token type at its rate', () => {
    const cost = costOf(usage('x', { input: 1_000_000, output: 200_000, cache_read: 500_000, cache_write: 100_000, reasoning: 10_000 }), price);
    // 3 + 3 + 0.15 + 0.375 + 0.15 (reasoning at the output rate)
    assert.ok(Math.abs(cost - 6.675) < 1e-9, String(cost));
  });

  it('falls back to input for cache tokens and to output for reasoning without a rate of their own', () => {
    assert.equal(costOf(usage('x', { cache_read: 1_000_000, cache_write: 1_000_000 }), { input: 2, output: 8 }), 4);
    assert.equal(costOf(usage('x', { reasoning: 1_000_000 }), { input: 2, output: 8 }), 8);
    assert.equal(costOf(usage('x', { reasoning: 1_000_000 }), { input: 2, output: 8, reasoning: 1 }), 1);
  });

  it('sums priced usages and names the unpriced ones, never costing them at $0', () => {
    const total = priceUsages(
      [
        usage('gpt-4o-2024-08-06', { input: 1_000_000, output: 100_000 }),
        usage('claude-3-5-haiku-20241022', { input: 1_000_000 }),
        usage('my-fine-tune', { input: 5 }),
        usage(null, { output: 3 }),
        usage('never-used', {}),
      ],
      table,
    );
    assert.ok(total.cost !== null && Math.abs(total.cost - (2.5 + 1 + 0.8)) < 1e-9, String(total.cost));
    assert.deepEqual(total.unpriced_models, [NO_MODEL, 'my-fine-tune']);
  });

  it('answers null, not 0, when every token used is unpriced; 0 when no token was used', () => {
    assert.deepEqual(priceUsages([usage('my-fine-tune', { input: 10 })], table), { cost: null, unpriced_models: ['my-fine-tune'] });
    assert.deepEqual(priceUsages([], table), { cost: 0, unpriced_models: [] });
    assert.deepEqual(priceUsages([usage('gpt-4o', {})], table), { cost: 0, unpriced_models: [] });
  });
});
