import { Counter, type Registry } from 'prom-client';
import { costOf, NO_MODEL, type TokenPrice } from '../domain/prices/cost.js';
import { matchPrice } from '../domain/prices/price-matching.js';
import { accountPriceTable } from '../domain/prices/price-table.js';
import type { UsageWritten } from '../domain/usage-tap.js';
import type { Store } from '../store/store.js';

/** How long an account's price table is used before it is read again (a price set through this process drops it at once). */
const PRICES_FOR_MS = 60_000;
const TOKEN_TYPES = ['input', 'output', 'cache_read', 'cache_write', 'reasoning'] as const;

/**
 * Token and cost counters for Prometheus, added to as writes commit: the tokens each write adds to
 * its runs' totals (the store's rule: each token once, by its type, a span summing the calls beneath
 * it left out), by agent and model. Counters only go up: a finish that replaces a span's usage with
 * less adds nothing, and a retention purge takes nothing away. Cost is priced once, with the
 * account's prices when the tokens were written; the API prices at read instead.
 */
export class UsageCounters {
  readonly #store: Store;
  readonly #tokens: Counter<'agent_id' | 'model' | 'type'>;
  readonly #cost: Counter<'agent_id' | 'model'>;
  readonly #unpriced: Counter<'agent_id' | 'model'>;
  readonly #prices = new Map<string, { at: number; table: Promise<ReadonlyMap<string, TokenPrice>> }>();

  constructor(store: Store, registers: Registry[]) {
    this.#store = store;
    this.#tokens = new Counter({
      name: 'agentspan_tokens_total',
      help: `Tokens stored with spans, by agent, model (as recorded; "${NO_MODEL}" when none) and type (input, output, cache_read, cache_write, reasoning), each counted once by its type; a span that sums the calls beneath it is left out`,
      labelNames: ['agent_id', 'model', 'type'],
      registers,
    });
    this.#cost = new Counter({
      name: 'agentspan_cost_usd_total',
      help: "USD of the tokens stored, by agent and model, at the account's model prices current when the tokens were written (a later price change does not re-price this counter; GET /api/v1/analytics and instance answers price at read); unpriced models are left out",
      labelNames: ['agent_id', 'model'],
      registers,
    });
    this.#unpriced = new Counter({
      name: 'agentspan_unpriced_tokens_total',
      help: 'Tokens of models without a price when they were written, by agent and model: left out of agentspan_cost_usd_total, never costed at $0',
      labelNames: ['agent_id', 'model'],
      registers,
    });
  }

  /** An account's prices changed: its next tokens are priced with its table read again. */
  pricesChanged(accountId: string): void {
    this.#prices.delete(accountId);
  }

  #table(accountId: string): Promise<ReadonlyMap<string, TokenPrice>> {
    const now = Date.now();
    const held = this.#prices.get(accountId);
    if (held && now - held.at < PRICES_FOR_MS) return held.table;
    const table = this.#store.read((tx) => accountPriceTable(tx, accountId));
    this.#prices.set(accountId, { at: now, table });
    // A failed read is not kept: the next write reads again.
    table.catch(() => this.#prices.delete(accountId));
    return table;
  }

  /** Counts the tokens a committed write added; costs follow once the account's prices are at hand. */
  add(accountId: string, usage: readonly UsageWritten[]): void {
    const gained = usage.map(({ agent_id, model, delta }) => {
      // Counters only go up: what a replaced usage took away is not counted back.
      const counts = TOKEN_TYPES.map((_, i) => Math.max(0, delta[i]!));
      const labels = { agent_id, model: model === '' ? NO_MODEL : model };
      TOKEN_TYPES.forEach((type, i) => {
        if (counts[i]! > 0) this.#tokens.inc({ ...labels, type }, counts[i]);
      });
      return { model, labels, counts };
    });
    this.#table(accountId).then(
      (table) => {
        for (const { model, labels, counts } of gained) {
          const price = model === '' ? undefined : matchPrice(table, model);
          const [input, output, cache_read, cache_write, reasoning] = counts as [number, number, number, number, number];
          if (input + output + cache_read + cache_write + reasoning === 0) continue;
          if (price === undefined) this.#unpriced.inc(labels, input + output + cache_read + cache_write + reasoning);
          else this.#cost.inc(labels, costOf({ input, output, cache_read, cache_write, reasoning }, price));
        }
      },
      (error: unknown) =>
        process.emitWarning(`agentspan: pricing tokens for /metrics failed: ${error instanceof Error ? error.message : String(error)}`),
    );
  }
}
