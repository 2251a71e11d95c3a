import type { TokenUsage } from '@agentspan/protocol';
import type { InstanceRecord } from '../../store/records.js';
import { runTotals, type ModelCounts } from '../../store/span-usage.js';
import type { ReadTx } from '../../store/store.js';
import { priceUsages, type TokenPrice } from '../prices/cost.js';
import { matchPrice } from '../prices/price-matching.js';
import { accountPriceTable } from '../prices/price-table.js';

/** What an instance answer says of its run's tokens, cost and time. */
export interface RunFigures {
  usage: TokenUsage | null;
  cost_usd: number | null;
  unpriced_models: string[];
  duration_ms: number | null;
}

/** A canonical timestamp (`…:SS.ffffffZ`) in epoch microseconds, exactly. */
const micros = (at: string) => Date.parse(`${at.slice(0, 19)}Z`) * 1000 + Number(at.slice(20, 26));

/** finished_at − started_at in milliseconds, the microseconds kept as the fraction; null until both are set. */
export function durationMs(instance: Pick<InstanceRecord, 'started_at' | 'finished_at'>): number | null {
  if (instance.started_at === null || instance.finished_at === null) return null;
  return (micros(instance.finished_at) - micros(instance.started_at)) / 1000;
}

/** The account's price table, read once and only when a run with tokens needs it. */
export type PriceTableSource = () => Promise<ReadonlyMap<string, TokenPrice>>;

export function lazyPriceTable(tx: ReadTx, accountId: string): PriceTableSource {
  let table: Promise<ReadonlyMap<string, TokenPrice>> | undefined;
  return () => (table ??= accountPriceTable(tx, accountId));
}

/** A run's figures from its token totals by model, priced with the table now (see `priceUsages`). */
export async function runFigures(
  instance: Pick<InstanceRecord, 'started_at' | 'finished_at'>,
  models: readonly ModelCounts[],
  prices: PriceTableSource,
): Promise<RunFigures> {
  const usage = runTotals(models) ?? null;
  const duration_ms = durationMs(instance);
  if (usage === null || usage.total === 0) return { usage, cost_usd: 0, unpriced_models: [], duration_ms };
  const { cost, unpriced_models } = priceUsages(models, await prices());
  return { usage, cost_usd: cost, unpriced_models, duration_ms };
}

/** The figures of a run nothing has been recorded for yet (a registration). */
export const NO_FIGURES = (instance: Pick<InstanceRecord, 'started_at' | 'finished_at'>): RunFigures => ({
  usage: null,
  cost_usd: 0,
  unpriced_models: [],
  duration_ms: durationMs(instance),
});

/**
 * The rates a sort by cost prices the account's runs with: each model id its runs recorded,
 * matched to its price here (the one rule of `matchPrice`), with the fallbacks of `costOf` applied,
 * so SQL only multiplies. Unpriced ids are left out: the sort leaves their tokens out too.
 */
export async function sortPrices(tx: ReadTx, accountId: string): Promise<string> {
  const table = await accountPriceTable(tx, accountId);
  const rates = [];
  for (const model of await tx.usageModels(accountId)) {
    const price = model === null ? undefined : matchPrice(table, model);
    if (price === undefined) continue;
    rates.push({
      model,
      input: price.input,
      output: price.output,
      cache_read: price.cache_read ?? price.input,
      cache_write: price.cache_write ?? price.input,
      reasoning: price.reasoning ?? price.output,
    });
  }
  return JSON.stringify(rates);
}
