import type { ModelPriceRates } from '@agentspan/protocol';
import { useState } from 'preact/hooks';
import { failureText } from '../account/failure-text.js';
import { ApiFailure } from '../api.js';
import { prices } from '../api/prices.js';

/** The form's fields as typed (text until sent). */
export interface PriceDraft {
  model: string;
  input: string;
  output: string;
  cache_read: string;
  cache_write: string;
  reasoning: string;
}

const RATES = [
  ['input', 'Input', true],
  ['output', 'Output', true],
  ['cache_read', 'Cache read', false],
  ['cache_write', 'Cache write', false],
  ['reasoning', 'Reasoning', false],
] as const;

/** Each wrong field and what to do, before anything is sent. */
function problems(draft: PriceDraft, max: number): Partial<Record<keyof PriceDraft, string>> {
  const found: Partial<Record<keyof PriceDraft, string>> = {};
  if (draft.model.trim() === '') found.model = 'name the model id as your spans record it, such as gpt-4o';
  for (const [name, , required] of RATES) {
    const text = draft[name].trim();
    if (text === '') {
      if (required) found[name] = 'give a price per million tokens (0 for free)';
      continue;
    }
    const n = Number(text);
    if (!Number.isFinite(n) || n < 0 || n > max) found[name] = `must be a number from 0 to ${max} (USD per million tokens)`;
  }
  return found;
}

/** Sets the account's price of a model; the server's 422 is shown on the field it names. */
export function PriceForm({ initial, max, onSaved }: { initial: PriceDraft; max: number; onSaved: (message: string, model: string) => void }) {
  const [draft, setDraft] = useState(initial);
  const [tried, setTried] = useState(false);
  const [server, setServer] = useState<{ message: string; fields: Partial<Record<keyof PriceDraft, string>> } | null>(null);
  const local = tried ? problems(draft, max) : {};
  const errorOf = (name: keyof PriceDraft) => local[name] ?? server?.fields[name];

  const submit = async (event: Event) => {
    event.preventDefault();
    setTried(true);
    setServer(null);
    if (Object.keys(problems(draft, max)).length > 0) return;
    const optional = (text: string) => (text.trim() === '' ? null : Number(text));
    const rates: ModelPriceRates = {
      input: Number(draft.input),
      output: Number(draft.output),
      cache_read: optional(draft.cache_read),
      cache_write: optional(draft.cache_write),
      reasoning: optional(draft.reasoning),
    };
    try {
      const model = draft.model.trim();
      onSaved((await prices.set(model, rates)).message, model);
    } catch (failure) {
      const fields: Partial<Record<keyof PriceDraft, string>> = {};
      if (failure instanceof ApiFailure)
        for (const [path, messages] of Object.entries(failure.errors)) {
          const name = path.replace(/^(details\.|params\.)/, '') as keyof PriceDraft;
          if (name in draft) fields[name] = messages.join('; ');
        }
      setServer({ message: failureText(failure), fields });
    }
  };

  const field = (name: keyof PriceDraft, label: string, hint?: string) => {
    const error = errorOf(name);
    return (
      <label key={name}>
        {label}
        <input
          id={`price-${name.replace('_', '-')}`}
          value={draft[name]}
          inputMode={name === 'model' ? undefined : 'decimal'}
          placeholder={hint}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `price-${name}-error` : undefined}
          onInput={(e) => setDraft({ ...draft, [name]: e.currentTarget.value })}
        />
        {error ? (
          <span class="field-error" id={`price-${name}-error`}>
            {error}
          </span>
        ) : null}
      </label>
    );
  };

  return (
    <form class="panel price-form" aria-label="Set a model's price" onSubmit={(e) => void submit(e)} noValidate>
      <h2>Set a price</h2>
      <div class="price-fields">
        {field('model', 'Model id')}
        {RATES.map(([name, label, required]) => field(name, `${label} $/1M`, required ? undefined : name === 'reasoning' ? 'as output' : 'as input'))}
        <button type="submit" class="primary">
          Save price
        </button>
      </div>
      {server ? (
        <p class="error" role="alert">
          {server.message}
        </p>
      ) : null}
    </form>
  );
}
