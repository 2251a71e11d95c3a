import { DATA_ACTIONS, DATA_CATEGORIES, type RiskProfile } from '@agentspan/protocol';
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure } from '../api.js';
import { riskProfiles } from '../api/risk-profiles.js';
import { timeText } from '../format.js';
import { RiskProfileForm } from '../risk/profile-form.js';
import { LinkButton } from '../link-button.js';
import { num } from '../risk/vocabulary-labels.js';
import { Link, navigate } from '../router.js';

const failureText = (failure: unknown) => (failure instanceof ApiFailure ? failure.message : String(failure));

/** `/risk-profiles`: the account's profiles (account-wide, not per environment), with the archived ones on request. */
export function RiskProfilesPage() {
  const [profiles, setProfiles] = useState<RiskProfile[] | null>(null);
  const [archived, setArchived] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    riskProfiles.list(archived).then(
      (found) => !stale && setProfiles(found),
      (failure: unknown) => !stale && setError(failureText(failure)),
    );
    return () => {
      stale = true;
    };
  }, [archived]);

  return (
    <main class="profiles-page">
      <div class="page-head">
        <h1>Risk profiles</h1>
        <LinkButton href="/risk-profiles/new" primary>
          New risk profile
        </LinkButton>
      </div>
      <p class="muted">
        A profile weighs the data categories and actions a run's span types declare; what it includes is the agreed risk of the agents assigned it.
      </p>
      <label class="inline">
        <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.currentTarget.checked)} /> Show archived profiles
      </label>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : profiles === null ? (
        <p class="muted">Loading…</p>
      ) : profiles.length === 0 ? (
        <p class="muted">No risk profiles yet: create one, then assign it to an agent.</p>
      ) : (
        <table class="grid">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Agents</th>
              <th scope="col">Categories included</th>
              <th scope="col">Actions included</th>
              <th scope="col">Thresholds (medium / high / critical)</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {profiles.map((p) => (
              <tr key={p.id} data-id={p.id}>
                <td>
                  <Link href={`/risk-profiles/${encodeURIComponent(p.id)}`}>{p.name}</Link>
                  {p.archived_at ? <span class="tag"> archived</span> : null}
                </td>
                <td>{p.agent_count}</td>
                <td>
                  {DATA_CATEGORIES.filter((c) => p.categories[c].included).length} of {DATA_CATEGORIES.length}
                </td>
                <td>
                  {DATA_ACTIONS.filter((a) => p.actions[a].included).length} of {DATA_ACTIONS.length}
                </td>
                <td>
                  {num(p.thresholds.medium)} / {num(p.thresholds.high)} / {num(p.thresholds.critical)}
                </td>
                <td>{timeText(p.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

/** `/risk-profiles/new`: the form, then the new profile's page. */
export function NewRiskProfilePage() {
  return (
    <main class="profile-page">
      <nav class="crumbs">
        <Link href="/risk-profiles">Risk profiles</Link>
      </nav>
      <h1>New risk profile</h1>
      <RiskProfileForm
        onSaved={(saved) => navigate(`/risk-profiles/${encodeURIComponent(saved.id)}`, true)}
        onCancel={() => navigate('/risk-profiles')}
      />
    </main>
  );
}
