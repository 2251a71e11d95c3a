import type { Agent, ApiToken, Environment } from '@agentspan/protocol';
import { useState } from 'preact/hooks';
import { account, type TokenAction } from '../api/account.js';
import { api } from '../api.js';
import { timeText } from '../format.js';
import { RowActions, useRowActs } from './row-actions.js';

/** What each status allows, as the API does: a revoked or expired token is refused for good. */
const ACTIONS: Record<ApiToken['status'], TokenAction[]> = {
  active: ['suspend', 'revoke'],
  suspended: ['activate', 'revoke'],
  revoked: [],
  expired: [],
};
const ACTION_LABEL: Record<TokenAction, string> = { suspend: 'Suspend', activate: 'Activate', revoke: 'Revoke' };

/** The secret, shown this once: the server keeps only its hash. */
function Secret({ token, onDone }: { token: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="secret-once" role="status">
      <span>Copy the new token now; it is not shown again:</span>
      <code data-testid="new-token">{token}</code>
      <button
        type="button"
        onClick={() => {
          void navigator.clipboard.writeText(token).then(() => setCopied(true));
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
      <button type="button" onClick={onDone}>
        Done
      </button>
    </div>
  );
}

/**
 * The account's API tokens: scope, status, created, expires, last used, created by; create (the
 * secret shown once), suspend, activate, revoke, delete.
 */
export function TokensSection({
  tokens,
  agents,
  environments,
  onChange,
}: {
  tokens: ApiToken[];
  agents: Agent[];
  environments: Environment[];
  onChange: () => void;
}) {
  const [scope, setScope] = useState<'account' | 'agent_deployment'>('account');
  const [agentId, setAgentId] = useState('');
  const [environmentId, setEnvironmentId] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const { act, refusal } = useRowActs(onChange);
  const agentName = new Map(agents.map((a) => [a.id, a.name]));
  const environmentName = new Map(environments.map((e) => [e.id, e.name]));

  const create = (event: Event) => {
    event.preventDefault();
    void act('create', async () => {
      if (scope === 'account') setSecret((await account.createToken({ token_scope: 'account' })).token);
      else
        setSecret(
          await api.createToken({
            token_scope: 'agent_deployment',
            agent_id: agentId || (agents[0]?.id ?? ''),
            environment_id: environmentId || (environments[0]?.id ?? ''),
          }),
        );
    });
  };

  return (
    <section class="card" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens</h2>
      <form class="inline-form" onSubmit={create}>
        <label>
          Scope
          <select value={scope} onChange={(e) => setScope(e.currentTarget.value as typeof scope)}>
            <option value="account">account (admin calls, the viewer)</option>
            <option value="agent_deployment">one agent in one environment (an agent's SDK)</option>
          </select>
        </label>
        {scope === 'agent_deployment' ? (
          <>
            <label>
              Agent
              <select value={agentId} onChange={(e) => setAgentId(e.currentTarget.value)}>
                {agents.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Environment
              <select value={environmentId} onChange={(e) => setEnvironmentId(e.currentTarget.value)}>
                {environments.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name}
                  </option>
                ))}
              </select>
            </label>
          </>
        ) : null}
        <button type="submit" class="primary">
          Create token
        </button>
      </form>
      {refusal('create') ? (
        <p class="error" role="alert">
          {refusal('create')}
        </p>
      ) : null}
      {secret ? <Secret token={secret} onDone={() => setSecret(null)} /> : null}
      <table class="grid">
        <thead>
          <tr>
            <th scope="col">Token</th>
            <th scope="col">Scope</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">Created by</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id} data-id={t.id}>
              <th scope="row">
                <code>{t.id}</code>
              </th>
              <td>
                {t.token_scope === 'account'
                  ? 'account'
                  : `${agentName.get(t.agent_id ?? '') ?? t.agent_id} in ${environmentName.get(t.environment_id ?? '') ?? t.environment_id}`}
              </td>
              <td data-testid="token-status">{t.status}</td>
              <td>{timeText(t.inserted_at)}</td>
              <td>{t.expires_at ? timeText(t.expires_at) : 'never'}</td>
              <td>{timeText(t.last_used_at)}</td>
              <td>{t.created_by ? <code>{t.created_by}</code> : <span class="muted">command line</span>}</td>
              <td>
                <RowActions
                  actions={[
                    ...ACTIONS[t.status].map((action) => ({
                      label: ACTION_LABEL[action],
                      name: `${ACTION_LABEL[action]} ${t.id}`,
                      danger: action === 'revoke',
                      run: () => void act(t.id, () => account.tokenAction(t.id, action)),
                    })),
                    { label: 'Delete', name: `Delete ${t.id}`, danger: true, run: () => void act(t.id, () => account.deleteToken(t.id)) },
                  ]}
                  refusal={refusal(t.id)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
