import { useEffect, useState } from 'preact/hooks';
import { ApiFailure } from '../api.js';
import { alerts, type Alert, type AlertStatus } from '../api/alerts.js';
import { runs } from '../api/runs.js';
import { useEnvironmentId } from '../environment-scope.js';
import { timeText } from '../format.js';
import { LevelBadge, categoryLabel, num } from '../risk/vocabulary-labels.js';
import { Link, useLocation } from '../router.js';
import { UrlTabs } from '../url-tabs.js';

const failureText = (failure: unknown) => (failure instanceof ApiFailure ? failure.message : String(failure));

/** Where an alert leads: its run, or for a declared span type, its agent's Activity schema. */
function Subject({ alert, agentName }: { alert: Alert; agentName: string }) {
  if (alert.agent_instance_id)
    return (
      <>
        Run <Link href={`/instances/${encodeURIComponent(alert.agent_instance_id)}/risk`}>{alert.agent_instance_id}</Link> of {agentName}
      </>
    );
  return (
    <>
      Span type{' '}
      <Link href={`/agents/${encodeURIComponent(alert.agent_id)}/schema`}>
        <code>{alert.span_type ?? '?'}</code>
      </Link>{' '}
      of {agentName}
      {alert.exceeds ? ` exceeds the agreed risk: ${alert.exceeds.kind} ${categoryLabel(alert.exceeds.name)}` : ''}
    </>
  );
}

/** Acknowledge with an optional note; the alert then moves to the acknowledged list. */
function Acknowledge({ alert, onDone }: { alert: Alert; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (!open)
    return (
      <button type="button" aria-label={`Acknowledge alert ${alert.id}`} onClick={() => setOpen(true)}>
        Acknowledge
      </button>
    );
  return (
    <form
      class="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        setError(null);
        alerts.acknowledge(alert.id, note.trim()).then(onDone, (failure: unknown) => setError(failureText(failure)));
      }}
    >
      <label>
        Note (optional)
        <input value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </label>
      <button type="submit" class="primary">
        Acknowledge now
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}

/** `/alerts` (open) and `/alerts?status=acknowledged`, in the environment chosen. */
export function AlertsPage() {
  const { search } = useLocation();
  const status: AlertStatus = search.get('status') === 'acknowledged' ? 'acknowledged' : 'open';
  const environmentId = useEnvironmentId();
  const [list, setList] = useState<Alert[] | null>(null);
  const [agentNames, setAgentNames] = useState<Map<string, string>>(new Map());
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    runs.agents().then(
      (found) => setAgentNames(new Map(found.map((a) => [a.id, a.name]))),
      () => undefined,
    );
  }, []);
  useEffect(() => {
    let stale = false;
    setList(null);
    setError(null);
    alerts.list(status, environmentId).then(
      (found) => !stale && setList(found.items),
      (failure: unknown) => !stale && setError(failureText(failure)),
    );
    return () => {
      stale = true;
    };
  }, [status, environmentId, generation]);

  return (
    <main class="alerts-page">
      <h1>Alerts</h1>
      <UrlTabs
        label="Alert status"
        current={status}
        tabs={[
          { id: 'open', label: 'Open', href: '/alerts' },
          { id: 'acknowledged', label: 'Acknowledged', href: '/alerts?status=acknowledged' },
        ]}
      >
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : list === null ? (
          <p class="muted">Loading…</p>
        ) : list.length === 0 ? (
          <p class="muted">{status === 'open' ? 'No open alerts.' : 'No acknowledged alerts.'}</p>
        ) : (
          <table class="grid">
            <thead>
              <tr>
                <th scope="col">Alert</th>
                <th scope="col">Level</th>
                <th scope="col">About</th>
                <th scope="col">Opened</th>
                <th scope="col">{status === 'open' ? <span class="visually-hidden">Actions</span> : 'Acknowledged'}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((a) => (
                <tr key={a.id} data-id={a.id}>
                  <td>{a.message}</td>
                  <td>
                    {a.risk_score !== null ? `${num(a.risk_score)} ` : ''}
                    {a.risk_level ? <LevelBadge level={a.risk_level} /> : <span class="muted">–</span>}
                  </td>
                  <td>
                    <Subject alert={a} agentName={agentNames.get(a.agent_id) ?? a.agent_id} />
                  </td>
                  <td>{timeText(a.opened_at)}</td>
                  <td>
                    {status === 'open' ? (
                      <Acknowledge alert={a} onDone={() => setGeneration((g) => g + 1)} />
                    ) : (
                      <>
                        {timeText(a.acknowledged_at)}
                        {a.acknowledged_note ? <p>{a.acknowledged_note}</p> : null}
                        {a.acknowledged_by ? <p class="muted">by token {a.acknowledged_by}</p> : null}
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </UrlTabs>
      <p class="muted">
        Run alerts come from runs' risk levels; span type alerts from declarations that exceed the agreed risk of the agent's{' '}
        <Link href="/risk-profiles">risk profile</Link>.
      </p>
    </main>
  );
}
