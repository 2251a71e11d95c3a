import { useState } from 'preact/hooks';
import { failureText } from './failure-text.js';

/** One button of a row: `name` is what a screen reader hears, naming the row (`Delete staging`). */
export interface RowAction {
  label: string;
  name: string;
  danger?: boolean;
  run: () => void;
}

/**
 * A row's action buttons, and beneath them the server's refusal of the last one tried there: the
 * environments' and the tokens' rows act alike, so they read alike.
 */
export function RowActions({ actions, refusal }: { actions: RowAction[]; refusal?: string | null }) {
  return (
    <>
      <div class="actions">
        {actions.map((action) => (
          <button key={action.label} type="button" class={action.danger ? 'danger' : undefined} aria-label={action.name} onClick={action.run}>
            {action.label}
          </button>
        ))}
      </div>
      {refusal ? (
        <p class="error" role="alert">
          {refusal}
        </p>
      ) : null}
    </>
  );
}

/**
 * Runs a row's action (or the section's own, under any id): on success the section reloads, on a
 * refusal the server's reason shows beside what was tried, one reason at a time.
 */
export function useRowActs(onChange: () => void) {
  const [refused, setRefused] = useState<{ id: string; message: string } | null>(null);
  const act = async (id: string, run: () => Promise<unknown>) => {
    setRefused(null);
    try {
      await run();
      onChange();
    } catch (failure) {
      setRefused({ id, message: failureText(failure) });
    }
  };
  return { act, refusal: (id: string) => (refused?.id === id ? refused.message : null) };
}
