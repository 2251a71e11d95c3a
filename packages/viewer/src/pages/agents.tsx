import type { Agent } from '@agentspan/protocol';
import { useEffect, useState } from 'preact/hooks';
import type { Named } from '../api.js';
import { activity, type Activity } from '../api/activity.js';
import { agentsApi, failureText, type AgentPage } from '../api/agents.js';
import { ActivityChart } from '../charts/activity-chart.js';
import { useEnvironmentId } from '../environment-scope.js';
import { timeText } from '../format.js';
import { RiskDistributionView } from '../risk-distribution.js';
import { Link, navigate } from '../router.js';
import { RegisterAgent } from './register-agent.js';

export const agentHref = (id: string, tab?: string) => `/agents/${encodeURIComponent(id)}${tab ? `/${tab}` : ''}`;

/** One agent with its summary, which the list answers with: no request per row. */
function AgentRow({ agent, profiles }: { agent: Agent; profiles: Map<string, string> }) {
  const summary = agent.summary;
  const last = summary?.last_run;
  const profile = agent.risk_profile_id;
  return (
    <tr data-id={agent.id}>
      <th scope="row">
        <Link href={agentHref(agent.id)}>{agent.name}</Link>
      </th>
      <td>{agent.status}</td>
      <td class="description">{agent.description ?? <span class="muted">–</span>}</td>
      <td>
        {profile ? (
          <Link href={`/risk-profiles/${encodeURIComponent(profile)}`}>{profiles.get(profile) ?? profile}</Link>
        ) : (
          <span class="muted">none</span>
        )}
      </td>
      <td class="number">{summary ? summary.runs_24h : '–'}</td>
      <td class="number">{summary ? summary.failed_runs_24h : '–'}</td>
      <td>
        <RiskDistributionView distribution={summary?.risk_distribution} />
      </td>
      <td>
        {last ? (
          <Link href={`/instances/${encodeURIComponent(last.id)}`}>{timeText(last.started_at ?? last.inserted_at)}</Link>
        ) : (
          <span class="muted">{summary ? 'never' : '–'}</span>
        )}
      </td>
    </tr>
  );
}

/** `/agents`: the account's span activity over 24 hours, its agents page by page, and Register agent. */
export function AgentsPage() {
  const environmentId = useEnvironmentId();
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<AgentPage | null>(null);
  const [spans, setSpans] = useState<Activity | null | undefined>(undefined);
  const [profiles, setProfiles] = useState<Named[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    agentsApi.riskProfiles().then(setProfiles, () => setProfiles([]));
  }, []);
  useEffect(() => {
    let stale = false;
    setError(null);
    agentsApi.list(offset, environmentId).then(
      (loaded) => !stale && setPage(loaded),
      (failure: unknown) => !stale && setError(failureText(failure)),
    );
    return () => {
      stale = true;
    };
  }, [offset, environmentId, generation]);
  useEffect(() => {
    let stale = false;
    setSpans(undefined);
    activity({ subject: 'spans', environment_id: environmentId }).then(
      (a) => !stale && setSpans(a),
      () => !stale && setSpans(null),
    );
    return () => {
      stale = true;
    };
  }, [environmentId, generation]);

  const names = new Map(profiles.map((p) => [p.id, p.name]));
  const pagination = page?.pagination;
  return (
    <main class="agents-page">
      <h1>Agents</h1>
      <section class="panel" aria-labelledby="activity-title">
        <h2 id="activity-title">Span activity, last 24 hours</h2>
        <ActivityChart activity={spans} title="Spans in the last 24 hours by status" />
      </section>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      <div class="agents-layout">
        <section class="panel" aria-labelledby="agents-title">
          <h2 id="agents-title">All agents{pagination ? ` (${pagination.item_count})` : ''}</h2>
          {page === null ? (
            <p class="muted">Loading…</p>
          ) : page.agents.length === 0 ? (
            <p class="muted">No agents yet: register one here, or run an agent against this server.</p>
          ) : (
            <table class="data agents">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col">Description</th>
                  <th scope="col">Risk profile</th>
                  <th scope="col">Runs 24 h</th>
                  <th scope="col">Failures 24 h</th>
                  <th scope="col">Runs by risk</th>
                  <th scope="col">Last run</th>
                </tr>
              </thead>
              <tbody>
                {page.agents.map((a) => (
                  <AgentRow key={a.id} agent={a} profiles={names} />
                ))}
              </tbody>
            </table>
          )}
          <nav class="pager" aria-label="Agent pages">
            <button
              type="button"
              disabled={!pagination || pagination.previous_page_offset === null}
              onClick={() => setOffset(pagination?.previous_page_offset ?? 0)}
            >
              Previous
            </button>
            {pagination ? (
              <span class="muted">
                {pagination.item_count === 0 ? '' : `${pagination.item_start}–${pagination.item_end} of ${pagination.item_count}`}
              </span>
            ) : null}
            <button
              type="button"
              disabled={!pagination || pagination.next_page_offset === null}
              onClick={() => pagination?.next_page_offset != null && setOffset(pagination.next_page_offset)}
            >
              Next
            </button>
          </nav>
        </section>
        <RegisterAgent
          profiles={profiles}
          onRegistered={(agent) => {
            setGeneration((g) => g + 1);
            navigate(agentHref(agent.id));
          }}
        />
      </div>
    </main>
  );
}
