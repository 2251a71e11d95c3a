import { INSTANCE_STATUSES, type ListedAgentInstance } from '@agentspan/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, api, live, type InstanceFilters } from '../api.js';
import { STATUS_ICON, isOpen, spanDuration, timeText } from '../format.js';
import { Link } from '../router.js';

/** Every instance of the account, newest first: filters, search, pages by cursor, live rows. */
export function InstancesPage() {
  const [filters, setFilters] = useState<InstanceFilters>({});
  const [search, setSearch] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  const [page, setPage] = useState<{ items: ListedAgentInstance[]; nextCursor: string | null } | null>(null);
  const [agents, setAgents] = useState<Array<{ id: string; name: string }>>([]);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(Date.now());
  const refreshing = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    api.agents().then(setAgents, () => setAgents([]));
  }, []);

  useEffect(() => {
    let stale = false;
    setError(null);
    api.instances(filters, cursor).then(
      (loaded) => !stale && setPage(loaded),
      (failure: unknown) => !stale && setError(failure instanceof ApiFailure ? failure.message : String(failure)),
    );
    return () => {
      stale = true;
    };
  }, [filters, cursor]);

  // Live: a changed instance is fetched again (its counts with it), at most every 300 ms each.
  const agentNames = useRef(new Map<string, string>());
  agentNames.current = new Map(agents.map((a) => [a.id, a.name]));
  useEffect(
    () =>
      live(undefined, (event) => {
        if (event.type === 'resync') {
          setFilters((f) => ({ ...f }));
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
                // A new instance goes on top of the first page when it matches the filters shown.
                const matches = (!filters.status || filters.status === latest.status) && (!filters.agent_id || filters.agent_id === latest.agent_id);
                if (cursor !== undefined || filters.q || !matches) return current;
                return { ...current, items: [listed, ...current.items] };
              });
            });
          }, 300),
        );
      }),
    [filters, cursor],
  );

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const apply = (next: InstanceFilters) => {
    setCursors([]);
    setFilters(next);
  };

  return (
    <main class="instances-page">
      <h1>Agent instances</h1>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          apply({ ...filters, q: search.trim() || undefined });
        }}
      >
        <label>
          Status
          <select value={filters.status ?? ''} onChange={(e) => apply({ ...filters, status: e.currentTarget.value || undefined })}>
            <option value="">any</option>
            {INSTANCE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Agent
          <select value={filters.agent_id ?? ''} onChange={(e) => apply({ ...filters, agent_id: e.currentTarget.value || undefined })}>
            <option value="">any</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label class="search">
          Search spans
          <input type="search" value={search} placeholder="span names and summaries" onInput={(e) => setSearch(e.currentTarget.value)} />
        </label>
        <button type="submit">Search</button>
      </form>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {page === null ? (
        <p class="muted">Loading…</p>
      ) : page.items.length === 0 ? (
        <p class="muted">
          No agent instances{filters.status || filters.agent_id || filters.q ? ' match these filters' : ' yet: run an agent against this server'}.
        </p>
      ) : (
        <table class="instances">
          <thead>
            <tr>
              <th scope="col">Instance</th>
              <th scope="col">Agent</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col">Duration</th>
              <th scope="col">Spans</th>
              <th scope="col">Failed</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((i) => (
              <tr key={i.id} data-id={i.id} class={`status-${i.status}`}>
                <td>
                  <Link href={`/instances/${encodeURIComponent(i.id)}`}>{i.id}</Link>
                </td>
                <td>{i.agent_name}</td>
                <td>
                  <span aria-hidden="true">{STATUS_ICON[i.status]} </span>
                  {i.status}
                </td>
                <td>{timeText(i.started_at ?? i.inserted_at)}</td>
                <td>{isOpen(i.status) && !i.started_at ? '–' : spanDuration(i.started_at, i.finished_at, now)}</td>
                <td>{i.span_counts.total}</td>
                <td>{i.span_counts.failed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
          Newer
        </button>
        <button type="button" disabled={!page?.nextCursor} onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}>
          Older
        </button>
      </nav>
    </main>
  );
}
