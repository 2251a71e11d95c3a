import {
  INSTANCE_PURPOSES,
  INSTANCE_STATUSES,
  RISK_LEVELS,
  type Agent,
  type AgentVersion,
  type Environment,
  type ListedAgentInstance,
} from '@agentspan/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, api, live } from '../api.js';
import { listRuns, runs, versionLabel, type RunFilters } from '../api/runs.js';
import { useEnvironmentId } from '../environment-scope.js';
import { InstanceTable, type InstanceColumn } from '../instance-row.js';
import { navigate, useLocation } from '../router.js';
import { CursorPager } from '../cursor-pager.js';

const COLUMNS: InstanceColumn[] = [
  'agent',
  'status',
  'version',
  'environment',
  'purpose',
  'risk',
  'started',
  'duration',
  'spans',
  'failed',
  'tokens',
  'cost',
];

const URL_FILTERS = ['status', 'agent_id', 'agent_version_id', 'purpose', 'risk_level', 'q'] as const;

/** The filters only this list has: `/` with one of them is a link from when the list was the home. */
export const INSTANCE_ONLY_FILTERS = URL_FILTERS.filter((name) => name !== 'agent_id');

/** Whether a live instance belongs on the first page under the filters shown (a fresh run has no level yet). */
const matches = (i: ListedAgentInstance, f: RunFilters) =>
  (!f.status || f.status === i.status) &&
  (!f.agent_id || f.agent_id === i.agent_id) &&
  (!f.agent_version_id || f.agent_version_id === i.agent_version_id) &&
  (!f.environment_id || f.environment_id === i.environment_id) &&
  (!f.purpose || f.purpose === i.purpose) &&
  (!f.risk_level || (i.risk_level !== null && f.risk_level.split(',').includes(i.risk_level))) &&
  !f.q;

/**
 * Every instance of the account (in the environment chosen), newest first: its agent, version,
 * environment, purpose and risk level; filters kept in the URL (so a link can open the runs at
 * a risk level), search, pages by cursor, live rows.
 */
