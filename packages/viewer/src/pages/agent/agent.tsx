import type { Agent, AgentDeploymentWithHistory } from '@agentspan/protocol';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Named } from '../../api.js';
import { activity, type Activity } from '../../api/activity.js';
import { agentsApi, failureText } from '../../api/agents.js';
import { agentTabsApi, type ReportedVersion } from '../../api/deployments.js';
import { ActivityChart } from '../../charts/activity-chart.js';
import { useEnvironmentId } from '../../environment-scope.js';
import { timeText } from '../../format.js';
import { RiskDistributionView } from '../../risk-distribution.js';
import { Link, navigate } from '../../router.js';
import { agentHref } from '../agents.js';
import { environmentName, versionName, type AgentContext } from './agent-context.js';
import { AgentStrip } from './agent-strip.js';
import { DeploymentsTab } from './deployments-tab.js';
import { InstancesTab } from './instances-tab.js';
import { OverviewTab } from './overview-tab.js';
import { SchemaTab } from './schema-tab.js';
import { VersionsTab } from './versions-tab.js';

const TABS: ReadonlyArray<[string, string, (context: AgentContext) => ComponentChildren]> = [
  ['overview', 'Overview', (c) => <OverviewTab {...c} />],
  ['instances', 'Instances', (c) => <InstancesTab {...c} />],
  ['versions', 'Versions', (c) => <VersionsTab {...c} />],
  ['schema', 'Activity schema', (c) => <SchemaTab {...c} />],
  ['deployments', 'Deployments', (c) => <DeploymentsTab {...c} />],
];

/** Each environment's current version and when it last changed. */
function DeploymentSnapshot({ deployments, versions, environments }: Pick<AgentContext, 'deployments' | 'versions' | 'environments'>) {
  if (deployments.length === 0) return <p class="muted">Not deployed in any environment yet.</p>;
  return (
    <ul class="snapshot" data-testid="deployment-snapshot">
      {deployments.map((d) => (
        <li key={d.id}>
          <strong>{environmentName(environments, d.environment_id)}</strong>: {versionName(versions, d.current_version_id)}
          <span class="muted"> since {timeText(d.history.at(-1)?.changed_at ?? d.updated_at)}</span>
        </li>
      ))}
    </ul>
  );
}

/** `/agents/<id>[/<tab>]`: the strip, its runs by risk, 24 h activity, where it is deployed, and the tabs. */
export function AgentPage({ id, tab }: { id: string; tab: string }) {
  const environmentId = useEnvironmentId();
  const [agent, setAgent] = useState<Agent | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const [profiles, setProfiles] = useState<Named[]>([]);
  const [environments, setEnvironments] = useState<Named[]>([]);
  const [deployments, setDeployments] = useState<AgentDeploymentWithHistory[]>([]);
  const [versions, setVersions] = useState<ReportedVersion[]>([]);
  const [spans, setSpans] = useState<Activity | null | undefined>(undefined);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    agentsApi.riskProfiles().then(setProfiles, () => setProfiles([]));
    api.environments().then(setEnvironments, () => setEnvironments([]));
  }, []);
  useEffect(() => {
    let stale = false;
    agentsApi.show(id, environmentId).then(
      (a) => !stale && setAgent(a),
      (failure: unknown) => !stale && setMissing(failureText(failure)),
    );
    setSpans(undefined);
    activity({ subject: 'spans', agent_id: id, environment_id: environmentId }).then(
      (a) => !stale && setSpans(a),
      () => !stale && setSpans(null),
    );
    return () => {
      stale = true;
    };
  }, [id, environmentId, generation]);
  useEffect(() => {
    agentTabsApi.deployments(id).then(setDeployments, () => setDeployments([]));
    agentTabsApi.versions(id).then(setVersions, () => setVersions([]));
  }, [id, generation]);

  if (missing)
    return (
      <main>
        <p class="error" role="alert">
          {missing}
        </p>
        <Link href="/agents">All agents</Link>
      </main>
    );
  if (!agent)
    return (
      <main>
        <p class="muted">Loading…</p>
      </main>
    );

  const current = TABS.find(([name]) => name === tab) ?? TABS[0]!;
  const context: AgentContext = { agent, environments, deployments, versions, environmentId, reload: () => setGeneration((g) => g + 1) };
  return (
    <main class="agent-page">
      <nav class="crumbs" aria-label="Breadcrumb">
        <Link href="/agents">All agents</Link>
      </nav>
      <AgentStrip agent={agent} profiles={profiles} onChanged={() => setGeneration((g) => g + 1)} />
      <div class="agent-summary">
        <section class="panel" aria-labelledby="agent-risk-title">
          <h2 id="agent-risk-title">Runs by risk level</h2>
          <RiskDistributionView
            distribution={agent.risk_distribution}
            runsHref={(level) => `${agentHref(agent.id, 'instances')}?risk_level=${level}`}
          />
        </section>
        <section class="panel" aria-labelledby="agent-deployed-title">
          <h2 id="agent-deployed-title">Deployed</h2>
          <DeploymentSnapshot deployments={deployments} versions={versions} environments={environments} />
        </section>
      </div>
      <section class="panel" aria-labelledby="agent-activity-title">
        <h2 id="agent-activity-title">Span activity, last 24 hours</h2>
        <ActivityChart activity={spans} title={`Spans of ${agent.name} in the last 24 hours by status`} />
      </section>
      <nav class="tabs" aria-label="Agent sections">
        {TABS.map(([name, label]) => (
          <a
            key={name}
            href={agentHref(agent.id, name)}
            aria-current={name === current[0] ? 'page' : undefined}
            onClick={(event) => {
              if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
              event.preventDefault();
              navigate(agentHref(agent.id, name));
            }}
          >
            {label}
          </a>
        ))}
      </nav>
      <section class="tab-body" aria-label={current[1]}>
        {current[2](context)}
      </section>
    </main>
  );
}
