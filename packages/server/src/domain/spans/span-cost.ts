// `include_usage=true` on span reads: each span carries its own token usage, priced at read with
// the account's prices current then (as a run's cost is), so a price change re-prices it.
import type { SpanUsageRecord } from '../../store/span-usage.js';
import type { ReadTx } from '../../store/store.js';
import { lazyPriceTable } from '../instances/run-cost.js';
import { priceUsages } from '../prices/cost.js';

/** What a span read needs to know of the span. */
interface SpanKey {
  agent_instance_id: string;
  id: string;
}

/** The usage as the answer shows it: the model, the counts by type, whether it sums its children. */
const usageJson = (usage: SpanUsageRecord) =>
  JSON.stringify({
    model: usage.model,
    input: usage.input,
    output: usage.output,
    cache_read: usage.cache_read,
    cache_write: usage.cache_write,
    reasoning: usage.reasoning,
    total: usage.total,
    sums_children: usage.sums_children,
  });

const NO_USAGE = ',"usage":null,"cost_usd":null,"unpriced_models":[]';

/**
 * Each span's `usage`, `cost_usd` and `unpriced_models` members, in the spans' order: the page's
 * usage in one store read, the price table read once and only when a span has usage. A span
 * without usage costs null (nothing to price), one of an unpriced model null with the model named
 * (never $0), and one without tokens 0.
 */
export async function spanUsageMembers(tx: ReadTx, accountId: string, spans: readonly SpanKey[]): Promise<string[]> {
  const usages = await tx.spanUsageOf(accountId, spans);
  const prices = lazyPriceTable(tx, accountId);
  const members: string[] = [];
  for (const span of spans) {
    const usage = usages.get(span.id);
    if (usage === undefined) {
      members.push(NO_USAGE);
      continue;
    }
    const { cost, unpriced_models } = priceUsages([usage], await prices());
    members.push(`,"usage":${usageJson(usage)},"cost_usd":${cost === null ? 'null' : cost},"unpriced_models":${JSON.stringify(unpriced_models)}`);
  }
  return members;
}
