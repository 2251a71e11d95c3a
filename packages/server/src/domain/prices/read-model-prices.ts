import type { ModelPriceListResponse } from '@agentspan/protocol';
import type { ReadTx } from '../../store/store.js';
import { assertAccountScope } from '../agents/agent-rules.js';
import type { Principal } from '../caller.js';
import { accountPriceTable, priceEntries } from './price-table.js';

/** GET /model_prices: the table the account's costs are priced with, shipped and its own, by model id. */
export async function listModelPrices(tx: ReadTx, principal: Principal): Promise<ModelPriceListResponse> {
  assertAccountScope(principal, 'reading model prices');
  return { status: 'success', details: priceEntries(await accountPriceTable(tx, principal.accountId)) };
}
