import { MAX_MODEL_PRICE, type ModelPrice } from '@agentspan/protocol';
import { useEffect, useState } from 'preact/hooks';
import { failureText } from '../account/failure-text.js';
import { prices } from '../api/prices.js';
import { DataTable, type Column } from '../data-table.js';
import { timeText } from '../format.js';
import { useLocation } from '../router.js';
import { PriceForm, type PriceDraft } from './price-form.js';

/** A rate, or how a missing one is billed (cache tokens at the input rate, reasoning at the output rate). */
const rate = (n: number | null, otherwise = '') => (n === null ? <span class="muted">{otherwise}</span> : `$${n}`);

/** Every column but the row's buttons, which need the page's state. */
const rateColumns: Column<ModelPrice>[] = [
  { heading: 'Model', cell: (p) => <code>{p.model}</code> },
  { heading: 'Input', numeric: true, cell: (p) => rate(p.input) },
  { heading: 'Output', numeric: true, cell: (p) => rate(p.output) },
  { heading: 'Cache read', numeric: true, cell: (p) => rate(p.cache_read, 'as input') },
  { heading: 'Cache write', numeric: true, cell: (p) => rate(p.cache_write, 'as input') },
  { heading: 'Reasoning', numeric: true, cell: (p) => rate(p.reasoning, 'as output') },
  {
    heading: 'Source',
    title: (p) => p.note ?? undefined,
    cell: (p) => (p.source === 'account' ? (p.overrides_shipped ? 'account (over shipped)' : 'account') : 'shipped'),
  },
  { heading: 'Updated', cell: (p) => timeText(p.updated_at) },
];

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
        <DataTable
          class="data prices"
          caption="Prices in USD per million tokens"
          rows={list}
          rowKey={(p) => `${p.source}:${p.model}`}
          rowData={(p) => ({ 'data-model': p.model, 'data-source': p.source })}
          columns={[
            ...rateColumns,
            {
              heading: 'Actions',
              hiddenHeading: true,
              cellClass: 'price-actions',
              cell: (p) => (
                <>
                  <button type="button" onClick={() => edit(p)} aria-label={`Edit the price of ${p.model}`}>
                    Edit
                  </button>
                  {p.source === 'account' ? (
                    <button type="button" onClick={() => void remove(p.model)} aria-label={`Remove the account's price of ${p.model}`}>
                      Remove
                    </button>
                  ) : null}
                </>
              ),
            },
          ]}
        />
      )}
    </main>
  );
}
