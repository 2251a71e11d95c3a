// The dashboard's tables: latency per span type, tool calls, top models by cost, the costliest runs.
import type { ListedAgentInstance } from '@agentspan/protocol';
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure } from '../api.js';
import { measure, unpricedOf, withTokens, type AnalyticsRow } from '../api/analytics.js';
import { costliestRuns } from '../api/runs.js';
import { CostText, priceHref } from '../cost.js';
import { DataTable, type Column } from '../data-table.js';
import { shortTime, timeText } from '../format.js';
import { Link } from '../router.js';
import { NO_MODEL, countText, msText, rateText } from '../usage-format.js';
import { ChartPanel, Nothing } from './chart-panel.js';
import type { DashboardScope, DashboardWindow } from './queries.js';
import type { ChartAnswer } from './use-analytics.js';

/** A bar beside a number, its length the share of the column's largest (the number says it in words). */
const Bar = ({ value, max }: { value: number | null; max: number }) => (
  <span class="cell-bar" aria-hidden="true">
    <span style={{ width: `${max > 0 && value ? Math.max(1, (value / max) * 100) : 0}%` }} />
  </span>
);

const spanType = (r: AnalyticsRow) => String(r.span_type);
const spanTypeColumn: Column<AnalyticsRow> = { heading: 'Span type', cell: (r) => <code>{spanType(r)}</code> };
const bySpanType = { rowKey: spanType, rowData: (r: AnalyticsRow) => ({ 'data-span-type': spanType(r) }) };
/** A measure of the row, shown as `text` says, in a column of numbers. */
const measured = (heading: string, name: string, text: (n: number | null) => string): Column<AnalyticsRow> => ({
  heading,
  numeric: true,
  cell: (r) => text(measure(r, name)),
});
/** The column's largest `name` as a bar in each row. */
const barOf = (heading: string, rows: AnalyticsRow[], name: string): Column<AnalyticsRow> => {
  const max = Math.max(0, ...rows.map((r) => measure(r, name) ?? 0));
  return { heading, hiddenHeading: true, cellClass: 'bar-cell', cell: (r) => <Bar value={measure(r, name)} max={max} /> };
};

export function SpanTypeLatency({ chart }: { chart: ChartAnswer }) {
  return (
    <ChartPanel id="span-type-latency" title="Latency per span type" chart={chart}>
      {(answer) =>
        answer.rows.length === 0 ? (
          <Nothing what="spans" />
        ) : (
          <DataTable
            class="data dashboard-table"
            rows={answer.rows}
            {...bySpanType}
            columns={[
              spanTypeColumn,
              measured('Spans', 'spans', countText),
              measured('p50', 'duration_p50', msText),
              measured('p95', 'duration_p95', msText),
              measured('p99', 'duration_p99', msText),
              barOf('p95 as a bar', answer.rows, 'duration_p95'),
            ]}
          />
        )
      }
    </ChartPanel>
  );
}

export function ToolCalls({ chart }: { chart: ChartAnswer }) {
  return (
    <ChartPanel id="tool-calls" title="Tool calls" chart={chart}>
      {(answer) => {
        const tools = answer.rows.filter((r) => spanType(r).toLowerCase().includes('tool'));
        if (tools.length === 0) return <Nothing what="tool calls (span types named with “tool”)" />;
        return (
          <DataTable
            class="data dashboard-table"
            rows={tools}
            {...bySpanType}
            columns={[
              spanTypeColumn,
              measured('Calls', 'spans', countText),
              { ...measured('Errors', 'errors', countText), cellClass: (r) => (measure(r, 'errors') ? 'error' : undefined) },
              measured('Error rate', 'error_rate', rateText),
              measured('p50', 'duration_p50', msText),
              measured('p95', 'duration_p95', msText),
            ]}
          />
        );
      }}
    </ChartPanel>
  );
}

const modelOf = (r: AnalyticsRow) => (r.model === null || r.model === undefined ? NO_MODEL : String(r.model));

