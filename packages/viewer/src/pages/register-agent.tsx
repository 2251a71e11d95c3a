import type { Agent } from '@agentspan/protocol';
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Named } from '../api.js';
import { agentsApi, failureText, fieldError } from '../api/agents.js';

/** A field's label, control and, when the server refused it, its message (tied to the control for screen readers). */
export function Field({ id, label, error, children }: { id: string; label: string; error: string | undefined; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
      {error ? (
        <p class="error field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Register agent: name, description, risk profile; the server's refusal shown on the field it names. */
export function RegisterAgent({ profiles, onRegistered }: { profiles: Named[]; onRegistered: (agent: Agent) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [profileId, setProfileId] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const agent = await agentsApi.create({ name: name.trim(), description: description.trim() || null, risk_profile_id: profileId || null });
      setName('');
      setDescription('');
      setProfileId('');
      onRegistered(agent);
    } catch (caught) {
      setFailure(caught);
    } finally {
      setBusy(false);
    }
  };
  const nameError = fieldError(failure, 'details.name');
  const descriptionError = fieldError(failure, 'details.description');
  const profileError = fieldError(failure, 'details.risk_profile_id');
  const otherError = failure && !nameError && !descriptionError && !profileError ? failureText(failure) : null;

  return (
    <form class="register-agent" aria-labelledby="register-agent-title" onSubmit={(e) => void submit(e)} noValidate>
      <h2 id="register-agent-title">Register agent</h2>
      <Field id="agent-name" label="Name" error={nameError}>
        <input
          id="agent-name"
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          aria-invalid={nameError ? 'true' : undefined}
          aria-describedby={nameError ? 'agent-name-error' : undefined}
        />
      </Field>
      <Field id="agent-description" label="Description" error={descriptionError}>
        <input
          id="agent-description"
          value={description}
          onInput={(e) => setDescription(e.currentTarget.value)}
          aria-invalid={descriptionError ? 'true' : undefined}
          aria-describedby={descriptionError ? 'agent-description-error' : undefined}
        />
      </Field>
      <Field id="agent-profile" label="Risk profile" error={profileError}>
        <select
          id="agent-profile"
          value={profileId}
          onChange={(e) => setProfileId(e.currentTarget.value)}
          aria-invalid={profileError ? 'true' : undefined}
          aria-describedby={profileError ? 'agent-profile-error' : undefined}
        >
          <option value="">None</option>
          {profiles.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </Field>
      <button type="submit" disabled={busy}>
        Register
      </button>
      {otherError ? (
        <p class="error" role="alert">
          {otherError}
        </p>
      ) : null}
    </form>
  );
}
