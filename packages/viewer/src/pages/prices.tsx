import { MAX_MODEL_PRICE, type ModelPrice } from '@agentspan/protocol';
import { useEffect, useState } from 'preact/hooks';
import { failureText } from '../account/failure-text.js';
import { prices } from '../api/prices.js';
import { timeText } from '../format.js';
import { useLocation } from '../router.js';
import { PriceForm, type PriceDraft } from './price-form.js';

/** A rate, or how a missing one is billed (cache tokens at the input rate, reasoning at the output rate). */
const rate = (n: number | null, otherwise = '') => (n === null ? <span class="muted">{otherwise}</span> : `$${n}`);

/**
 * `/prices`: the prices costs are computed with (per million tokens) and a form to set one;
 * `?model=<id>` opens the form on that model (the dashboard links its unpriced models here).
 */
export function PricesPage() {
  const { search } = useLocation();
  const asked = search.get('model') ?? '';
  const [list, setList] = useState<ModelPrice[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<PriceDraft>({ model: asked, input: '', output: '', cache_read: '', cache_write: '', reasoning: '' });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let stale = false;
    prices.list().then(
      (found) => !stale && setList(found),
      (failure: unknown) => !stale && setError(failureText(failure)),
    );
    return () => {
      stale = true;
    };
  }, [generation]);

  const edit = (p: ModelPrice) => {
    const text = (n: number | null) => (n === null ? '' : String(n));
    setEditing({
      model: p.model,
      input: text(p.input),
      output: text(p.output),
      cache_read: text(p.cache_read),
      cache_write: text(p.cache_write),
      reasoning: text(p.reasoning),
    });
    requestAnimationFrame(() => document.getElementById('price-input')?.focus());
  };
  const remove = async (model: string) => {
    setNotice(null);
    try {
      setNotice(`Removed the account's price of ${model}: ${(await prices.unset(model)).message}.`);
      setGeneration((g) => g + 1);
    } catch (failure) {
      setError(failureText(failure));
    }
  };

  return (
    <main class="prices-page">
      <h1>Model prices</h1>
      <p class="muted">
        USD per million tokens. Costs are computed from these prices when read: a change re-prices past runs too. A model with no price is unpriced:
        its tokens are counted, its cost is left out and named, never $0.
      </p>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <PriceForm
        key={`${editing.model}|${editing.input}`}
        initial={editing}
        max={MAX_MODEL_PRICE}
        onSaved={(message, model) => {
          setNotice(`Saved the price of ${model}: ${message}.`);
          setGeneration((g) => g + 1);
        }}
      />
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {list === null ? (
        <p class="muted">Loading…</p>
      ) : (
        <table class="data prices">
          <caption class="visually-hidden">Prices in USD per million tokens</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col" class="number">
                Input
              </th>
              <th scope="col" class="number">
                Output
              </th>
              <th scope="col" class="number">
                Cache read
              </th>
              <th scope="col" class="number">
                Cache write
              </th>
              <th scope="col" class="number">
                Reasoning
              </th>
              <th scope="col">Source</th>
              <th scope="col">Updated</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((p) => (
              <tr key={`${p.source}:${p.model}`} data-model={p.model} data-source={p.source}>
                <th scope="row">
                  <code>{p.model}</code>
                </th>
                <td class="number">{rate(p.input)}</td>
                <td class="number">{rate(p.output)}</td>
                <td class="number">{rate(p.cache_read, 'as input')}</td>
                <td class="number">{rate(p.cache_write, 'as input')}</td>
                <td class="number">{rate(p.reasoning, 'as output')}</td>
                <td title={p.note ?? undefined}>
                  {p.source === 'account' ? (p.overrides_shipped ? 'account (over shipped)' : 'account') : 'shipped'}
                </td>
                <td>{timeText(p.updated_at)}</td>
                <td class="price-actions">
                  <button type="button" onClick={() => edit(p)} aria-label={`Edit the price of ${p.model}`}>
                    Edit
                  </button>
                  {p.source === 'account' ? (
                    <button type="button" onClick={() => void remove(p.model)} aria-label={`Remove the account's price of ${p.model}`}>
                      Remove
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
