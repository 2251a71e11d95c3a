import { matchPrice } from './price-matching.js';

/** USD per million tokens of each type; a rate left out is billed as the providers bill it (see `costOf`). */
export interface TokenPrice {
  input: number;
  output: number;
  cache_read?: number | null | undefined;
  cache_write?: number | null | undefined;
  reasoning?: number | null | undefined;
}

/**
 * A span's normalised token counts: each token counted once, by its type (`input` without cached
 * input, `output` without reasoning), so pricing them by type never counts one twice.
 */
export interface TokenUsage {
  model: string | null;
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
  reasoning: number;
}

/**
 * The cost in USD of one usage at one price. Cache reads and writes without a rate of their own
 * are input tokens at the input rate; reasoning without one is output at the output rate.
 */
export function costOf(usage: Omit<TokenUsage, 'model'>, price: TokenPrice): number {
  const perMillion =
    usage.input * price.input +
    usage.output * price.output +
    usage.cache_read * (price.cache_read ?? price.input) +
    usage.cache_write * (price.cache_write ?? price.input) +
    usage.reasoning * (price.reasoning ?? price.output);
  return perMillion / 1_000_000;
}

/** What stands for a usage whose span named no model, in `unpriced_models`. */
export const NO_MODEL = '(no model id)';

export interface PricedTotal {
  /** USD over the priced usage; null when tokens were used and none of them is priced. */
  cost: number | null;
  /** The model ids (as recorded) whose tokens are not in `cost`, sorted; empty when every token is priced. */
  unpriced_models: string[];
}

const tokensOf = (usage: TokenUsage) => usage.input + usage.output + usage.cache_read + usage.cache_write + usage.reasoning;

/**
 * Prices usages against a table (keyed by `priceKey`). Unpriced models are never costed at $0:
 * `cost` sums what is priced and `unpriced_models` names the rest, so a partial sum is always
 * marked as one; when there are tokens and none is priced, `cost` is null. Usage without tokens
 * costs nothing whatever its model, so no usage at all costs 0.
 */
export function priceUsages(usages: Iterable<TokenUsage>, table: ReadonlyMap<string, TokenPrice>): PricedTotal {
  let cost = 0;
  let priced = false;
  const unpriced = new Set<string>();
  for (const usage of usages) {
    if (tokensOf(usage) === 0) continue;
    const model = usage.model?.trim() ? usage.model : null;
    const price = model === null ? undefined : matchPrice(table, model);
    if (price === undefined) {
      unpriced.add(model ?? NO_MODEL);
    } else {
      cost += costOf(usage, price);
      priced = true;
    }
  }
  return { cost: priced || unpriced.size === 0 ? cost : null, unpriced_models: [...unpriced].sort() };
}
