import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, api, request, type Named } from './api.js';
import { setEnvironmentId, useEnvironmentId } from './environment-scope.js';
import { navigate } from './router.js';

/** The header's sections: each link is current on its own path and the pages under it. */
const SECTIONS: ReadonlyArray<{ href: string; label: string; current: (path: string) => boolean }> = [
  { href: '/', label: 'Dashboard', current: (p) => p === '/' },
  { href: '/agents', label: 'Agents', current: (p) => p === '/agents' || p.startsWith('/agents/') },
  { href: '/instances', label: 'Instances', current: (p) => p === '/instances' || p.startsWith('/instances/') },
  { href: '/risk-profiles', label: 'Risk profiles', current: (p) => p.startsWith('/risk-profiles') },
  { href: '/alerts', label: 'Alerts', current: (p) => p.startsWith('/alerts') },
  { href: '/prices', label: 'Prices', current: (p) => p.startsWith('/prices') },
  { href: '/account', label: 'Account', current: (p) => p.startsWith('/account') },
];

function NavLink({ href, current, children }: { href: string; current: boolean; children: ComponentChildren }) {
  return (
    <a
      href={href}
      aria-current={current ? 'page' : undefined}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}

/** Open alerts, or null while this server answers no alert count (404) or it failed. */
function useOpenAlertCount(path: string): number | null {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    let stale = false;
    request<{ count?: number; details?: { count?: number } }>('GET', '/api/v1/alerts/count').then(
      (answer) => !stale && setCount(answer.count ?? answer.details?.count ?? null),
      () => !stale && setCount(null),
    );
    return () => {
      stale = true;
    };
  }, [path]);
  return count;
}

/** The header on every signed-in page: sections, the alerts' open count, the environment scope, sign out. */
export function Shell({ path, onSignOut }: { path: string; onSignOut: () => void }) {
  const environmentId = useEnvironmentId();
  const [environments, setEnvironments] = useState<Named[]>([]);
  const [error, setError] = useState<string | null>(null);
  const alerts = useOpenAlertCount(path);

  useEffect(() => {
    api.environments().then(setEnvironments, (failure: unknown) => setError(failure instanceof ApiFailure ? failure.message : String(failure)));
  }, [path === '/account']);

  const known = environmentId === null || environments.some((e) => e.id === environmentId);
  return (
    <header class="top">
      <nav class="sections" aria-label="Sections">
        <span class="brand">agentspan</span>
        {SECTIONS.map((s) => (
          <NavLink key={s.href} href={s.href} current={s.current(path)}>
            {s.label}
            {s.href === '/alerts' && alerts !== null ? (
              <span class="count" data-testid="open-alerts">
                {' '}
                {alerts}
                <span class="visually-hidden"> open</span>
              </span>
            ) : null}
          </NavLink>
        ))}
      </nav>
      <div class="top-tools">
        <label class="scope">
          Environment
          <select value={environmentId ?? ''} onChange={(e) => setEnvironmentId(e.currentTarget.value || null)} title={error ?? undefined}>
            <option value="">All environments</option>
            {environments.map((e) => (
              <option key={e.id} value={e.id}>
                {e.name}
              </option>
            ))}
            {known ? null : <option value={environmentId ?? ''}>{environmentId}</option>}
          </select>
        </label>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
