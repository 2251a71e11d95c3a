import { Link } from './router.js';
import type { TokenUsage } from '@agentspan/protocol';
import { NO_MODEL, costText, countText } from './usage-format.js';

/** Where a model's price is set. */
export const priceHref = (model: string) => `/prices?model=${encodeURIComponent(model)}`;

/** What carries a cost: a run, a chart row. `unpriced_models` names the models left out of it. */
export interface Costed {
  cost_usd?: number | null | undefined;
  unpriced_models?: readonly string[] | undefined;
}

/** A cost in words; the models it leaves out are named in its title. A run that used no tokens has none (a dash, not $0). */
export function CostText({ of }: { of: Costed & { usage?: TokenUsage | null } }) {
  if (of.usage === null) return <span class="cost muted">–</span>;
  const unpriced = of.unpriced_models ?? [];
  return (
    <span class={unpriced.length ? 'cost unpriced' : 'cost'} title={unpriced.length ? `No price for ${unpriced.join(', ')}` : undefined}>
      {costText(of.cost_usd, unpriced)}
    </span>
  );
}

/** The unpriced models by name, each with a link to set its price (a span that named no model cannot be priced). */
export function UnpricedModels({ models }: { models: readonly string[] }) {
  if (models.length === 0) return null;
  return (
    <p class="unpriced-models" data-testid="unpriced-models">
      <strong>Unpriced:</strong> tokens of{' '}
      {models.map((m, i) => (
        <span key={m}>
          {i > 0 ? ', ' : ''}
          {m === NO_MODEL ? (
            m
          ) : (
            <>
              <code>{m}</code> (<Link href={priceHref(m)}>set its price</Link>)
            </>
          )}
        </span>
      ))}{' '}
      are counted but left out of every cost, never priced at $0.
    </p>
  );
}

/** Each unpriced model with a link to set its price, compactly (beside a cost). */
export function UnpricedLinks({ models }: { models: readonly string[] }) {
  return (
    <span class="unpriced-links">
      {' '}
      (no price for{' '}
      {models.map((m, i) => (
        <span key={m}>
          {i > 0 ? ', ' : ''}
          {m === NO_MODEL ? m : <Link href={priceHref(m)}>{m}</Link>}
        </span>
      ))}
      )
    </span>
  );
}

const TOKEN_TYPES: ReadonlyArray<[keyof TokenUsage, string]> = [
  ['input', 'input'],
  ['output', 'output'],
  ['cache_read', 'cache read'],
  ['cache_write', 'cache write'],
  ['reasoning', 'reasoning'],
];

/** A run's tokens: the total and, beside it, each type it used (each token counted once, by its type). */
export function TokensText({ usage }: { usage: TokenUsage | null }) {
  if (!usage) return <span class="muted">none recorded</span>;
  const used = TOKEN_TYPES.filter(([type]) => usage[type] > 0);
  return (
    <span data-testid="instance-tokens">
      {countText(usage.total)}
      {used.length ? <span class="muted"> ({used.map(([type, label]) => `${label} ${countText(usage[type])}`).join(', ')})</span> : null}
    </span>
  );
}
