// The dashboard's charts over time: runs by status, error rate, run latency, tokens, cost by model.
import { INSTANCE_STATUSES } from '@agentspan/protocol';
import { measure, withTokens, type Analytics } from '../api/analytics.js';
import { LineChart } from '../charts/line-chart.js';
import { OTHER_FILL, PALETTE, STATUS_FILL } from '../charts/palette.js';
import { StackedBars } from '../charts/stacked-bars.js';
import type { Series } from '../charts/series.js';
import { NO_MODEL, costText, countText, msText, rateText, usdText } from '../usage-format.js';
import { ChartPanel, Nothing } from './chart-panel.js';
import { TOKEN_MEASURES, type DashboardWindow } from './queries.js';
import { rowsByBucket, type ChartAnswer } from './use-analytics.js';

/** Each bucket's values of `measure` by the value of `dimension` (a status, a model), zero where absent. */
function stackedBy(answer: Analytics, w: DashboardWindow, dimension: string, name: string): Array<Record<string, number>> {
  const byBucket = rowsByBucket(answer);
  return w.buckets.map((b) => {
    const values: Record<string, number> = {};
    for (const row of byBucket.get(Date.parse(b)) ?? []) values[String(row[dimension] ?? NO_MODEL)] = measure(row, name) ?? 0;
    return values;
  });
}

/** Each bucket's measures, null where the bucket has no row. */
function measuresOver(answer: Analytics, w: DashboardWindow, names: readonly string[]): Array<Record<string, number | null>> {
  const byBucket = rowsByBucket(answer);
  return w.buckets.map((b) => {
    const row = byBucket.get(Date.parse(b))?.[0];
    return Object.fromEntries(names.map((n) => [n, measure(row, n)]));
  });
}

const summary = (title: string, series: Series[], totals: Array<string>) => `${title}: ${series.map((s, i) => `${s.label} ${totals[i]}`).join(', ')}`;

export function RunsByStatus({ chart, w }: { chart: ChartAnswer; w: DashboardWindow }) {
  return (
    <ChartPanel id="runs-by-status" title="Runs by status" chart={chart}>
      {(answer) => {
        const values = stackedBy(answer, w, 'status', 'runs');
        const totals = new Map<string, number>();
        for (const row of answer.rows) totals.set(String(row.status), (totals.get(String(row.status)) ?? 0) + (measure(row, 'runs') ?? 0));
        const series: Series[] = INSTANCE_STATUSES.filter((s) => totals.has(s)).map((s) => ({
          key: s,
          label: s,
          color: STATUS_FILL[s] ?? OTHER_FILL,
          total: countText(totals.get(s)),
        }));
        if (series.length === 0) return <Nothing what="runs" />;
        const label = summary(
          'Runs by status',
          series,
          series.map((s) => countText(totals.get(s.key))),
        );
        return <StackedBars buckets={w.buckets} granularity={w.granularity} series={series} values={values} format={countText} label={label} />;
      }}
    </ChartPanel>
  );
}

export function ErrorRate({ chart, w }: { chart: ChartAnswer; w: DashboardWindow }) {
  return (
    <ChartPanel id="error-rate" title="Error rate (failed runs)" chart={chart}>
      {(answer) => {
        if (answer.rows.length === 0) return <Nothing what="runs" />;
        const rate = measure(answer.totals, 'error_rate');
        const series: Series[] = [{ key: 'error_rate', label: 'failed ÷ runs', color: STATUS_FILL.failed!, total: rateText(rate) }];
        const label = `Error rate over the range ${rateText(rate)}: ${countText(measure(answer.totals, 'errors'))} of ${countText(measure(answer.totals, 'runs'))} runs failed`;
        return (
          <LineChart
            buckets={w.buckets}
            granularity={w.granularity}
            series={series}
            values={measuresOver(answer, w, ['error_rate'])}
            format={rateText}
            label={label}
          />
        );
      }}
    </ChartPanel>
  );
}

