import type { Activity } from '../api/activity.js';
import { STATUS_ICON } from '../format.js';
import { STATUS_FILL } from './palette.js';

/** The legend and each bar's title say the status in words too (never colour alone). */
const FILL = STATUS_FILL;

const WIDTH = 1200;
const HEIGHT = 160;
const AXIS = 18;
const LEFT = 32;

const hourText = (at: string) => new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });

/**
 * Counts by status per hour as stacked bars, in plain SVG: a few dozen rectangles need no chart
 * library. `activity` undefined: loading; null: this server answers no activity aggregate.
 */
export function ActivityChart({ activity, title }: { activity: Activity | null | undefined; title: string }) {
  if (activity === undefined) return <p class="muted chart-empty">Loading activity…</p>;
  if (activity === null)
    return (
      <p class="muted chart-empty" data-testid="activity-unavailable">
        Activity is unavailable: this server does not answer the activity aggregate.
      </p>
    );
  const { buckets, statuses } = activity;
  const totals = statuses.map((s) => activity.totals[s] ?? 0);
  const max = Math.max(1, ...buckets.map((b) => statuses.reduce((sum, s) => sum + (b.counts[s] ?? 0), 0)));
  const slot = (WIDTH - LEFT) / Math.max(1, buckets.length);
  const bar = Math.max(2, slot - 3);
  const plot = HEIGHT - AXIS;
  const summary = `${title}: ${statuses.map((s, i) => `${totals[i]} ${s}`).join(', ')}`;
  return (
    <figure class="activity-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
        <line x1={LEFT} x2={WIDTH} y1={plot} y2={plot} class="axis" />
        <text x={LEFT - 4} y={10} class="tick" text-anchor="end">
          {max}
        </text>
        <text x={LEFT - 4} y={plot} class="tick" text-anchor="end">
          0
        </text>
        {buckets.map((b, i) => {
          let y = plot;
          const x = LEFT + i * slot;
          return (
            <g key={b.start}>
              <title>{`${hourText(b.start)}: ${statuses.map((s) => `${b.counts[s] ?? 0} ${s}`).join(', ')}`}</title>
              {statuses.map((s) => {
                const n = b.counts[s] ?? 0;
                if (n === 0) return null;
                const h = (n / max) * (plot - 4);
                y -= h;
                return <rect key={s} x={x} y={y} width={bar} height={h} fill={FILL[s] ?? '#9aa3b5'} />;
              })}
              {i % 6 === 0 ? (
                <text x={x} y={HEIGHT - 4} class="tick">
                  {hourText(b.start)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption class="legend">
        {statuses.map((s, i) => (
          <span key={s} data-status={s}>
            <span class="swatch" style={{ background: FILL[s] ?? '#9aa3b5' }} aria-hidden="true" />
            <span aria-hidden="true">{STATUS_ICON[s] ?? ''} </span>
            {s} <strong>{totals[i]}</strong>
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
