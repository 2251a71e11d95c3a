import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, api, type Named } from '../api.js';

type Purpose = 'agent' | 'cli';

interface Issued {
  token: string;
  purpose: Purpose;
  agent?: Named;
  environment?: Named;
}

/**
 * `/cli/connect`, the page a command line's `login` opens: the signed-in user makes a token to paste
 * into it. Deployment-scoped (one agent in one environment, what an agent's SDK sends spans with) by
 * default; account-scoped for the admin commands. The secret is shown once: the server keeps only
 * its hash.
 */
export function CliConnectPage() {
  const [agents, setAgents] = useState<Named[] | null>(null);
  const [environments, setEnvironments] = useState<Named[] | null>(null);
  const [purpose, setPurpose] = useState<Purpose>('agent');
  const [agentId, setAgentId] = useState('');
  const [environmentId, setEnvironmentId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [issued, setIssued] = useState<Issued | null>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    const failed = (failure: unknown) => setError(failure instanceof ApiFailure ? failure.message : String(failure));
    api.agents().then((found) => {
      setAgents(found);
      setAgentId((current) => current || (found[0]?.id ?? ''));
    }, failed);
    api.environments().then((found) => {
      setEnvironments(found);
      setEnvironmentId((current) => current || (found[0]?.id ?? ''));
    }, failed);
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setCopied(false);
    try {
      if (purpose === 'agent') {
        const token = await api.createToken({ token_scope: 'agent_deployment', agent_id: agentId, environment_id: environmentId });
        setIssued({
          token,
          purpose,
          agent: agents?.find((a) => a.id === agentId),
          environment: environments?.find((e) => e.id === environmentId),
        });
      } else {
        setIssued({ token: await api.createToken({ token_scope: 'account' }), purpose });
      }
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : 'the server could not be reached; try again');
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!issued) return;
    await navigator.clipboard.writeText(issued.token).then(
      () => setCopied(true),
      () => setError('the browser did not allow copying; select the token and copy it by hand'),
    );
  };

  const noAgents = agents !== null && agents.length === 0;
  return (
    <main class="connect">
      <h1>Connect a command line</h1>
      <p class="muted">Make a token here, then paste it where your command line's login asks for it. It is shown once.</p>
      <form onSubmit={(e) => void submit(e)}>
        <fieldset>
          <legend>What the token is for</legend>
          <label>
            <input type="radio" name="purpose" checked={purpose === 'agent'} onChange={() => setPurpose('agent')} /> An agent: sends spans for one
            agent in one environment
          </label>
          <label>
            <input type="radio" name="purpose" checked={purpose === 'cli'} onChange={() => setPurpose('cli')} /> The command line: every admin command
            of this account
          </label>
        </fieldset>
        {purpose === 'agent' ? (
          <>
            <label for="connect-agent">Agent</label>
            <select id="connect-agent" value={agentId} onChange={(e) => setAgentId(e.currentTarget.value)} disabled={!agents?.length}>
              {(agents ?? []).map((agent) => (
                <option key={agent.id} value={agent.id}>
                  {agent.name} ({agent.id})
                </option>
              ))}
            </select>
            {noAgents ? (
              <p class="muted">
                This account has no agent yet: register one (<code>POST /api/v1/agent</code>, or run an agent once), then come back.
              </p>
            ) : null}
            <label for="connect-environment">Environment</label>
            <select id="connect-environment" value={environmentId} onChange={(e) => setEnvironmentId(e.currentTarget.value)}>
              {(environments ?? []).map((environment) => (
                <option key={environment.id} value={environment.id}>
                  {environment.name}
                </option>
              ))}
            </select>
          </>
        ) : null}
        <button type="submit" disabled={busy || (purpose === 'agent' && (!agentId || !environmentId))}>
          Create token
        </button>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
      {issued ? (
        <section class="issued" aria-live="polite">
          <h2>Your token</h2>
          <p>
            {issued.purpose === 'agent'
              ? `For ${issued.agent?.name ?? 'the agent'} in ${issued.environment?.name ?? 'the environment'}. `
              : 'For every admin command of this account. '}
            Copy it now: it cannot be shown again.
          </p>
          <div class="secret">
            <code data-testid="issued-token">{issued.token}</code>
            <button type="button" onClick={() => void copy()}>
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
        </section>
      ) : null}
    </main>
  );
}
