import { REPRICES_HISTORY_MESSAGE, type ModelPriceRates } from '@agentspan/protocol';
import type { ModelPriceRecord } from '../../store/records.js';
import { assertAccountScope } from '../agents/agent-rules.js';
import { fieldError } from '../errors.js';
import { defineOperation } from '../operation.js';
import { priceKey } from './price-matching.js';
import { accountEntry } from './price-table.js';

export interface SetModelPriceParams {
  model: string;
  details: ModelPriceRates;
}

/** A model id a price can be set for: what `priceKey` keeps, checked before anything is written. */
export function priceModelId(model: string): string {
  const key = priceKey(model);
  if (key === '') throw fieldError('model', 'must name a model id, such as gpt-4o or claude-3-5-sonnet');
  if (/\s/.test(key) || [...key].some((c) => c.charCodeAt(0) < 0x20)) {
    throw fieldError('model', `must not contain spaces or control characters (${JSON.stringify(model)})`);
  }
  return key;
}

/** The answer of a price change: the entry now in effect, and that it applies to history too. */
export const repricedAnswer = (details: unknown) => ({
  status: 200,
  json: JSON.stringify({ status: 'success', details, reprices_history: true, message: REPRICES_HISTORY_MESSAGE }),
});

/**
 * PUT /model_prices/{model}: the account's own price for a model (account-scoped tokens only),
 * over a shipped price of that id or beside the table. Rates left out or null are stored as absent
 * and billed as `costOf` says. Costs are priced when read, so this re-prices every stored usage.
 */
export const setModelPrice = defineOperation<SetModelPriceParams>('model_prices/set', (params, { caller }) => {
  assertAccountScope(caller, 'setting model prices');
  const model = priceModelId(params.model);
  const { input, output, cache_read, cache_write, reasoning } = params.details;
  // Only the rates, in one order: extra fields a request carries are not stored.
  const rates: ModelPriceRates = { input, output };
  if (cache_read != null) rates.cache_read = cache_read;
  if (cache_write != null) rates.cache_write = cache_write;
  if (reasoning != null) rates.reasoning = reasoning;
  return async (tx) => {
    const existing = (await tx.listModelPrices(caller.accountId)).find((row) => row.model === model);
    const row: ModelPriceRecord = {
      account_id: caller.accountId,
      model,
      prices_json: JSON.stringify(rates),
      inserted_at: existing?.inserted_at ?? caller.now,
      updated_at: caller.now,
    };
    await tx.upsertModelPrice(row);
    return repricedAnswer(accountEntry(row));
  };
});
