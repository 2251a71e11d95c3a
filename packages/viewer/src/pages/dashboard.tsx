import type { ComponentChildren } from 'preact';
import type { Agent } from '@agentspan/protocol';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { RANGES, isRange, measure, type RangeName } from '../api/analytics.js';
import { runs } from '../api/runs.js';
import { UnpricedModels } from '../cost.js';
import { CostliestRuns, SpanTypeLatency, ToolCalls, TopModels } from '../dashboard/table-panels.js';
import { CostByModel, ErrorRate, RunLatency, RunsByStatus, TokensByType } from '../dashboard/time-panels.js';
import { dashboardQueries, windowOf, type DashboardScope } from '../dashboard/queries.js';
import { useAnalytics, type ChartAnswer } from '../dashboard/use-analytics.js';
import { useEnvironmentId } from '../environment-scope.js';
import { navigate, useLocation } from '../router.js';
import { costText, countText, msText, rateText } from '../usage-format.js';

/** This page's URL with `name` set to `value` (removed when null), keeping every other parameter (the scope). */
function withParam(name: string, value: string | null): string {
  const url = new URL(location.href);
  if (value) url.searchParams.set(name, value);
  else url.searchParams.delete(name);
  return `${url.pathname}${url.search}`;
}

/** One headline number, from a chart's totals (no request of its own). */
function Stat({
  id,
  label,
  chart,
  value,
}: {
  id: string;
  label: string;
  chart: ChartAnswer;
  value: (totals: NonNullable<ChartAnswer['answer']>) => ComponentChildren;
}) {
  return (
    <div class="stat">
      <dt>{label}</dt>
      <dd data-testid={`stat-${id}`}>{chart.answer ? value(chart.answer) : chart.answer === null || chart.error ? '–' : '…'}</dd>
    </div>
  );
}

/** A total cost with what it leaves out in smaller type: the sum is the headline, `+ unpriced` its caveat. */
function CostValue({ cost, unpriced }: { cost: number | null; unpriced: string[] }) {
  const text = costText(cost, unpriced);
  const [sum, note] = text.endsWith(' + unpriced') ? [text.slice(0, -' + unpriced'.length), '+ unpriced'] : [text, null];
  return (
    <>
      {sum}
      {note ? (
        <>
          {' '}
          <span class="stat-note">{note}</span>
        </>
      ) : null}
    </>
  );
}

/**
 * `/`, the home: the account's runs, latency, tokens and cost over 24 hours, 7 or 30 days, in the
 * header's environment and for one agent or all; each chart is one `GET /api/v1/analytics`.
 */
export function DashboardPage() {
  const { search } = useLocation();
  const environmentId = useEnvironmentId();
  const agentId = search.get('agent_id') || null;
  const rangeParam = search.get('range');
  const range: RangeName = isRange(rangeParam) ? rangeParam : '24h';
  const [agents, setAgents] = useState<Agent[]>([]);
  useEffect(() => {
    runs.agents().then(setAgents, () => setAgents([]));
  }, []);

  const scope: DashboardScope = { environmentId, agentId, range };
  const key = JSON.stringify(scope);
  // The window is fixed when the scope is chosen: every chart answers the same span of time.
  const w = useMemo(() => windowOf(range, Date.now()), [key]);
  const q = dashboardQueries(scope, w);
  const charts = {
    runsByStatus: useAnalytics(q.runsByStatus),
    errorRate: useAnalytics(q.errorRate),
    runLatency: useAnalytics(q.runLatency),
    spanTypeLatency: useAnalytics(q.spanTypeLatency),
    tokens: useAnalytics(q.tokens),
    costByModel: useAnalytics(q.costByModel),
    topModels: useAnalytics(q.topModels),
    toolCalls: useAnalytics(q.toolCalls),
  };
  const unpriced = [...new Set([...(charts.costByModel.answer?.unpriced_models ?? []), ...(charts.topModels.answer?.unpriced_models ?? [])])].sort();

  return (
    <main class="dashboard-page">
      <h1>Dashboard</h1>
      <form class="filters" aria-label="Dashboard scope" onSubmit={(e) => e.preventDefault()}>
        <label>
          Agent
          <select value={agentId ?? ''} onChange={(e) => navigate(withParam('agent_id', e.currentTarget.value || null), true)}>
            <option value="">All agents</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
            {agentId && !agents.some((a) => a.id === agentId) ? <option value={agentId}>{agentId}</option> : null}
          </select>
        </label>
        <fieldset class="range">
          <legend>Time range</legend>
          {Object.entries(RANGES).map(([name, r]) => (
            <label key={name}>
              <input
                type="radio"
                name="range"
                value={name}
                checked={range === name}
                onChange={() => navigate(withParam('range', name === '24h' ? null : name), true)}
              />{' '}
              {r.label}
            </label>
          ))}
        </fieldset>
        <p class="muted window">
          {new Date(w.from).toLocaleString(undefined, { hour12: false })} – {new Date(w.to).toLocaleString(undefined, { hour12: false })}, by{' '}
          {w.granularity}
        </p>
      </form>
      <dl class="stats" aria-label="Totals over the range">
        <Stat id="runs" label="Runs" chart={charts.runsByStatus} value={(a) => countText(measure(a.totals, 'runs'))} />
        <Stat id="error-rate" label="Error rate" chart={charts.errorRate} value={(a) => rateText(measure(a.totals, 'error_rate'))} />
        <Stat id="p50" label="Run p50" chart={charts.runLatency} value={(a) => msText(measure(a.totals, 'duration_p50'))} />
        <Stat id="p95" label="Run p95" chart={charts.runLatency} value={(a) => msText(measure(a.totals, 'duration_p95'))} />
        <Stat id="p99" label="Run p99" chart={charts.runLatency} value={(a) => msText(measure(a.totals, 'duration_p99'))} />
        <Stat id="tokens" label="Tokens" chart={charts.tokens} value={(a) => countText(measure(a.totals, 'total_tokens'))} />
        <Stat
          id="cost"
          label="Cost"
          chart={charts.costByModel}
          value={(a) => <CostValue cost={measure(a.totals, 'cost_usd')} unpriced={a.unpriced_models} />}
        />
      </dl>
      <UnpricedModels models={unpriced} />
      <div class="dashboard-grid">
        <RunsByStatus chart={charts.runsByStatus} w={w} />
        <ErrorRate chart={charts.errorRate} w={w} />
        <RunLatency chart={charts.runLatency} w={w} />
        <SpanTypeLatency chart={charts.spanTypeLatency} />
        <TokensByType chart={charts.tokens} w={w} />
        <CostByModel chart={charts.costByModel} w={w} />
        <TopModels chart={charts.topModels} />
        <ToolCalls chart={charts.toolCalls} />
        <CostliestRuns scope={scope} w={w} />
      </div>
    </main>
  );
}
