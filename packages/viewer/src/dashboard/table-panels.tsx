// The dashboard's tables: latency per span type, tool calls, top models by cost, the costliest runs.
import type { ListedAgentInstance } from '@agentspan/protocol';
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure } from '../api.js';
import { measure, unpricedOf, withTokens, type AnalyticsRow } from '../api/analytics.js';
import { costliestRuns } from '../api/runs.js';
import { CostText, priceHref } from '../cost.js';
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

const maxOf = (rows: AnalyticsRow[], name: string) => Math.max(0, ...rows.map((r) => measure(r, name) ?? 0));

export function SpanTypeLatency({ chart }: { chart: ChartAnswer }) {
  return (
    <ChartPanel id="span-type-latency" title="Latency per span type" chart={chart}>
      {(answer) => {
        if (answer.rows.length === 0) return <Nothing what="spans" />;
        const max = maxOf(answer.rows, 'duration_p95');
        return (
          <table class="data dashboard-table">
            <thead>
              <tr>
                <th scope="col">Span type</th>
                <th scope="col" class="number">
                  Spans
                </th>
                <th scope="col" class="number">
                  p50
                </th>
                <th scope="col" class="number">
                  p95
                </th>
                <th scope="col" class="number">
                  p99
                </th>
                <th scope="col">
                  <span class="visually-hidden">p95 as a bar</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {answer.rows.map((r) => (
                <tr key={String(r.span_type)} data-span-type={String(r.span_type)}>
                  <th scope="row">
                    <code>{String(r.span_type)}</code>
                  </th>
                  <td class="number">{countText(measure(r, 'spans'))}</td>
                  <td class="number">{msText(measure(r, 'duration_p50'))}</td>
                  <td class="number">{msText(measure(r, 'duration_p95'))}</td>
                  <td class="number">{msText(measure(r, 'duration_p99'))}</td>
                  <td class="bar-cell">
                    <Bar value={measure(r, 'duration_p95')} max={max} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        );
      }}
    </ChartPanel>
  );
}

export function ToolCalls({ chart }: { chart: ChartAnswer }) {
  return (
    <ChartPanel id="tool-calls" title="Tool calls" chart={chart}>
      {(answer) => {
        const tools = answer.rows.filter((r) => String(r.span_type).toLowerCase().includes('tool'));
        if (tools.length === 0) return <Nothing what="tool calls (span types named with “tool”)" />;
        return (
          <table class="data dashboard-table">
            <thead>
              <tr>
                <th scope="col">Span type</th>
                <th scope="col" class="number">
                  Calls
                </th>
                <th scope="col" class="number">
                  Errors
                </th>
                <th scope="col" class="number">
                  Error rate
                </th>
                <th scope="col" class="number">
                  p50
                </th>
                <th scope="col" class="number">
                  p95
                </th>
              </tr>
            </thead>
            <tbody>
              {tools.map((r) => (
                <tr key={String(r.span_type)} data-span-type={String(r.span_type)}>
                  <th scope="row">
                    <code>{String(r.span_type)}</code>
                  </th>
                  <td class="number">{countText(measure(r, 'spans'))}</td>
                  <td class={`number${measure(r, 'errors') ? ' error' : ''}`}>{countText(measure(r, 'errors'))}</td>
                  <td class="number">{rateText(measure(r, 'error_rate'))}</td>
                  <td class="number">{msText(measure(r, 'duration_p50'))}</td>
                  <td class="number">{msText(measure(r, 'duration_p95'))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        );
      }}
    </ChartPanel>
  );
}

export function TopModels({ chart }: { chart: ChartAnswer }) {
  return (
    <ChartPanel id="top-models" title="Top models by cost" chart={chart}>
      {(answer) => {
        const rows = withTokens(answer.rows);
        if (rows.length === 0) return <Nothing what="model calls" />;
        const max = maxOf(rows, 'cost_usd');
        return (
          <table class="data dashboard-table">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col" class="number">
                  Cost
                </th>
                <th scope="col" class="number">
                  Tokens
                </th>
                <th scope="col" class="number">
                  Spans
                </th>
                <th scope="col">
                  <span class="visually-hidden">Cost as a bar</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                const model = r.model === null || r.model === undefined ? NO_MODEL : String(r.model);
                const unpriced = measure(r, 'cost_usd') === null && model !== NO_MODEL;
                return (
                  <tr key={model} data-model={model}>
                    <th scope="row">
                      <code>{model}</code>
                    </th>
                    <td class="number">
                      <CostText of={{ cost_usd: measure(r, 'cost_usd'), unpriced_models: unpricedOf(r) }} />
                      {unpriced ? (
                        <>
                          {' '}
                          <Link href={priceHref(model)}>set price</Link>
                        </>
                      ) : null}
                    </td>
                    <td class="number">{countText(measure(r, 'total_tokens'))}</td>
                    <td class="number">{countText(measure(r, 'spans'))}</td>
                    <td class="bar-cell">
                      <Bar value={measure(r, 'cost_usd')} max={max} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        );
      }}
    </ChartPanel>
  );
}

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
        <table class="data dashboard-table">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Agent</th>
              <th scope="col">Status</th>
              <th scope="col">Started</th>
              <th scope="col" class="number">
                Duration
              </th>
              <th scope="col" class="number">
                Tokens
              </th>
              <th scope="col" class="number">
                Cost
              </th>
            </tr>
          </thead>
          <tbody>
            {costed.map((r) => (
              <tr key={r.id} data-id={r.id}>
                <th scope="row">
                  <Link href={`/instances/${encodeURIComponent(r.id)}`}>{r.id}</Link>
                </th>
                <td>{r.agent_name}</td>
                <td>{r.status}</td>
                <td title={timeText(r.started_at ?? r.inserted_at)}>{shortTime(r.started_at ?? r.inserted_at)}</td>
                <td class="number">{msText(r.duration_ms)}</td>
                <td class="number">{countText(r.usage?.total)}</td>
                <td class="number">
                  <CostText of={r} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
