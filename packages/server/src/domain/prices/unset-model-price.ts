import { assertAccountScope } from '../agents/agent-rules.js';
import { notFound } from '../errors.js';
import { defineOperation } from '../operation.js';
import { priceTable, priceEntries } from './price-table.js';
import { priceModelId, repricedAnswer } from './set-model-price.js';

/**
 * DELETE /model_prices/{model}: drops the account's own price for a model, so the shipped price
 * applies again, or none (the model is unpriced). 404 when the account set none for it. The answer
 * is the entry now in effect for that id, null when unpriced.
 */
export const unsetModelPrice = defineOperation<{ model: string }>('model_prices/unset', (params, { caller }) => {
  assertAccountScope(caller, 'removing model prices');
  const model = priceModelId(params.model);
  return async (tx) => {
    if (!(await tx.deleteModelPrice(caller.accountId, model))) throw notFound('account price for model', model);
    const now = priceEntries(priceTable(await tx.listModelPrices(caller.accountId))).find((entry) => entry.model === model);
    return repricedAnswer(now ?? null);
  };
});
