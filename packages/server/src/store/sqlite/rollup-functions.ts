import type { Database } from 'better-sqlite3';
import { addEncoded, bucketOf, decodeHistogramInto, durationMicros, encodeHistogram, type Histogram } from '../duration-histogram.js';

const blob = (value: unknown) => (value instanceof Uint8Array ? value : null);

/**
 * The functions the rollups' SQL calls, lent to every connection: histograms are merged on the
 * write (`agentspan_hist_add`) and summed on the read (`agentspan_hist_sum`) in their binary form;
 * the migration that fills the rollups buckets durations with the same code as the writes.
 */
export function lendRollupFunctions(db: Database): void {
  db.function('agentspan_hist_add', { deterministic: true }, (a: unknown, b: unknown) => addEncoded(blob(a), blob(b)));
  db.aggregate('agentspan_hist_sum', {
    start: () => new Map() as Histogram,
    step: (into: Histogram, value: unknown) => {
      decodeHistogramInto(into, blob(value));
    },
    result: (into: Histogram) => encodeHistogram(into),
  });
  // One duration's histogram, or NULL for a span (or run) without one.
  db.function('agentspan_duration_hist', { deterministic: true }, (startedAt: unknown, finishedAt: unknown) =>
    typeof startedAt === 'string' && typeof finishedAt === 'string'
      ? encodeHistogram(new Map([[bucketOf(durationMicros(startedAt, finishedAt)), 1]]))
      : null,
  );
  db.function('agentspan_duration_ms', { deterministic: true }, (startedAt: unknown, finishedAt: unknown) =>
    typeof startedAt === 'string' && typeof finishedAt === 'string' ? durationMicros(startedAt, finishedAt) / 1000 : 0,
  );
}
