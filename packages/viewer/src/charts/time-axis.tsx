// What the dashboard's time charts share: their size, the value axis and the time ticks.
import type { Granularity } from '../api/analytics.js';

export const WIDTH = 600;
export const HEIGHT = 170;
export const BOTTOM = 18;
export const LEFT = 56;
export const PLOT = HEIGHT - BOTTOM;

/** How a bucket is named in titles: its hour, or its day when buckets are days or span days. */
export function bucketText(start: string, granularity: Granularity, many: boolean): string {
  const at = new Date(start);
  const day = at.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
  if (granularity !== 'hour') return day;
  const hour = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });
  return many ? `${day} ${hour}` : hour;
}

/** The value axis (its top value and zero) and the base line. */
export function ValueAxis({ max, format }: { max: number; format: (n: number) => string }) {
  return (
    <>
      <line x1={LEFT} x2={WIDTH} y1={PLOT} y2={PLOT} class="axis" />
      <text x={LEFT - 4} y={10} class="tick" text-anchor="end">
        {format(max)}
      </text>
      <text x={LEFT - 4} y={PLOT} class="tick" text-anchor="end">
        {format(0)}
      </text>
    </>
  );
}

/** About six time labels under the plot; at each midnight when hourly buckets span days. */
export function TimeTicks({ buckets, granularity }: { buckets: string[]; granularity: Granularity }) {
  const many = granularity === 'hour' && buckets.length > 48;
  const slot = (WIDTH - LEFT) / Math.max(1, buckets.length);
  const every = Math.max(1, Math.ceil(buckets.length / 6));
  return (
    <>
      {buckets.map((b, i) =>
        (many ? new Date(b).getHours() === 0 : i % every === 0) ? (
          <text key={b} x={LEFT + i * slot} y={HEIGHT - 4} class="tick">
            {bucketText(b, many ? 'day' : granularity, false)}
          </text>
        ) : null,
      )}
    </>
  );
}
