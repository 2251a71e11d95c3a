import type { Granularity } from '../api/analytics.js';
import type { Series } from './series.js';
import { LEFT, PLOT, ValueAxis, TimeTicks, WIDTH, HEIGHT, bucketText } from './time-axis.js';
import { Legend } from './legend.js';

/**
 * Values per time bucket as stacked bars, in plain SVG (see "Charts" in the README). `values[i]`
 * holds bucket `i`'s value of each series; an absent one is zero. Each bar's title names every
 * series' value in words, and the legend names each series with its total.
 */
export function StackedBars({
  buckets,
  granularity,
  series,
  values,
  format,
  label,
}: {
  buckets: string[];
  granularity: Granularity;
  series: Series[];
  values: Array<Record<string, number>>;
  format: (n: number) => string;
  /** The chart's accessible name: what it shows and its totals in words. */
  label: string;
}) {
  const sums = values.map((v) => series.reduce((sum, s) => sum + (v[s.key] ?? 0), 0));
  const max = Math.max(...sums, 0);
  const top = max > 0 ? max : 1;
  const slot = (WIDTH - LEFT) / Math.max(1, buckets.length);
  const bar = Math.max(1, slot - (slot > 6 ? 2 : 0.5));
  const many = granularity === 'hour' && buckets.length > 48;
  return (
    <figure class="time-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
        <ValueAxis max={max} format={format} />
        {buckets.map((b, i) => {
          if (sums[i] === 0) return null;
          let y = PLOT;
          const v = values[i]!;
          return (
            <g key={b}>
              <title>{`${bucketText(b, granularity, many)}: ${series.map((s) => `${s.label} ${format(v[s.key] ?? 0)}`).join(', ')}`}</title>
              {series.map((s) => {
                const n = v[s.key] ?? 0;
                if (n <= 0) return null;
                const h = (n / top) * (PLOT - 6);
                y -= h;
                return <rect key={s.key} x={LEFT + i * slot} y={y} width={bar} height={h} fill={s.color} />;
              })}
            </g>
          );
        })}
        <TimeTicks buckets={buckets} granularity={granularity} />
      </svg>
      <Legend series={series} />
    </figure>
  );
}
