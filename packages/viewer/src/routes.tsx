// Every signed-in page by path, in one table: a page's entry is all a new page adds here.
import type { ComponentChildren } from 'preact';
import { AgentPage } from './pages/agent/agent.js';
import { AgentsPage } from './pages/agents.js';
import { CliConnectPage } from './pages/cli-connect.js';
import { InstancePage } from './pages/instance.js';
import { InstancesPage } from './pages/instances.js';

type Render = (match: Array<string | undefined>, search: URLSearchParams) => ComponentChildren;

/** A page another part of the viewer will fill. */
const placeholder = (title: string) => () => (
  <main>
    <h1>{title}</h1>
    <p class="muted">This page is not in this build of the viewer yet.</p>
  </main>
);

const ROUTES: ReadonlyArray<[RegExp, Render]> = [
  [/^\/$/, () => <InstancesPage />],
  [/^\/instances\/([^/]+)$/, ([id], search) => <InstancePage id={id!} selected={search.get('span')} />],
  [/^\/agents\/?$/, () => <AgentsPage />],
  [/^\/agents\/([^/]+)(?:\/([a-z-]+))?$/, ([id, tab]) => <AgentPage id={id!} tab={tab ?? 'overview'} />],
  [/^\/risk-profiles(?:\/([^/]+))?$/, placeholder('Risk profiles')],
  [/^\/alerts$/, placeholder('Alerts')],
  [/^\/account$/, placeholder('Account')],
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
