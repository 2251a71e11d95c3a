import type { ListedAgentInstance } from '@agentspan/protocol';
import { CostText } from './cost.js';
import { STATUS_ICON, isOpen, shortTime, spanDuration, timeText } from './format.js';
import { LevelBadge } from './risk/vocabulary-labels.js';
import { Link } from './router.js';
import { countText } from './usage-format.js';

/** The columns an instance list may show after the instance's id, in the order it names them. */
export type InstanceColumn =
  'agent' | 'environment' | 'status' | 'started' | 'version' | 'purpose' | 'risk' | 'duration' | 'spans' | 'failed' | 'tokens' | 'cost';

const HEADING: Record<InstanceColumn, string> = {
  agent: 'Agent',
  environment: 'Environment',
  status: 'Status',
  started: 'Started',
  version: 'Version',
  purpose: 'Purpose',
  risk: 'Risk level',
  duration: 'Duration',
  spans: 'Spans',
  failed: 'Failed',
  tokens: 'Tokens',
  cost: 'Cost',
};

/** Columns of amounts, set right so their digits line up. */
const NUMBER_COLUMNS: ReadonlySet<InstanceColumn> = new Set(['tokens', 'cost']);
const cellClass = (column: InstanceColumn) => (NUMBER_COLUMNS.has(column) ? 'number' : undefined);

/** What the list knows beside the instance: the names of its agent, version and environment. */
export interface InstanceNames {
  agent?: string;
  version: string;
  environment: string;
}

export function InstanceHead({ columns }: { columns: readonly InstanceColumn[] }) {
  return (
    <thead>
      <tr>
        <th scope="col">Instance</th>
        {columns.map((c) => (
          <th key={c} scope="col" class={cellClass(c)}>
            {HEADING[c]}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/**
 * One instance in a list, the account's or an agent's: the same cells read the same everywhere,
 * its risk a level badge. `now` times a run still open.
 */
export function InstanceRow({
  instance: i,
  columns,
  names,
  now = Date.now(),
}: {
  instance: ListedAgentInstance;
  columns: readonly InstanceColumn[];
  names: InstanceNames;
  now?: number;
}) {
  const cell = (column: InstanceColumn) => {
    switch (column) {
      case 'agent':
        return names.agent ?? i.agent_id;
      case 'environment':
        return names.environment;
      case 'status':
        return (
          <>
            <span aria-hidden="true">{STATUS_ICON[i.status]} </span>
            {i.status}
          </>
        );
      case 'started':
        return <span title={timeText(i.started_at ?? i.inserted_at)}>{shortTime(i.started_at ?? i.inserted_at)}</span>;
      case 'version':
        return names.version;
      case 'purpose':
        return i.purpose.replaceAll('_', ' ');
      case 'risk':
        return <LevelBadge level={i.risk_level} />;
      case 'duration':
        return isOpen(i.status) && !i.started_at ? '–' : spanDuration(i.started_at, i.finished_at, now);
      case 'spans':
        return i.span_counts.total;
      case 'failed':
        return i.span_counts.failed;
      case 'tokens':
        return countText(i.usage?.total);
      case 'cost':
        return <CostText of={i} />;
    }
  };
  return (
    <tr data-id={i.id} class={`status-${i.status}`}>
      <td class="id">
        <Link href={`/instances/${encodeURIComponent(i.id)}`}>{i.id}</Link>
      </td>
      {columns.map((c) => (
        <td key={c} class={cellClass(c)}>
          {cell(c)}
        </td>
      ))}
    </tr>
  );
}

/**
 * A page of instances as both lists show it: the failure to read it, "Loading…", `empty` when
 * nothing matches, else the table. `names` names one instance's agent, version and environment.
 */
export function InstanceTable({
  page,
  error,
  columns,
  names,
  now,
  empty,
  tableClass,
  testId,
}: {
  page: { items: ListedAgentInstance[] } | null;
  error: string | null;
  columns: readonly InstanceColumn[];
  names: (instance: ListedAgentInstance) => InstanceNames;
  now?: number;
  empty: string;
  tableClass: string;
  testId?: string;
}) {
  return (
    <>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
      {page === null ? (
        <p class="muted">Loading…</p>
      ) : page.items.length === 0 ? (
        <p class="muted">{empty}</p>
      ) : (
        <table class={tableClass} data-testid={testId}>
          <InstanceHead columns={columns} />
          <tbody>
            {page.items.map((i) => (
              <InstanceRow key={i.id} instance={i} columns={columns} names={names(i)} now={now} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
