import { DATA_ACTIONS, DATA_CATEGORY_GROUPS, type Agent, type RiskProfile } from '@agentspan/protocol';
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure } from '../api.js';
import { riskProfiles } from '../api/risk-profiles.js';
import { timeText } from '../format.js';
import { RiskProfileForm } from '../risk/profile-form.js';
import { categoryLabel, num } from '../risk/vocabulary-labels.js';
import { Link, navigate } from '../router.js';

const failureText = (failure: unknown) => (failure instanceof ApiFailure ? failure.message : String(failure));

/** What the profile includes: the agreed risk, group by group, with the weights and multipliers that score it. */
function AgreedRisk({ profile }: { profile: RiskProfile }) {
  const actions = DATA_ACTIONS.filter((a) => profile.actions[a].included);
  return (
    <section class="card" aria-labelledby="agreed-risk">
      <h2 id="agreed-risk">Agreed risk</h2>
      <div class="agreed">
        {DATA_CATEGORY_GROUPS.map((g) => {
          const included = g.categories.filter((c) => profile.categories[c].included);
          return (
            <div key={g.group}>
              <h3>{g.title}</h3>
              {included.length === 0 ? (
                <p class="muted">none included</p>
              ) : (
                <ul>
                  {included.map((c) => (
                    <li key={c}>
                      {categoryLabel(c)} <span class="muted">weight {num(profile.categories[c].weight)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          );
        })}
        <div>
          <h3>Actions</h3>
          {actions.length === 0 ? (
            <p class="muted">none included</p>
          ) : (
            <ul>
              {actions.map((a) => (
                <li key={a}>
                  {categoryLabel(a)} <span class="muted">× {num(profile.actions[a].multiplier)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>Thresholds</h3>
          <ul>
            <li>medium from {num(profile.thresholds.medium)}</li>
            <li>high from {num(profile.thresholds.high)}</li>
            <li>critical from {num(profile.thresholds.critical)}</li>
          </ul>
        </div>
      </div>
    </section>
  );
}

/** `/risk-profiles/<id>` (and `…/edit`): the profile, the agents assigned it, Edit and Archive. */
export function RiskProfilePage({ id, editing }: { id: string; editing: boolean }) {
  const [profile, setProfile] = useState<RiskProfile | null>(null);
  const [agents, setAgents] = useState<Agent[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const path = `/risk-profiles/${encodeURIComponent(id)}`;

  useEffect(() => {
    let stale = false;
    setError(null);
    riskProfiles.get(id).then(
      (found) => !stale && setProfile(found),
      (failure: unknown) => !stale && setError(failureText(failure)),
    );
    riskProfiles.agentsUsing(id).then(
      (found) => !stale && setAgents(found),
      () => !stale && setAgents([]),
    );
    return () => {
      stale = true;
    };
  }, [id]);

  if (error)
    return (
      <main>
        <p class="error" role="alert">
          {error}
        </p>
        <Link href="/risk-profiles">All risk profiles</Link>
      </main>
    );
  if (!profile)
    return (
      <main>
        <p class="muted">Loading…</p>
      </main>
    );

  const archive = async () => {
    setActionError(null);
    try {
      setProfile(await riskProfiles.archive(profile.id));
      setConfirming(false);
    } catch (failure) {
      setActionError(failureText(failure));
    }
  };

  return (
    <main class="profile-page">
      <nav class="crumbs">
        <Link href="/risk-profiles">Risk profiles</Link>
      </nav>
      <header class="strip">
        <h1>
          {editing ? 'Edit ' : ''}
          {profile.name}
          {profile.archived_at ? <span class="tag"> archived</span> : null}
        </h1>
        {profile.description ? <p>{profile.description}</p> : null}
        <dl class="facts">
          <div>
            <dt>Id</dt>
            <dd>
              <code>{profile.id}</code>
            </dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>{timeText(profile.inserted_at)}</dd>
          </div>
          <div>
            <dt>Updated</dt>
            <dd>{timeText(profile.updated_at)}</dd>
          </div>
          {profile.archived_at ? (
            <div>
              <dt>Archived</dt>
              <dd>{timeText(profile.archived_at)}</dd>
            </div>
          ) : null}
        </dl>
        {!editing && !profile.archived_at ? (
          <div class="actions">
            <button type="button" onClick={() => navigate(`${path}/edit`)}>
              Edit
            </button>
            {confirming ? (
              <>
                <span>Archive it? Agents assigned it keep it; it can no longer be assigned.</span>
                <button type="button" class="danger" onClick={() => void archive()}>
                  Archive now
                </button>
                <button type="button" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </>
            ) : (
              <button type="button" class="danger" onClick={() => setConfirming(true)}>
                Archive
              </button>
            )}
          </div>
        ) : null}
        {actionError ? (
          <p class="error" role="alert">
            {actionError}
          </p>
        ) : null}
      </header>
      {editing && !profile.archived_at ? (
        <RiskProfileForm
          profile={profile}
          onSaved={(saved) => {
            setProfile(saved);
            navigate(path, true);
          }}
          onCancel={() => navigate(path)}
        />
      ) : (
        <>
          <AgreedRisk profile={profile} />
          <section class="card" aria-labelledby="profile-agents">
            <h2 id="profile-agents">Agents using it</h2>
            {agents === null ? (
              <p class="muted">Loading…</p>
            ) : agents.length === 0 ? (
              <p class="muted">No agent is assigned this profile.</p>
            ) : (
              <ul>
                {agents.map((a) => (
                  <li key={a.id}>
                    <Link href={`/agents/${encodeURIComponent(a.id)}`}>{a.name}</Link> <span class="muted">{a.status}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </main>
  );
}
