import type { Granularity } from '../api/analytics.js';
import { Legend } from './legend.js';
import type { Series } from './series.js';
import { HEIGHT, LEFT, PLOT, TimeTicks, ValueAxis, WIDTH, bucketText } from './time-axis.js';

/**
 * Values per time bucket as lines, in plain SVG: a bucket without a value (no data) breaks the
 * line rather than reading as zero; each point's title gives its value in words.
 */
export function LineChart({
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
  values: Array<Record<string, number | null>>;
  format: (n: number) => string;
  label: string;
}) {
  const all = values.flatMap((v) => series.map((s) => v[s.key])).filter((n): n is number => typeof n === 'number');
  const max = Math.max(...all, 0);
  const top = max > 0 ? max : 1;
  const slot = (WIDTH - LEFT) / Math.max(1, buckets.length);
  const x = (i: number) => LEFT + i * slot + slot / 2;
  const y = (n: number) => PLOT - (n / top) * (PLOT - 6);
  const many = granularity === 'hour' && buckets.length > 48;
  return (
    <figure class="time-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
        <ValueAxis max={max} format={format} />
        {/* Drawn last to first: where values meet (one run in a bucket has p50 = p99), the first series shows. */}
        {[...series].reverse().map((s) => {
          // Runs of consecutive buckets with a value, each drawn as one line.
          const runs: Array<Array<[number, number]>> = [];
          let run: Array<[number, number]> = [];
          values.forEach((v, i) => {
            const n = v[s.key];
            if (typeof n === 'number') run.push([i, n]);
            else if (run.length) {
              runs.push(run);
              run = [];
            }
          });
          if (run.length) runs.push(run);
          return (
            <g key={s.key} class="line" stroke={s.color} fill={s.color}>
              {runs.map((r) => (
                <polyline key={r[0]![0]} fill="none" stroke-width={2} points={r.map(([i, n]) => `${x(i)},${y(n)}`).join(' ')} />
              ))}
              {runs.flat().map(([i, n]) => (
                <circle key={i} cx={x(i)} cy={y(n)} r={2.5}>
                  <title>{`${bucketText(buckets[i]!, granularity, many)}: ${s.label} ${format(n)}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
        <TimeTicks buckets={buckets} granularity={granularity} />
      </svg>
      <Legend series={series} />
    </figure>
  );
}
