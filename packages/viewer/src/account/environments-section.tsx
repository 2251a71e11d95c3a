import { ENVIRONMENT_PURPOSES, type Environment, type EnvironmentPurpose } from '@agentspan/protocol';
import { useState } from 'preact/hooks';
import { account, type EnvironmentDraft } from '../api/account.js';
import { timeText } from '../format.js';
import { failureText } from './failure-text.js';
import { RowActions, useRowActs } from './row-actions.js';

const EMPTY: EnvironmentDraft = { name: '', purpose: 'development', description: null };

/** Name, purpose and description: the create form and each row's edit form. */
function EnvironmentForm({
  initial,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  initial: EnvironmentDraft;
  submitLabel: string;
  onSubmit: (draft: EnvironmentDraft) => Promise<void>;
  onCancel?: () => void;
}) {
  const [draft, setDraft] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const nameMissing = draft.name.trim() === '';
  const prefix = initial.name ? `env-${initial.name}` : 'env-new';
  return (
    <form
      class="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        setTried(true);
        if (nameMissing) return;
        setError(null);
        onSubmit({ ...draft, name: draft.name.trim(), description: draft.description?.trim() || null }).catch((failure: unknown) =>
          setError(failureText(failure)),
        );
      }}
    >
      <label>
        Name
        <input
          value={draft.name}
          aria-invalid={tried && nameMissing ? true : undefined}
          aria-describedby={tried && nameMissing ? `${prefix}-name-error` : undefined}
          onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
        />
        {tried && nameMissing ? (
          <span class="field-error" id={`${prefix}-name-error`}>
            give the environment a name
          </span>
        ) : null}
      </label>
      <label>
        Purpose
        <select value={draft.purpose} onChange={(e) => setDraft({ ...draft, purpose: e.currentTarget.value as EnvironmentPurpose })}>
          {ENVIRONMENT_PURPOSES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <label>
        Description
        <input value={draft.description ?? ''} onInput={(e) => setDraft({ ...draft, description: e.currentTarget.value })} />
      </label>
      <button type="submit" class="primary">
        {submitLabel}
      </button>
      {onCancel ? (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}

/** The account's environments: create, edit (purpose and description), delete (refused with the server's reason while in use). */
export function EnvironmentsSection({ environments, onChange }: { environments: Environment[]; onChange: () => void }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const { act, refusal } = useRowActs(onChange);

  return (
    <section class="card" aria-labelledby="environments-heading">
      <div class="page-head">
        <h2 id="environments-heading">Environments</h2>
        {creating ? null : (
          <button type="button" onClick={() => setCreating(true)}>
            New environment
          </button>
        )}
      </div>
      {creating ? (
        <EnvironmentForm
          initial={EMPTY}
          submitLabel="Create environment"
          onSubmit={async (draft) => {
            await account.createEnvironment(draft);
            setCreating(false);
            onChange();
          }}
          onCancel={() => setCreating(false)}
        />
      ) : null}
      <table class="grid">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Purpose</th>
            <th scope="col">Description</th>
            <th scope="col">Created</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {environments.map((e) =>
            editing === e.id ? (
              <tr key={e.id} data-id={e.id}>
                <td colSpan={5}>
                  <EnvironmentForm
                    initial={{ name: e.name, purpose: e.purpose, description: e.description }}
                    submitLabel="Save"
                    onSubmit={async (draft) => {
                      await account.updateEnvironment(e.id, draft);
                      setEditing(null);
                      onChange();
                    }}
                    onCancel={() => setEditing(null)}
                  />
                </td>
              </tr>
            ) : (
              <tr key={e.id} data-id={e.id}>
                <th scope="row">{e.name}</th>
                <td>{e.purpose}</td>
                <td>{e.description ?? <span class="muted">–</span>}</td>
                <td>{timeText(e.inserted_at)}</td>
                <td>
                  <RowActions
                    actions={[
                      { label: 'Edit', name: `Edit ${e.name}`, run: () => setEditing(e.id) },
                      { label: 'Delete', name: `Delete ${e.name}`, danger: true, run: () => void act(e.id, () => account.deleteEnvironment(e.id)) },
                    ]}
                    refusal={refusal(e.id)}
                  />
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </section>
  );
}
