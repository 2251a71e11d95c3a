import {
  DATA_ACTIONS,
  DATA_CATEGORY_GROUPS,
  MAX_ACTION_MULTIPLIER,
  MAX_CATEGORY_WEIGHT,
  type DataAction,
  type DataCategory,
  type RiskProfile,
} from '@agentspan/protocol';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiFailure } from '../api.js';
import { riskProfiles } from '../api/risk-profiles.js';
import { FORM_FIELDS, MAX_DESCRIPTION, check, draftOf, formValues, serverMessages, type FieldMessages, type FormValues } from './profile-draft.js';
import { categoryLabel } from './vocabulary-labels.js';

/** An input's id, from its field path (`details.thresholds.high` → `f-details-thresholds-high`). */
const idOf = (path: string) => `f-${path.replace(/\./g, '-')}`;

function Message({ path, text }: { path: string; text: string | undefined }) {
  return text ? (
    <span class="field-error" id={`${idOf(path)}-error`}>
      {text}
    </span>
  ) : null;
}

/** What an input with a message beside it carries, so a screen reader reads the message with it. */
const described = (path: string, text: string | undefined) =>
  text ? { 'aria-invalid': true as const, 'aria-describedby': `${idOf(path)}-error` } : {};

/**
 * Create or edit a profile: all 17 categories in their three groups, the 6 actions, the three
 * thresholds. A wrong value is explained beside its field as it is typed (after the field is left,
 * or on Save), nothing is sent while any remains, and the server's 422 lands on the field it names.
 */
