import type { AgentSpan } from '@agentspan/protocol';
import { CostText, UnpricedModels } from './cost.js';
import { NO_MODEL, countText } from './usage-format.js';

type SpanUsage = NonNullable<AgentSpan['usage']>;

/** Each token type with how the page names it, in the order the API counts them. */
const TOKEN_ROWS: ReadonlyArray<[Exclude<keyof SpanUsage, 'model' | 'sums_children'>, string]> = [
  ['input', 'Input'],
  ['output', 'Output'],
  ['cache_read', 'Cache read'],
  ['cache_write', 'Cache write'],
  ['reasoning', 'Reasoning'],
  ['total', 'Total'],
];

/**
 * A model call's tokens by type and their cost at the account's prices now, as the server priced
 * them (`include_usage=true`). Nothing for a span that carries no usage: it called no model.
 */
export function SpanUsageView({ span }: { span: AgentSpan }) {
  const usage = span.usage;
  if (!usage) return null;
  return (
    <section class="span-usage" aria-label="Tokens and cost">
      <h3>Tokens and cost</h3>
      {usage.sums_children ? (
        <p class="muted" data-testid="span-sums-children">
          Sums the model calls beneath it: these tokens are theirs (each counted once, there, in the run's total).
        </p>
      ) : null}
      <dl>
        <div>
          <dt>Model</dt>
          <dd data-testid="span-model">{usage.model ?? NO_MODEL}</dd>
        </div>
        {TOKEN_ROWS.map(([type, label]) => (
          <div key={type}>
            <dt>{label}</dt>
            <dd data-testid={`span-tokens-${type}`}>{countText(usage[type])}</dd>
          </div>
        ))}
        <div>
          <dt>Cost</dt>
          <dd data-testid="span-cost">
            <CostText of={span} />
          </dd>
        </div>
      </dl>
      <UnpricedModels models={span.unpriced_models ?? []} />
    </section>
  );
}
