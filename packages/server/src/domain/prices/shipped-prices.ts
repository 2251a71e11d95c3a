/**
 * The model prices shipped with the server: USD per million tokens, each provider's published list
 * price for standard (not batch, not priority) API use. A model is here only when its price is
 * known; one missing is unpriced (its tokens count, its cost is null) until an account adds it with
 * PUT /api/v1/model_prices/{model}, which also overrides any entry here.
 *
 * A rate left out falls back as the providers bill it: cache read and cache write at the input
 * rate, reasoning at the output rate (OpenAI, Anthropic and Google all bill reasoning/thinking
 * tokens as output). Where a provider prices long prompts higher (Gemini above 128k/200k tokens),
 * the entry holds the lower tier; `note` says so.
 */
export interface ShippedPrice {
  /** The base model id, as the provider names it without a date or a provider prefix. */
  model: string;
  /** Other ids of the same model that no suffix rule reaches (the provider's aliases). */
  aliases?: readonly string[];
  input: number;
  output: number;
  cache_read?: number;
  cache_write?: number;
  reasoning?: number;
  /** Where the price comes from and when it was read. */
  note: string;
}

const OPENAI = 'OpenAI API pricing (platform.openai.com/docs/pricing), as listed 2025-08; cached input as cache_read, no cache-write charge';
const ANTHROPIC =
  'Anthropic pricing (docs.anthropic.com/en/docs/about-claude/pricing), as listed 2025-10; cache_write is the 5-minute cache write (1.25x input), cache_read 0.1x input';
const GOOGLE = 'Google Gemini API pricing (ai.google.dev/gemini-api/docs/pricing), paid tier, as listed 2025-08';

export const SHIPPED_PRICES: readonly ShippedPrice[] = [
  // OpenAI
  { model: 'gpt-4o', input: 2.5, output: 10, cache_read: 1.25, cache_write: 2.5, aliases: ['chatgpt-4o-latest'], note: OPENAI },
  { model: 'gpt-4o-2024-05-13', input: 5, output: 15, cache_write: 5, note: `${OPENAI}; the first gpt-4o snapshot kept its launch price` },
  { model: 'gpt-4o-mini', input: 0.15, output: 0.6, cache_read: 0.075, cache_write: 0.15, note: OPENAI },
  { model: 'gpt-4.1', input: 2, output: 8, cache_read: 0.5, cache_write: 2, note: OPENAI },
  { model: 'gpt-4.1-mini', input: 0.4, output: 1.6, cache_read: 0.1, cache_write: 0.4, note: OPENAI },
  { model: 'gpt-4.1-nano', input: 0.1, output: 0.4, cache_read: 0.025, cache_write: 0.1, note: OPENAI },
  { model: 'o1', input: 15, output: 60, cache_read: 7.5, cache_write: 15, note: OPENAI },
  { model: 'o1-mini', input: 1.1, output: 4.4, cache_read: 0.55, cache_write: 1.1, note: OPENAI },
  { model: 'o3', input: 2, output: 8, cache_read: 0.5, cache_write: 2, note: `${OPENAI} (after the 2025-06 price cut)` },
  { model: 'o3-mini', input: 1.1, output: 4.4, cache_read: 0.55, cache_write: 1.1, note: OPENAI },
  { model: 'o4-mini', input: 1.1, output: 4.4, cache_read: 0.275, cache_write: 1.1, note: OPENAI },
  { model: 'gpt-5', input: 1.25, output: 10, cache_read: 0.125, cache_write: 1.25, note: OPENAI },
  { model: 'gpt-5-mini', input: 0.25, output: 2, cache_read: 0.025, cache_write: 0.25, note: OPENAI },
  { model: 'gpt-5-nano', input: 0.05, output: 0.4, cache_read: 0.005, cache_write: 0.05, note: OPENAI },
  // Anthropic
  { model: 'claude-3-haiku', input: 0.25, output: 1.25, cache_read: 0.03, cache_write: 0.3, note: ANTHROPIC },
  { model: 'claude-3-opus', input: 15, output: 75, cache_read: 1.5, cache_write: 18.75, note: ANTHROPIC },
  { model: 'claude-3-5-haiku', input: 0.8, output: 4, cache_read: 0.08, cache_write: 1, note: ANTHROPIC },
  { model: 'claude-3-5-sonnet', input: 3, output: 15, cache_read: 0.3, cache_write: 3.75, note: ANTHROPIC },
  { model: 'claude-3-7-sonnet', input: 3, output: 15, cache_read: 0.3, cache_write: 3.75, note: ANTHROPIC },
  { model: 'claude-sonnet-4', aliases: ['claude-sonnet-4-0'], input: 3, output: 15, cache_read: 0.3, cache_write: 3.75, note: ANTHROPIC },
  { model: 'claude-sonnet-4-5', input: 3, output: 15, cache_read: 0.3, cache_write: 3.75, note: `${ANTHROPIC}; prompts up to 200k tokens` },
  { model: 'claude-opus-4', aliases: ['claude-opus-4-0'], input: 15, output: 75, cache_read: 1.5, cache_write: 18.75, note: ANTHROPIC },
  { model: 'claude-opus-4-1', input: 15, output: 75, cache_read: 1.5, cache_write: 18.75, note: ANTHROPIC },
  { model: 'claude-opus-4-5', input: 5, output: 25, cache_read: 0.5, cache_write: 6.25, note: ANTHROPIC },
  { model: 'claude-haiku-4-5', input: 1, output: 5, cache_read: 0.1, cache_write: 1.25, note: ANTHROPIC },
  // Google
  { model: 'gemini-1.5-pro', input: 1.25, output: 5, note: `${GOOGLE}; prompts up to 128k tokens` },
  { model: 'gemini-1.5-flash', input: 0.075, output: 0.3, note: `${GOOGLE}; prompts up to 128k tokens` },
  { model: 'gemini-1.5-flash-8b', input: 0.0375, output: 0.15, note: `${GOOGLE}; prompts up to 128k tokens` },
  { model: 'gemini-2.0-flash', input: 0.1, output: 0.4, cache_read: 0.025, note: `${GOOGLE}; text, image and video input` },
  { model: 'gemini-2.0-flash-lite', input: 0.075, output: 0.3, note: GOOGLE },
  { model: 'gemini-2.5-pro', input: 1.25, output: 10, note: `${GOOGLE}; prompts up to 200k tokens; output includes thinking` },
  { model: 'gemini-2.5-flash', input: 0.3, output: 2.5, note: `${GOOGLE}; text, image and video input; output includes thinking` },
  { model: 'gemini-2.5-flash-lite', input: 0.1, output: 0.4, note: `${GOOGLE}; text, image and video input` },
];
