// Every signed-in page by path, in one table: a page's entry is all a new page adds here.
import type { ComponentChildren } from 'preact';
import { AgentPage } from './pages/agent/agent.js';
import { AgentsPage } from './pages/agents.js';
import { CliConnectPage } from './pages/cli-connect.js';
import { InstancePage } from './pages/instance.js';
import { InstancesPage, INSTANCE_ONLY_FILTERS } from './pages/instances.js';
import { DashboardPage } from './pages/dashboard.js';
import { PricesPage } from './pages/prices.js';
import { Redirect } from './router.js';
import { AccountPage } from './pages/account.js';
import { AlertsPage } from './pages/alerts.js';
import { RiskProfilePage } from './pages/risk-profile.js';
import { NewRiskProfilePage, RiskProfilesPage } from './pages/risk-profiles.js';

type Render = (match: Array<string | undefined>, search: URLSearchParams) => ComponentChildren;

const ROUTES: ReadonlyArray<[RegExp, Render]> = [
  // The home was the instance list: a link from then (`/?risk_level=high`) still opens the list.
  [/^\/$/, (_, search) => (INSTANCE_ONLY_FILTERS.some((name) => search.has(name)) ? <Redirect to={`/instances?${search}`} /> : <DashboardPage />)],
  [/^\/instances\/?$/, () => <InstancesPage />],
  [
    /^\/instances\/([^/]+)(?:\/(risk|details))?$/,
    ([id, tab], search) => <InstancePage id={id!} tab={(tab as 'risk' | 'details' | undefined) ?? 'activity'} selected={search.get('span')} />,
  ],
  [/^\/agents\/?$/, () => <AgentsPage />],
  [/^\/agents\/([^/]+)(?:\/([a-z-]+))?$/, ([id, tab]) => <AgentPage id={id!} tab={tab ?? 'overview'} />],
  [/^\/risk-profiles\/?$/, () => <RiskProfilesPage />],
  [/^\/risk-profiles\/new$/, () => <NewRiskProfilePage />],
  [/^\/risk-profiles\/([^/]+)(\/edit)?$/, ([id, edit]) => <RiskProfilePage id={id!} editing={!!edit} />],
  [/^\/alerts$/, () => <AlertsPage />],
  [/^\/account$/, () => <AccountPage />],
  [/^\/prices$/, () => <PricesPage />],
  [/^\/cli\/connect$/, () => <CliConnectPage />],
];

/** The page at `path`, or a page saying there is none. */
export function routeTo(path: string, search: URLSearchParams): ComponentChildren {
  for (const [pattern, render] of ROUTES) {
    const match = pattern.exec(path);
    if (match)
      return render(
        match.slice(1).map((part) => part && decodeURIComponent(part)),
        search,
      );
  }
  return (
    <main>
      <h1>Not found</h1>
      <p class="muted">
        Nothing at <code>{path}</code>.
      </p>
    </main>
  );
}
