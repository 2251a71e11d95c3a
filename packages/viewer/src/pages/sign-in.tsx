import { useState } from 'preact/hooks';
import { ApiFailure, session } from '../api.js';

/** Asks for an API token; the server checks it and keeps it in an HttpOnly cookie, never in script reach. */
export function SignIn({ onSignedIn }: { onSignedIn(csrf: string): void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await session.signIn(token.trim());
      onSignedIn(answer.csrf ?? '');
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : 'the server could not be reached; try again');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>agentspan</h1>
      <p>See, and steer, what your agents do.</p>
      <form onSubmit={(e) => void submit(e)}>
        <label for="token">API token</label>
        <input
          id="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
          required
        />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
      <p class="muted">
        The token <code>agentspan serve</code> printed, or one from <code>agentspan tokens create</code>.
      </p>
    </main>
  );
}
