import type { ComponentChildren } from 'preact';
import type { Analytics } from '../api/analytics.js';
import type { ChartAnswer } from './use-analytics.js';

/** A dashboard panel: its title, and its chart once the answer is in (or why there is none). */
export function ChartPanel({
  id,
  title,
  chart,
  wide,
  children,
}: {
  id: string;
  title: string;
  chart: ChartAnswer;
  wide?: boolean;
  children: (answer: Analytics) => ComponentChildren;
}) {
  return (
    <section class={`panel dashboard-panel${wide ? ' wide' : ''}`} aria-labelledby={`${id}-title`} data-chart={id}>
      <h2 id={`${id}-title`}>{title}</h2>
      {chart.error ? (
        <p class="error" role="alert">
          {chart.error}
        </p>
      ) : chart.answer === undefined ? (
        <p class="muted chart-empty">Loading…</p>
      ) : chart.answer === null ? (
        <p class="muted chart-empty" data-testid="analytics-unavailable">
          Analytics are unavailable: this server does not answer <code>GET /api/v1/analytics</code>.
        </p>
      ) : (
        children(chart.answer)
      )}
    </section>
  );
}

/** What a chart shows when the range holds nothing to draw. */
export const Nothing = ({ what }: { what: string }) => <p class="muted chart-empty">No {what} in this range.</p>;