/** The model's cost, and a link to price it when it has none (calls with no model have nothing to price). */
function ModelCost({ row }: { row: AnalyticsRow }) {
  const model = modelOf(row);
  const unpriced = measure(row, 'cost_usd') === null && model !== NO_MODEL;
  return (
    <>
      <CostText of={{ cost_usd: measure(row, 'cost_usd'), unpriced_models: unpricedOf(row) }} />
      {unpriced ? (
        <>
          {' '}
          <Link href={priceHref(model)}>set price</Link>
        </>
      ) : null}
    </>
  );
}

export function TopModels({ chart }: { chart: ChartAnswer }) {
  return (
    <ChartPanel id="top-models" title="Top models by cost" chart={chart}>
      {(answer) => {
        const rows = withTokens(answer.rows);
        if (rows.length === 0) return <Nothing what="model calls" />;
        return (
          <DataTable
            class="data dashboard-table"
            rows={rows}
            rowKey={modelOf}
            rowData={(r) => ({ 'data-model': modelOf(r) })}
            columns={[
              { heading: 'Model', cell: (r) => <code>{modelOf(r)}</code> },
              { heading: 'Cost', numeric: true, cell: (r) => <ModelCost row={r} /> },
              measured('Tokens', 'total_tokens', countText),
              measured('Spans', 'spans', countText),
              barOf('Cost as a bar', rows, 'cost_usd'),
            ]}
          />
        );
      }}
    </ChartPanel>
  );
}

const runColumns: Column<ListedAgentInstance>[] = [
  { heading: 'Run', cell: (r) => <Link href={`/instances/${encodeURIComponent(r.id)}`}>{r.id}</Link> },
  { heading: 'Agent', cell: (r) => r.agent_name },
  { heading: 'Status', cell: (r) => r.status },
  { heading: 'Started', title: (r) => timeText(r.started_at ?? r.inserted_at), cell: (r) => shortTime(r.started_at ?? r.inserted_at) },
  { heading: 'Duration', numeric: true, cell: (r) => msText(r.duration_ms) },
  { heading: 'Tokens', numeric: true, cell: (r) => countText(r.usage?.total) },
  { heading: 'Cost', numeric: true, cell: (r) => <CostText of={r} /> },
];

/** The instance list sorted by cost, in the dashboard's scope and window: each run links to its page. */
export function CostliestRuns({ scope, w }: { scope: DashboardScope; w: DashboardWindow }) {
  const [found, setFound] = useState<{ key: string; runs: ListedAgentInstance[] | null; error: string | null }>({ key: '', runs: null, error: null });
  const key = `${scope.environmentId}|${scope.agentId}|${w.from}`;
  useEffect(() => {
    let stale = false;
    costliestRuns({ environment_id: scope.environmentId, agent_id: scope.agentId, since: w.from }).then(
      (runs) => !stale && setFound({ key, runs, error: null }),
      (failure: unknown) => !stale && setFound({ key, runs: null, error: failure instanceof ApiFailure ? failure.message : String(failure) }),
    );
    return () => {
      stale = true;
    };
  }, [key]);
  const current = found.key === key ? found : { runs: null, error: null };
  // A run with no tokens costs nothing to rank: the list keeps only runs that used some.
  const costed = current.runs?.filter((r) => (r.usage?.total ?? 0) > 0);
  return (
    <section class="panel dashboard-panel wide" aria-labelledby="costliest-runs-title" data-chart="costliest-runs">
      <h2 id="costliest-runs-title">Costliest runs</h2>
      {current.error ? (
        <p class="error" role="alert">
          {current.error}
        </p>
      ) : !costed ? (
        <p class="muted chart-empty">Loading…</p>
      ) : costed.length === 0 ? (
        <Nothing what="runs with tokens" />
      ) : (
        <DataTable class="data dashboard-table" rows={costed} rowKey={(r) => r.id} rowData={(r) => ({ 'data-id': r.id })} columns={runColumns} />
      )}
    </section>
  );
}