export function InstancesPage() {
  const { search: params } = useLocation();
  const environmentId = useEnvironmentId();
  const fromUrl = Object.fromEntries(URL_FILTERS.map((name) => [name, params.get(name) ?? undefined])) as RunFilters;
  const filters: RunFilters = { ...fromUrl, environment_id: environmentId ?? undefined };
  const key = JSON.stringify(filters);
  const [search, setSearch] = useState(fromUrl.q ?? '');
  const [cursors, setCursors] = useState<string[]>([]);
  const [page, setPage] = useState<{ items: ListedAgentInstance[]; nextCursor: string | null } | null>(null);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [environments, setEnvironments] = useState<Environment[]>([]);
  // Versions by agent, read once per agent on the page: the list answers only their ids.
  const [versions, setVersions] = useState<Map<string, AgentVersion[]>>(new Map());
  const asked = useRef(new Set<string>());
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [now, setNow] = useState(Date.now());
  const refreshing = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    runs.agents().then(setAgents, () => setAgents([]));
    runs.environments().then(setEnvironments, () => setEnvironments([]));
  }, []);

  useEffect(() => setCursors([]), [key]);

  useEffect(() => {
    let stale = false;
    setError(null);
    listRuns(filters, cursor).then(
      (loaded) => !stale && setPage(loaded),
      (failure: unknown) => !stale && setError(failure instanceof ApiFailure ? failure.message : String(failure)),
    );
    return () => {
      stale = true;
    };
  }, [key, cursor, reload]);

  const wanted = [...new Set([...(page?.items.map((i) => i.agent_id) ?? []), ...(filters.agent_id ? [filters.agent_id] : [])])];
  useEffect(() => {
    for (const agentId of wanted) {
      if (asked.current.has(agentId)) continue;
      asked.current.add(agentId);
      runs.versions(agentId).then(
        (found) => setVersions((m) => new Map(m).set(agentId, found)),
        () => undefined,
      );
    }
  }, [wanted.join(',')]);

  // Live: a changed instance is fetched again (its counts with it), at most every 300 ms each.
  const agentNames = useRef(new Map<string, string>());
  agentNames.current = new Map(agents.map((a) => [a.id, a.name]));
  useEffect(
    () =>
      live(undefined, (event) => {
        if (event.type === 'resync') {
          setReload((r) => r + 1);
          return;
        }
        const id = event.type === 'instance.updated' ? event.data.id : event.data.agent_instance_id;
        if (refreshing.current.has(id)) return;
        refreshing.current.set(
          id,
          setTimeout(() => {
            refreshing.current.delete(id);
            void api.instance(id).then((latest) => {
              setPage((current) => {
                if (!current) return current;
                const shown = current.items.find((i) => i.id === id);
                const listed = { ...latest, agent_name: shown?.agent_name ?? agentNames.current.get(latest.agent_id) ?? latest.agent_id };
                if (shown) return { ...current, items: current.items.map((i) => (i.id === id ? listed : i)) };
                if (cursor !== undefined || !matches(listed, filters)) return current;
                return { ...current, items: [listed, ...current.items] };
              });
            });
          }, 300),
        );
      }),
    [key, cursor],
  );

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const apply = (next: Partial<RunFilters>) => {
    const merged = { ...fromUrl, ...next };
    // A version belongs to one agent: another agent clears it.
    if ('agent_id' in next && next.agent_id !== fromUrl.agent_id) merged.agent_version_id = undefined;
    const query = new URLSearchParams();
    for (const name of URL_FILTERS) if (merged[name]) query.set(name, merged[name]);
    navigate(query.size === 0 ? '/instances' : `/instances?${query}`, true);
  };
  const levels = new Set(filters.risk_level?.split(',') ?? []);
  const toggleLevel = (level: string, on: boolean) => {
    const next = RISK_LEVELS.filter((l) => (l === level ? on : levels.has(l)));
    apply({ risk_level: next.length ? next.join(',') : undefined });
  };
  const environmentName = new Map(environments.map((e) => [e.id, e.name]));
  const versionOf = (i: ListedAgentInstance) =>
    versionLabel(
      versions.get(i.agent_id)?.find((v) => v.id === i.agent_version_id),
      i.agent_version_id,
    );
  const filtered = URL_FILTERS.some((name) => fromUrl[name]) || environmentId;
  const select = (
    label: string,
    value: string | undefined,
    options: Array<[string, string]>,
    set: (value: string | undefined) => void,
    disabled = false,
  ) => (
    <label>
      {label}
      <select value={value ?? ''} disabled={disabled} onChange={(e) => set(e.currentTarget.value || undefined)}>
        <option value="">any</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <main class="instances-page">
      <h1>Agent instances</h1>
      <form
        class="filters"
        role="search"
        aria-label="Filter instances"
        onSubmit={(e) => {
          e.preventDefault();
          apply({ q: search.trim() || undefined });
        }}
      >
        {select(
          'Status',
          filters.status,
          INSTANCE_STATUSES.map((s) => [s, s]),
          (status) => apply({ status }),
        )}
        {select(
          'Agent',
          filters.agent_id,
          agents.map((a) => [a.id, a.name]),
          (agent_id) => apply({ agent_id }),
        )}
        {select(
          'Version',
          filters.agent_version_id,
          (filters.agent_id ? (versions.get(filters.agent_id) ?? []) : []).map((v) => [v.id, versionLabel(v, v.id)]),
          (agent_version_id) => apply({ agent_version_id }),
          !filters.agent_id,
        )}
        {select(
          'Purpose',
          filters.purpose,
          INSTANCE_PURPOSES.map((p) => [p, p]),
          (purpose) => apply({ purpose }),
        )}
        <fieldset class="levels">
          <legend>Risk level</legend>
          {RISK_LEVELS.map((level) => (
            <label key={level}>
              <input type="checkbox" checked={levels.has(level)} onChange={(e) => toggleLevel(level, e.currentTarget.checked)} /> {level}
            </label>
          ))}
        </fieldset>
        <label class="search">
          Search spans
          <input type="search" value={search} placeholder="span names and summaries" onInput={(e) => setSearch(e.currentTarget.value)} />
        </label>
        <button type="submit">Search</button>
      </form>
      <InstanceTable
        page={page}
        error={error}
        columns={COLUMNS}
        names={(i) => ({ agent: i.agent_name, version: versionOf(i), environment: environmentName.get(i.environment_id) ?? i.environment_id })}
        now={now}
        empty={`No agent instances${filtered ? ' match these filters' : ' yet: run an agent against this server'}.`}
        tableClass="instances"
      />
      <CursorPager label="Pages" cursors={cursors} next={page?.nextCursor} onChange={setCursors} />
    </main>
  );
}
