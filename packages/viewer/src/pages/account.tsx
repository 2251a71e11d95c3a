import type { Account, Agent, ApiToken, Environment } from '@agentspan/protocol';
import { useEffect, useState } from 'preact/hooks';
import { EnvironmentsSection } from '../account/environments-section.js';
import { failureText } from '../account/failure-text.js';
import { TokensSection } from '../account/tokens-section.js';
import { account } from '../api/account.js';
import { runs } from '../api/runs.js';

/** The account's name (renamed in place). */
function AccountName({ current, onRenamed }: { current: Account; onRenamed: (a: Account) => void }) {
  const [name, setName] = useState(current.name);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const missing = name.trim() === '';
  return (
    <section class="card" aria-labelledby="account-heading">
      <h2 id="account-heading">Account</h2>
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          setSaved(false);
          if (missing) return setError('give the account a name');
          setError(null);
          account.rename(current.id, name.trim()).then(
            (renamed) => {
              onRenamed(renamed);
              setSaved(true);
            },
            (failure: unknown) => setError(failureText(failure)),
          );
        }}
      >
        <label>
          Account name
          <input
            value={name}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'account-name-error' : undefined}
            onInput={(e) => setName(e.currentTarget.value)}
          />
          {error ? (
            <span class="field-error" id="account-name-error">
              {error}
            </span>
          ) : null}
        </label>
        <button type="submit">Rename</button>
        {saved ? <span role="status">Saved.</span> : null}
      </form>
      <p class="muted">
        Id <code>{current.id}</code>
      </p>
    </section>
  );
}

/** `/account`: the account's name, its environments and its API tokens (account-wide: no environment scope applies). */
export function AccountPage() {
  const [current, setCurrent] = useState<Account | null>(null);
  const [environments, setEnvironments] = useState<Environment[]>([]);
  const [tokens, setTokens] = useState<ApiToken[]>([]);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    account.get().then(setCurrent, (failure: unknown) => setError(failureText(failure)));
    runs.agents().then(setAgents, () => setAgents([]));
  }, []);
  useEffect(() => {
    account.environments().then(setEnvironments, (failure: unknown) => setError(failureText(failure)));
    account.tokens().then(setTokens, (failure: unknown) => setError(failureText(failure)));
  }, [generation]);
  const reload = () => setGeneration((g) => g + 1);

  return (
    <main class="account-page">
      <h1>Account</h1>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {current ? <AccountName current={current} onRenamed={setCurrent} /> : <p class="muted">Loading…</p>}
      <EnvironmentsSection environments={environments} onChange={reload} />
      <TokensSection tokens={tokens} agents={agents} environments={environments} onChange={reload} />
    </main>
  );
}