const PERCENTILES: Series[] = [
  { key: 'duration_p50', label: 'p50', color: '#3f9a6d' },
  { key: 'duration_p95', label: 'p95', color: '#c98a1c' },
  { key: 'duration_p99', label: 'p99', color: '#d0493d' },
];

export function RunLatency({ chart, w }: { chart: ChartAnswer; w: DashboardWindow }) {
  return (
    <ChartPanel id="run-latency" title="Run latency" chart={chart}>
      {(answer) => {
        if (answer.rows.length === 0) return <Nothing what="finished runs" />;
        const series = PERCENTILES.map((p) => ({ ...p, total: msText(measure(answer.totals, p.key)) }));
        const label = summary(
          'Run latency over the range',
          series,
          series.map((s) => msText(measure(answer.totals, s.key))),
        );
        return (
          <LineChart
            buckets={w.buckets}
            granularity={w.granularity}
            series={series}
            values={measuresOver(
              answer,
              w,
              series.map((s) => s.key),
            )}
            format={msText}
            label={label}
          />
        );
      }}
    </ChartPanel>
  );
}

const TOKEN_LABELS: Record<(typeof TOKEN_MEASURES)[number], string> = {
  input_tokens: 'input',
  output_tokens: 'output',
  cache_read_tokens: 'cache read',
  cache_write_tokens: 'cache write',
  reasoning_tokens: 'reasoning',
};

export function TokensByType({ chart, w }: { chart: ChartAnswer; w: DashboardWindow }) {
  return (
    <ChartPanel id="tokens" title="Tokens by type" chart={chart}>
      {(answer) => {
        if (!measure(answer.totals, 'total_tokens')) return <Nothing what="tokens" />;
        const series: Series[] = TOKEN_MEASURES.map((m, i) => ({
          key: m,
          label: TOKEN_LABELS[m],
          color: PALETTE[i]!,
          total: countText(measure(answer.totals, m)),
        }));
        const values = measuresOver(answer, w, TOKEN_MEASURES).map((v) => Object.fromEntries(Object.entries(v).map(([k, n]) => [k, n ?? 0])));
        const label = summary(
          'Tokens by type',
          series,
          series.map((s) => countText(measure(answer.totals, s.key))),
        );
        return <StackedBars buckets={w.buckets} granularity={w.granularity} series={series} values={values} format={countText} label={label} />;
      }}
    </ChartPanel>
  );
}

/** Models get fills by their cost over the range, the costliest first; past the palette they share one. */
export function modelSeries(answer: Analytics): Series[] {
  const totals = new Map<string, number | null>();
  for (const row of answer.rows) {
    const model = String(row.model ?? NO_MODEL);
    const cost = measure(row, 'cost_usd');
    const before = totals.get(model);
    totals.set(model, cost === null ? (before ?? null) : (before ?? 0) + cost);
  }
  return [...totals]
    .sort((a, b) => (b[1] ?? -1) - (a[1] ?? -1))
    .map(([model, cost], i) => ({ key: model, label: model, color: PALETTE[i] ?? OTHER_FILL, total: cost === null ? 'unpriced' : usdText(cost) }));
}

export function CostByModel({ chart, w }: { chart: ChartAnswer; w: DashboardWindow }) {
  return (
    <ChartPanel id="cost-by-model" title="Cost by model" chart={chart}>
      {(all) => {
        const answer = { ...all, rows: withTokens(all.rows) };
        if (answer.rows.length === 0) return <Nothing what="model calls" />;
        const series = modelSeries(answer);
        const values = stackedBy(answer, w, 'model', 'cost_usd');
        const total = costText(measure(answer.totals, 'cost_usd'), answer.unpriced_models);
        const label = `Cost by model, ${total} in all: ${series.map((s) => `${s.label} ${String(s.total)}`).join(', ')}`;
        return <StackedBars buckets={w.buckets} granularity={w.granularity} series={series} values={values} format={usdText} label={label} />;
      }}
    </ChartPanel>
  );
}
