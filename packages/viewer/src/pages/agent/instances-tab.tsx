import { INSTANCE_PURPOSES, INSTANCE_STATUSES, RISK_LEVELS, type ListedAgentInstance } from '@agentspan/protocol';
import { useEffect, useState } from 'preact/hooks';
import type { Page } from '../../api.js';
import { failureText } from '../../api/agents.js';
import { agentTabsApi } from '../../api/deployments.js';
import { setEnvironmentId } from '../../environment-scope.js';
import { InstanceTable, type InstanceColumn } from '../../instance-row.js';
import { navigate, useLocation } from '../../router.js';
import { environmentName, versionName, type AgentContext } from './agent-context.js';
import { CursorPager } from '../../cursor-pager.js';

const COLUMNS: InstanceColumn[] = ['environment', 'status', 'started', 'version', 'purpose', 'risk'];

type FilterName = 'status' | 'risk_level' | 'purpose';

function Select({ label, name, value, options }: { label: string; name: FilterName; value: string; options: readonly string[] }) {
  return (
    <label>
      {label}
      <select
        value={value}
        onChange={(e) => {
          // Filters live in the URL: a risk level linked from the strip opens here already applied.
          const url = new URL(location.href);
          if (e.currentTarget.value) url.searchParams.set(name, e.currentTarget.value);
          else url.searchParams.delete(name);
          navigate(`${url.pathname}${url.search}`, true);
        }}
      >
        <option value="">any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o.replaceAll('_', ' ')}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Instances: the agent's runs, newest first, filtered by environment, status, risk level and purpose. */
export function InstancesTab({ agent, environments, versions, environmentId }: AgentContext) {
  const { search } = useLocation();
  const filters = { status: search.get('status') ?? '', risk_level: search.get('risk_level') ?? '', purpose: search.get('purpose') ?? '' };
  const [cursors, setCursors] = useState<string[]>([]);
  const [page, setPage] = useState<Page<ListedAgentInstance> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cursor = cursors.at(-1);
  const key = `${environmentId}|${filters.status}|${filters.risk_level}|${filters.purpose}`;

  useEffect(() => setCursors([]), [key]);
  useEffect(() => {
    let stale = false;
    setError(null);
    agentTabsApi
      .runs(
        {
          agent_id: agent.id,
          environment_id: environmentId,
          status: filters.status || undefined,
          risk_level: filters.risk_level || undefined,
          purpose: filters.purpose || undefined,
        },
        cursor,
      )
      .then(
        (loaded) => !stale && setPage(loaded),
        (failure: unknown) => !stale && setError(failureText(failure)),
      );
    return () => {
      stale = true;
    };
  }, [agent.id, key, cursor]);

  return (
    <div>
      <form class="filters" role="search" aria-label="Filter instances" onSubmit={(e) => e.preventDefault()}>
        <label>
          Environment
          <select value={environmentId ?? ''} onChange={(e) => setEnvironmentId(e.currentTarget.value || null)}>
            <option value="">any</option>
            {environments.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
          </select>
        </label>
        <Select label="Status" name="status" value={filters.status} options={INSTANCE_STATUSES} />
        <Select label="Risk level" name="risk_level" value={filters.risk_level} options={RISK_LEVELS} />
        <Select label="Purpose" name="purpose" value={filters.purpose} options={INSTANCE_PURPOSES} />
      </form>
      <InstanceTable
        page={page}
        error={error}
        columns={COLUMNS}
        names={(i) => ({ version: versionName(versions, i.agent_version_id), environment: environmentName(environments, i.environment_id) })}
        empty="No instances match."
        tableClass="data"
        testId="agent-instances"
      />
      <CursorPager label="Instance pages" cursors={cursors} next={page?.nextCursor} onChange={setCursors} />
    </div>
  );
}
