import type { ModelPrice, ModelPriceRates } from '@agentspan/protocol';
import type { ModelPriceRecord } from '../../store/records.js';
import type { ReadTx } from '../../store/store.js';
import type { TokenPrice } from './cost.js';
import { priceKey } from './price-matching.js';
import { SHIPPED_PRICES, type ShippedPrice } from './shipped-prices.js';

/** A price the table holds, with the entry it comes from (what a list shows). */
export type PriceEntry = TokenPrice & { entry: ModelPrice };

const RATE_NAMES = ['input', 'output', 'cache_read', 'cache_write', 'reasoning'] as const;

/** What is wrong with a price's rates as JSON text (an imported file's `prices_json`), or undefined. */
export function ratesProblem(json: string): string | undefined {
  const rates = JSON.parse(json) as unknown;
  if (typeof rates !== 'object' || rates === null || Array.isArray(rates)) return 'must be a JSON object of rates';
  for (const [name, rate] of Object.entries(rates)) {
    if (!(RATE_NAMES as readonly string[]).includes(name)) return `names ${JSON.stringify(name)}, not one of ${RATE_NAMES.join(', ')}`;
    if (typeof rate !== 'number' || !(rate >= 0)) return `${name} must be a number >= 0`;
  }
  for (const name of ['input', 'output']) if (!(name in rates)) return `must have ${name}`;
  return undefined;
}

/** The rates an account's stored price holds. */
export const storedRates = (row: ModelPriceRecord): ModelPriceRates => JSON.parse(row.prices_json) as ModelPriceRates;

/** Shipped prices by model id: an account price of the same model replaces it under all its ids. */
const SHIPPED_BY_KEY = new Map(SHIPPED_PRICES.map((p) => [priceKey(p.model), p]));

function shippedEntry(price: ShippedPrice): ModelPrice {
  return {
    type: 'model_price',
    model: price.model,
    match: [price.model, ...(price.aliases ?? [])],
    input: price.input,
    output: price.output,
    cache_read: price.cache_read ?? null,
    cache_write: price.cache_write ?? null,
    reasoning: price.reasoning ?? null,
    source: 'shipped',
    note: price.note,
    overrides_shipped: false,
    updated_at: null,
  };
}

/** The entry of an account's own price. */
export function accountEntry(row: ModelPriceRecord): ModelPrice {
  const rates = storedRates(row);
  const shipped = SHIPPED_BY_KEY.get(row.model);
  return {
    type: 'model_price',
    model: row.model,
    match: [row.model, ...(shipped?.aliases ?? [])],
    input: rates.input,
    output: rates.output,
    cache_read: rates.cache_read ?? null,
    cache_write: rates.cache_write ?? null,
    reasoning: rates.reasoning ?? null,
    source: 'account',
    note: null,
    overrides_shipped: shipped !== undefined,
    updated_at: row.updated_at,
  };
}

/**
 * The table prices are matched against (keyed by `priceKey`, see `matchPrice`): the shipped prices,
 * with the account's own in place of a shipped one of the same model and added where none is shipped.
 */
export function priceTable(accountPrices: readonly ModelPriceRecord[] = []): Map<string, PriceEntry> {
  const table = new Map<string, PriceEntry>();
  const put = (entry: ModelPrice) => {
    const price: PriceEntry = { ...entry, entry };
    for (const id of entry.match) table.set(priceKey(id), price);
  };
  for (const shipped of SHIPPED_PRICES) put(shippedEntry(shipped));
  for (const row of accountPrices) put(accountEntry(row));
  return table;
}

/** The shipped prices alone (an account that set none). */
export const shippedPriceTable = () => priceTable();

/** The account's table as it is now: what every cost read prices with. */
export const accountPriceTable = async (tx: ReadTx, accountId: string) => priceTable(await tx.listModelPrices(accountId));

/** GET /model_prices: every entry once, shipped ones an account price replaces left out, by model id. */
export function priceEntries(table: ReadonlyMap<string, PriceEntry>): ModelPrice[] {
  const entries = new Set([...table.values()].map((price) => price.entry));
  return [...entries].sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
}
