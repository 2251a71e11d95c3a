import { Counter, type Registry } from 'prom-client';
import { costOf, NO_MODEL, type TokenPrice } from '../domain/prices/cost.js';
import { matchPrice } from '../domain/prices/price-matching.js';
import { accountPriceTable } from '../domain/prices/price-table.js';
import type { UsageWritten } from '../store/usage-watch.js';
import type { Store } from '../store/store.js';

const TOKEN_TYPES = ['input', 'output', 'cache_read', 'cache_write', 'reasoning'] as const;

/** Tokens of one agent and model not counted yet (counts in `TOKEN_TYPES` order). */
interface Gained {
  model: string;
  labels: { agent_id: string; model: string };
  counts: number[];
}

/**
 * Token and cost counters for Prometheus: the tokens each committed write adds to its runs' totals
 * (the store's rule: each token once, by its type, a span summing the calls beneath it left out),
 * by agent and model. Counters only go up: a finish that replaces a span's usage with less adds
 * nothing, and a retention purge takes nothing away.
 *
 * A write only adds its tokens to sums kept by account, agent and model; the counters and the cost
 * are brought up to date when Prometheus scrapes, with each account's prices read then. Every span
 * with usage passes through here, so the write path pays a few additions, never a label lookup or
 * a price match. The API prices at read instead, and re-prices history when a price changes.
 */
export class UsageCounters {
  readonly #store: Store;
  readonly #tokens: Counter<'agent_id' | 'model' | 'type'>;
  readonly #cost: Counter<'agent_id' | 'model'>;
  readonly #unpriced: Counter<'agent_id' | 'model'>;
  /** Tokens added since the last scrape, by account, agent and model. */
  #pending = new Map<string, Map<string, Map<string, Gained>>>();
  /** The count a scrape is waiting for; the three counters' collects share it. */
  #counting: Promise<void> | undefined;

  constructor(store: Store, registers: Registry[]) {
    this.#store = store;
    const collect = () => (this.#counting ??= this.#count().finally(() => (this.#counting = undefined)));
    this.#tokens = new Counter({
      name: 'agentspan_tokens_total',
      help: `Tokens stored with spans, by agent, model (as recorded; "${NO_MODEL}" when none) and type (input, output, cache_read, cache_write, reasoning), each counted once by its type; a span that sums the calls beneath it is left out`,
      labelNames: ['agent_id', 'model', 'type'],
      registers,
      collect,
    });
    this.#cost = new Counter({
      name: 'agentspan_cost_usd_total',
      help: "USD of the tokens stored, by agent and model, at the account's model prices current when the tokens were counted (at the first scrape after their write; a later price change does not re-price this counter; GET /api/v1/analytics and instance answers price at read); unpriced models are left out",
      labelNames: ['agent_id', 'model'],
      registers,
      collect,
    });
    this.#unpriced = new Counter({
      name: 'agentspan_unpriced_tokens_total',
      help: 'Tokens of models without a price when they were counted, by agent and model: left out of agentspan_cost_usd_total, never costed at $0',
      labelNames: ['agent_id', 'model'],
      registers,
      collect,
    });
  }

  /** Adds the tokens a committed write added to the sums the next scrape counts. */
  add(accountId: string, usage: readonly UsageWritten[]): void {
    let ofAccount = this.#pending.get(accountId);
    if (!ofAccount) this.#pending.set(accountId, (ofAccount = new Map<string, Map<string, Gained>>()));
    for (const { agent_id, model, delta } of usage) {
      // Nested by agent, then model: keys that need no joining.
      let ofAgent = ofAccount.get(agent_id);
      if (!ofAgent) ofAccount.set(agent_id, (ofAgent = new Map<string, Gained>()));
      let entry = ofAgent.get(model);
      if (!entry) ofAgent.set(model, (entry = { model, labels: { agent_id, model: model === '' ? NO_MODEL : model }, counts: [0, 0, 0, 0, 0] }));
      // Counters only go up: what a replaced usage took away is not counted back.
      for (let i = 0; i < TOKEN_TYPES.length; i++) entry.counts[i]! += Math.max(0, delta[i]!);
    }
  }

  /** Counts what was added since the last scrape: tokens at once, cost with each account's prices as they are now. */
  async #count(): Promise<void> {
    const pending = this.#pending;
    this.#pending = new Map();
    for (const [accountId, ofAccount] of pending) {
      const entries = [...ofAccount.values()].flatMap((ofAgent) => [...ofAgent.values()]);
      for (const { labels, counts } of entries) {
        TOKEN_TYPES.forEach((type, i) => {
          if (counts[i]! > 0) this.#tokens.inc({ ...labels, type }, counts[i]);
        });
      }
      let table: ReadonlyMap<string, TokenPrice>;
      try {
        table = await this.#store.read((tx) => accountPriceTable(tx, accountId));
      } catch (error) {
        // The tokens are counted; their cost is lost rather than guessed (never $0).
        process.emitWarning(`agentspan: pricing tokens for /metrics failed: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      for (const { model, labels, counts } of entries) {
        const price = model === '' ? undefined : matchPrice(table, model);
        const [input, output, cache_read, cache_write, reasoning] = counts as [number, number, number, number, number];
        if (input + output + cache_read + cache_write + reasoning === 0) continue;
        if (price === undefined) this.#unpriced.inc(labels, input + output + cache_read + cache_write + reasoning);
        else this.#cost.inc(labels, costOf({ input, output, cache_read, cache_write, reasoning }, price));
      }
    }
  }
}
