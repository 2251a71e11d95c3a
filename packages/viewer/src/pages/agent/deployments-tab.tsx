import type { ApiToken } from '@agentspan/protocol';
import { useEffect, useState } from 'preact/hooks';
import { failureText } from '../../api/agents.js';
import { agentTabsApi } from '../../api/deployments.js';
import { timeText } from '../../format.js';
import { environmentName, versionName, type AgentContext } from './agent-context.js';

type TokenAction = 'suspend' | 'activate' | 'revoke' | 'delete';

/** What may be done to a token in its status (a revoked or expired one can only be deleted). */
const actionsFor = (status: ApiToken['status']): TokenAction[] =>
  status === 'active' ? ['suspend', 'revoke', 'delete'] : status === 'suspended' ? ['activate', 'revoke', 'delete'] : ['delete'];

/** The secret of a token just made: shown once, with a button that copies it. */
function IssuedSecret({ secret, environment }: { secret: string; environment: string }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = () =>
    navigator.clipboard.writeText(secret).then(
      () => setCopied('Copied'),
      () => setCopied('The browser did not allow copying: select the token and copy it by hand.'),
    );
  return (
    <div class="issued" role="status">
      <p>
        Token for <strong>{environment}</strong>. Copy it now: it cannot be shown again.
      </p>
      <div class="secret">
        <code data-testid="issued-token">{secret}</code>
        <button type="button" onClick={() => void copy()}>
          {copied === 'Copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      {copied && copied !== 'Copied' ? <p class="error">{copied}</p> : null}
    </div>
  );
}

/** Deployments: per environment the current version and its history; the agent's deployment tokens. */
export function DeploymentsTab({ agent, deployments, versions, environments, environmentId, reload }: AgentContext) {
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [tokenEnvironment, setTokenEnvironment] = useState(environmentId ?? '');
  const [issued, setIssued] = useState<{ secret: string; environment: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    agentTabsApi.tokens(agent.id).then(setTokens, (failure: unknown) => setError(failureText(failure)));
  }, [agent.id, generation]);
  // Only fills an empty choice: a user's pick made between the environments' arrival and this
  // effect must stand, so the current value is read at the update, not from this render.
  useEffect(() => {
    const first = environments[0];
    if (first) setTokenEnvironment((chosen) => chosen || (environmentId ?? first.id));
  }, [environments, environmentId]);

  const create = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      const answer = await agentTabsApi.createToken(agent.id, tokenEnvironment);
      setIssued({ secret: answer.token, environment: environmentName(environments, tokenEnvironment) });
      setGeneration((g) => g + 1);
      reload();
    } catch (failure) {
      setError(failureText(failure));
    }
  };
  const act = async (token: ApiToken, action: TokenAction) => {
    setError(null);
    try {
      await agentTabsApi.tokenAction(token.id, action);
      setGeneration((g) => g + 1);
    } catch (failure) {
      setError(failureText(failure));
    }
  };
  const shown = deployments.filter((d) => !environmentId || d.environment_id === environmentId);

  return (
    <div class="deployments-tab">
      <section class="panel" aria-labelledby="deployments-title">
        <h2 id="deployments-title">Deployments</h2>
        {shown.length === 0 ? <p class="muted">Not deployed{environmentId ? ' in this environment' : ''} yet.</p> : null}
        {shown.map((d) => (
          <article key={d.id} class="deployment" data-environment={d.environment_id}>
            <h3>
              {environmentName(environments, d.environment_id)}: {versionName(versions, d.current_version_id)}
            </h3>
            <ol class="history" aria-label={`Version history in ${environmentName(environments, d.environment_id)}`} reversed>
              {[...d.history].reverse().map((change) => (
                <li key={`${change.changed_at}-${change.version_id}`}>
                  {versionName(versions, change.version_id)} <span class="muted">from {timeText(change.changed_at)}</span>
                </li>
              ))}
            </ol>
          </article>
        ))}
      </section>
      <section class="panel" aria-labelledby="tokens-title">
        <h2 id="tokens-title">Deployment tokens</h2>
        <p class="muted">A deployment token lets an agent's SDK send spans for this agent in one environment, and nothing else.</p>
        <form class="inline-form" onSubmit={(e) => void create(e)}>
          <label>
            Environment{' '}
            <select value={tokenEnvironment} onChange={(e) => setTokenEnvironment(e.currentTarget.value)}>
              {environments.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={!tokenEnvironment}>
            Create token
          </button>
        </form>
        {issued ? <IssuedSecret secret={issued.secret} environment={issued.environment} /> : null}
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        {tokens === null ? (
          <p class="muted">Loading…</p>
        ) : tokens.length === 0 ? (
          <p class="muted">No deployment tokens.</p>
        ) : (
          <table class="data" data-testid="deployment-tokens">
            <thead>
              <tr>
                <th scope="col">Token</th>
                <th scope="col">Environment</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.id} data-id={t.id}>
                  <td>
                    <code>{t.id}</code>
                  </td>
                  <td>{t.environment_id ? environmentName(environments, t.environment_id) : '–'}</td>
                  <td data-testid="token-status">{t.status}</td>
                  <td>{timeText(t.inserted_at)}</td>
                  <td>{timeText(t.last_used_at)}</td>
                  <td class="actions">
                    {actionsFor(t.status).map((action) => (
                      <button
                        key={action}
                        type="button"
                        class={action === 'revoke' || action === 'delete' ? 'danger' : undefined}
                        aria-label={`${action[0]!.toUpperCase()}${action.slice(1)} token ${t.id}`}
                        onClick={() => void act(t, action)}
                      >
                        {action[0]!.toUpperCase() + action.slice(1)}
                      </button>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
