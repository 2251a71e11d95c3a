// Summaries of one measured run, and the combination of repeated runs into one figure.

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Throughput and latency of one run: `latenciesMs` holds one entry per successful request. */
export function summarise(latenciesMs, elapsedMs, units = latenciesMs.length) {
  const sorted = Float64Array.from(latenciesMs).sort();
  return {
    count: latenciesMs.length,
    perSecond: (units / elapsedMs) * 1000,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    elapsedMs,
  };
}

/** Median of each metric over repeated runs of one measurement. */
export function medianRun(runs) {
  return {
    perSecond: median(runs.map((r) => r.perSecond)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    runs: runs.length,
    perSecondRuns: runs.map((r) => round(r.perSecond, 1)),
  };
}

export function round(value, digits = 3) {
  if (!Number.isFinite(value)) return value;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
