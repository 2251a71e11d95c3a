import type { Agent } from '@agentspan/protocol';
import { useState } from 'preact/hooks';
import type { Named } from '../../api.js';
import { agentsApi, failureText, fieldError } from '../../api/agents.js';
import { timeText } from '../../format.js';
import { Link, navigate } from '../../router.js';
import { Field } from '../register-agent.js';

/** Edit name, description and risk profile; the server's refusal shown on its field. */
function EditAgent({ agent, profiles, onDone }: { agent: Agent; profiles: Named[]; onDone: (agent: Agent | null) => void }) {
  const [name, setName] = useState(agent.name);
  const [description, setDescription] = useState(agent.description ?? '');
  const [profileId, setProfileId] = useState(agent.risk_profile_id ?? '');
  const [failure, setFailure] = useState<unknown>(null);
  const save = async (event: Event) => {
    event.preventDefault();
    setFailure(null);
    try {
      onDone(await agentsApi.update(agent.id, { name: name.trim(), description: description.trim() || null, risk_profile_id: profileId || null }));
    } catch (caught) {
      setFailure(caught);
    }
  };
  const errors = { name: fieldError(failure, 'details.name'), description: fieldError(failure, 'details.description') };
  const profileError = fieldError(failure, 'details.risk_profile_id');
  const other = failure && !errors.name && !errors.description && !profileError ? failureText(failure) : null;
  return (
    <form class="edit-agent" aria-label="Edit agent" onSubmit={(e) => void save(e)} noValidate>
      <Field id="edit-name" label="Name" error={errors.name}>
        <input id="edit-name" value={name} onInput={(e) => setName(e.currentTarget.value)} aria-invalid={errors.name ? 'true' : undefined} />
      </Field>
      <Field id="edit-description" label="Description" error={errors.description}>
        <input id="edit-description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
      </Field>
      <Field id="edit-profile" label="Risk profile" error={profileError}>
        <select id="edit-profile" value={profileId} onChange={(e) => setProfileId(e.currentTarget.value)}>
          <option value="">None</option>
          {profiles.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </Field>
      <div class="actions">
        <button type="submit">Save</button>
        <button type="button" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
      {other ? (
        <p class="error" role="alert">
          {other}
        </p>
      ) : null}
    </form>
  );
}

/** The agent's strip: what it is, when it changed, and what may be done to it now. */
export function AgentStrip({ agent, profiles, onChanged }: { agent: Agent; profiles: Named[]; onChanged: (agent: Agent) => void }) {
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const actions = agent.available_actions;
  const act = async (action: 'retire' | 'reinstate' | 'delete') => {
    setError(null);
    try {
      const changed = await agentsApi.act(agent.id, action);
      if (action === 'delete') navigate('/agents');
      else onChanged(changed);
    } catch (failure) {
      setError(failureText(failure));
    }
  };
  const profileName = agent.risk_profile_id ? (profiles.find((p) => p.id === agent.risk_profile_id)?.name ?? agent.risk_profile_id) : null;
  return (
    <header class="strip">
      <div class="strip-title">
        <h1>{agent.name}</h1>
        <span class={`badge agent-${agent.status}`} data-testid="agent-status">
          {agent.status}
        </span>
      </div>
      <p class="description">{agent.description ?? <span class="muted">No description.</span>}</p>
      <dl class="facts">
        <div>
          <dt>Risk profile</dt>
          <dd data-testid="agent-profile">
            {profileName && agent.risk_profile_id ? (
              <Link href={`/risk-profiles/${encodeURIComponent(agent.risk_profile_id)}`}>{profileName}</Link>
            ) : (
              'none'
            )}
          </dd>
        </div>
        <div>
          <dt>Registered</dt>
          <dd>{timeText(agent.inserted_at)}</dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd>{timeText(agent.updated_at)}</dd>
        </div>
        <div>
          <dt>Id</dt>
          <dd>
            <code>{agent.id}</code>
          </dd>
        </div>
      </dl>
      {editing ? (
        <EditAgent
          agent={agent}
          profiles={profiles}
          onDone={(changed) => {
            setEditing(false);
            if (changed) onChanged(changed);
          }}
        />
      ) : (
        <div class="actions">
          {actions?.update !== false ? (
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          ) : null}
          {actions?.retire ? (
            <button type="button" onClick={() => void act('retire')}>
              Retire
            </button>
          ) : null}
          {actions?.reinstate ? (
            <button type="button" onClick={() => void act('reinstate')}>
              Reinstate
            </button>
          ) : null}
          {actions?.delete ? (
            confirmDelete ? (
              <>
                <button type="button" class="danger" onClick={() => void act('delete')}>
                  Delete for good
                </button>
                <button type="button" onClick={() => setConfirmDelete(false)}>
                  Keep it
                </button>
              </>
            ) : (
              <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>
                Delete
              </button>
            )
          ) : null}
        </div>
      )}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </header>
  );
}
