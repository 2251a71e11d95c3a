import type { AgentVersion, ListedAgentInstance, RiskRollupSide } from '@agentspan/protocol';
import { useEffect, useState } from 'preact/hooks';
import { agentTabsApi, type ReportedVersion } from '../../api/deployments.js';
import { STATUS_ICON, timeText } from '../../format.js';
import { RiskDistributionView } from '../../risk-distribution.js';
import { Link } from '../../router.js';
import { environmentName, type AgentContext } from './agent-context.js';

const words = (name: string) => name.replace(/^gdpr_/, 'GDPR ').replaceAll('_', ' ');

/** One side of a version's rollup in a few words: highest classification, span types with risk data, categories. */
function RollupSide({ side, testId }: { side: RiskRollupSide; testId: string }) {
  if (side.total_span_types === 0)
    return (
      <span class="muted" data-testid={testId}>
        no span types
      </span>
    );
  return (
    <span data-testid={testId}>
      <strong>{side.highest_classification ?? 'none declared'}</strong>
      <span class="muted">
        {' '}
        · {side.span_types_with_risk_data.length} of {side.total_span_types} span types with risk data
      </span>
      {side.categories_included.length > 0 ? <div>{side.categories_included.map(words).join(', ')}</div> : null}
    </span>
  );
}

/** A version's rollup, read when its row is shown (in the scoped environment when one is chosen). */
function useVersionRisk(versionId: string, environmentId: string | null) {
  const [risk, setRisk] = useState<AgentVersion | null | undefined>(undefined);
  useEffect(() => {
    let stale = false;
    setRisk(undefined);
    agentTabsApi.versionRisk(versionId, environmentId).then(
      (v) => !stale && setRisk(v),
      () => !stale && setRisk(null),
    );
    return () => {
      stale = true;
    };
  }, [versionId, environmentId]);
  return risk;
}

/** The declared and observed risk cells of a version's row, and its runs by level under the observed one. */
function VersionRiskCells({ version, environmentId }: { version: ReportedVersion; environmentId: string | null }) {
  const risk = useVersionRisk(version.id, environmentId);
  const rollup = risk?.risk_rollup;
  if (risk === undefined)
    return (
      <>
        <td class="muted">…</td>
        <td class="muted">…</td>
      </>
    );
  if (!rollup)
    return (
      <>
        <td class="muted">–</td>
        <td class="muted">–</td>
      </>
    );
  return (
    <>
      <td>
        <RollupSide side={rollup.theoretical} testId="version-theoretical" />
      </td>
      <td>
        <RollupSide side={rollup.observed} testId="version-observed" />
        <div>
          <RiskDistributionView distribution={risk?.risk_distribution} />
        </div>
      </td>
    </>
  );
}

/** A version's newest runs (in the scoped environment when one is chosen). */
function RecentRuns({ agentId, version, environmentId }: { agentId: string; version: ReportedVersion; environmentId: string | null }) {
  const [runs, setRuns] = useState<ListedAgentInstance[] | null>(null);
  useEffect(() => {
    agentTabsApi.runs({ agent_id: agentId, agent_version_id: version.id, environment_id: environmentId }, undefined, 5).then(
      (page) => setRuns(page.items),
      () => setRuns([]),
    );
  }, [agentId, version.id, environmentId]);
  if (runs === null) return <span class="muted">…</span>;
  if (runs.length === 0) return <span class="muted">no runs</span>;
  return (
    <ul class="plain">
      {runs.map((r) => (
        <li key={r.id}>
          <Link href={`/instances/${encodeURIComponent(r.id)}`}>{timeText(r.started_at ?? r.inserted_at)}</Link>{' '}
          <span aria-hidden="true">{STATUS_ICON[r.status]} </span>
          {r.status}
          {r.risk_level ? <span class={`risk-text-${r.risk_level}`}> · {r.risk_level}</span> : null}
        </li>
      ))}
    </ul>
  );
}

/** Versions: each with the environments it is current in, its declared and observed risk, the runtime it reported, its recent runs. */
export function VersionsTab({ agent, versions, deployments, environments, environmentId }: AgentContext) {
  if (versions.length === 0) return <p class="muted">No versions yet: a version is made when an instance of the agent registers.</p>;
  return (
    <table class="data" data-testid="agent-versions">
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Current in</th>
          <th scope="col">Declared risk</th>
          <th scope="col">Observed risk</th>
          <th scope="col">Runtime</th>
          <th scope="col">Registered</th>
          <th scope="col">Recent runs</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => {
          const currentIn = deployments.filter((d) => d.current_version_id === v.id).map((d) => environmentName(environments, d.environment_id));
          return (
            <tr key={v.id} data-id={v.id}>
              <th scope="row">
                {v.name ?? v.external_identifier ?? <code>{v.id}</code>}
                {v.name && v.external_identifier && v.external_identifier !== v.name ? <span class="muted"> ({v.external_identifier})</span> : null}
                {v.description ? <div class="muted">{v.description}</div> : null}
              </th>
              <td>{currentIn.length ? currentIn.join(', ') : <span class="muted">none</span>}</td>
              <VersionRiskCells version={v} environmentId={environmentId} />
              <td data-testid="version-runtime">{v.sdk ? <code>{v.sdk}</code> : <span class="muted">not reported</span>}</td>
              <td>{timeText(v.inserted_at)}</td>
              <td>
                <RecentRuns agentId={agent.id} version={v} environmentId={environmentId} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