export function RiskProfileForm({
  profile,
  onSaved,
  onCancel,
}: {
  profile?: RiskProfile;
  onSaved: (saved: RiskProfile) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState<FormValues>(() => formValues(profile));
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [tried, setTried] = useState(false);
  const [server, setServer] = useState<{ fields: FieldMessages; rest: string[] }>({ fields: {}, rest: [] });
  const [busy, setBusy] = useState(false);

  const local = check(values);
  const messageAt = (path: string) => server.fields[path] ?? (tried || touched.has(path) ? local[path] : undefined);
  const edit = (path: string, change: (v: FormValues) => FormValues) => {
    setValues(change(values));
    setTouched((t) => new Set(t).add(path));
    if (server.fields[path]) setServer((s) => ({ ...s, fields: Object.fromEntries(Object.entries(s.fields).filter(([p]) => p !== path)) }));
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setTried(true);
    if (Object.keys(local).length > 0) {
      // The first wrong field takes the focus, so a keyboard user lands on what to fix.
      const first = [...FORM_FIELDS].find((p) => local[p]);
      if (first) document.getElementById(idOf(first))?.focus();
      return;
    }
    setBusy(true);
    setServer({ fields: {}, rest: [] });
    try {
      const draft = draftOf(values);
      onSaved(profile ? await riskProfiles.update(profile.id, draft) : await riskProfiles.create(draft));
    } catch (failure) {
      if (failure instanceof ApiFailure && Object.keys(failure.errors).length > 0) {
        const mapped = serverMessages(failure.errors, FORM_FIELDS);
        setServer(mapped);
        const first = [...FORM_FIELDS].find((p) => mapped.fields[p]);
        if (first) document.getElementById(idOf(first))?.focus();
      } else setServer({ fields: {}, rest: [failure instanceof Error ? failure.message : String(failure)] });
    } finally {
      setBusy(false);
    }
  };

  // `label` names an input that has no visible <label> of its own (the table's).
  const numberInput = (path: string, value: string, label: string | undefined, max: number | undefined, set: (text: string) => FormValues) => (
    <input
      id={idOf(path)}
      type="number"
      inputMode="decimal"
      step="any"
      min={0}
      max={max}
      value={value}
      aria-label={label}
      onInput={(e) => edit(path, () => set(e.currentTarget.value))}
      onBlur={() => setTouched((t) => new Set(t).add(path))}
      {...described(path, messageAt(path))}
    />
  );

  const category = (c: DataCategory) => {
    const path = `details.categories.${c}.weight`;
    const label = categoryLabel(c);
    return (
      <tr key={c}>
        <th scope="row">
          {label} <code class="muted">{c}</code>
        </th>
        <td>
          <input
            type="checkbox"
            checked={values.categories[c].included}
            aria-label={`Include ${label}`}
            onChange={(e) =>
              edit(path, (v) => ({ ...v, categories: { ...v.categories, [c]: { ...v.categories[c], included: e.currentTarget.checked } } }))
            }
          />
        </td>
        <td>
          {numberInput(path, values.categories[c].weight, `Weight of ${label}`, MAX_CATEGORY_WEIGHT, (text) => ({
            ...values,
            categories: { ...values.categories, [c]: { ...values.categories[c], weight: text } },
          }))}
          <Message path={path} text={messageAt(path)} />
        </td>
      </tr>
    );
  };

  const action = (a: DataAction) => {
    const path = `details.actions.${a}.multiplier`;
    const label = categoryLabel(a);
    return (
      <tr key={a}>
        <th scope="row">
          {label} <code class="muted">{a}</code>
        </th>
        <td>
          <input
            type="checkbox"
            checked={values.actions[a].included}
            aria-label={`Include ${label}`}
            onChange={(e) => edit(path, (v) => ({ ...v, actions: { ...v.actions, [a]: { ...v.actions[a], included: e.currentTarget.checked } } }))}
          />
        </td>
        <td>
          {numberInput(path, values.actions[a].multiplier, `Multiplier of ${label}`, MAX_ACTION_MULTIPLIER, (text) => ({
            ...values,
            actions: { ...values.actions, [a]: { ...values.actions[a], multiplier: text } },
          }))}
          <Message path={path} text={messageAt(path)} />
        </td>
      </tr>
    );
  };

  const settings = (caption: string, head: string, rows: ComponentChildren) => (
    <table class="settings">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Include</th>
          <th scope="col">{head}</th>
        </tr>
      </thead>
      <tbody>{rows}</tbody>
    </table>
  );

  return (
    <form class="profile-form" noValidate onSubmit={(e) => void submit(e)}>
      {server.rest.length > 0 ? (
        <div class="error" role="alert">
          {server.rest.map((m) => (
            <p key={m}>{m}</p>
          ))}
        </div>
      ) : null}
      <div class="field">
        <label for={idOf('details.name')}>Name</label>
        <input
          id={idOf('details.name')}
          value={values.name}
          onInput={(e) => edit('details.name', (v) => ({ ...v, name: e.currentTarget.value }))}
          onBlur={() => setTouched((t) => new Set(t).add('details.name'))}
          {...described('details.name', messageAt('details.name'))}
        />
        <Message path="details.name" text={messageAt('details.name')} />
      </div>
      <div class="field">
        <label for={idOf('details.description')}>Description</label>
        <textarea
          id={idOf('details.description')}
          rows={2}
          maxLength={MAX_DESCRIPTION}
          value={values.description}
          onInput={(e) => edit('details.description', (v) => ({ ...v, description: e.currentTarget.value }))}
          {...described('details.description', messageAt('details.description'))}
        />
        <Message path="details.description" text={messageAt('details.description')} />
      </div>
      <fieldset>
        <legend>Data categories: weight 0–{MAX_CATEGORY_WEIGHT}; the included ones are the agreed risk</legend>
        {DATA_CATEGORY_GROUPS.map((g) => (
          <div key={g.group}>{settings(g.title, 'Weight', g.categories.map(category))}</div>
        ))}
      </fieldset>
      <fieldset>
        <legend>Actions: multiplier 0–{MAX_ACTION_MULTIPLIER} (above 1 amplifies, 1 is neutral, below 1 reduces)</legend>
        {settings('Actions', 'Multiplier', DATA_ACTIONS.map(action))}
      </fieldset>
      <fieldset class="thresholds">
        <legend>Thresholds: a run scoring at least this is at that level (medium &lt; high &lt; critical)</legend>
        {(['medium', 'high', 'critical'] as const).map((level) => {
          const path = `details.thresholds.${level}`;
          return (
            <div class="field" key={level}>
              <label for={idOf(path)}>{level.charAt(0).toUpperCase() + level.slice(1)}</label>
              {numberInput(path, values.thresholds[level], undefined, undefined, (text) => ({
                ...values,
                thresholds: { ...values.thresholds, [level]: text },
              }))}
              <Message path={path} text={messageAt(path)} />
            </div>
          );
        })}
      </fieldset>
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          {profile ? 'Save changes' : 'Create profile'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
