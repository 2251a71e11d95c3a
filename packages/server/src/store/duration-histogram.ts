/*
 * Durations as the rollups keep them: a count per logarithmic bucket, so a percentile over any
 * number of spans is read from a few hundred counters. Bucket 0 holds durations under a
 * microsecond; bucket b ≥ 1 holds [R^(b-1), R^b) µs and stands for its geometric midpoint, which
 * is within √R − 1 ≈ 1.5 % of every duration in it (R = 1.03: inside the 2 % the API promises,
 * with room for the rounding of the bucket edges).
 *
 * A histogram is stored as a dense run of counts from its lowest bucket on, not as JSON: on SQLite
 * a BLOB of little-endian int32s (the lowest bucket first, then its counts), on PostgreSQL an
 * int[] whose lower bound is the lowest bucket. A write that adds one duration merges a
 * one-bucket run into the stored one; nothing is parsed as text on a write.
 */

export const BUCKET_RATIO = 1.03;
const LN_RATIO = Math.log(BUCKET_RATIO);

/** A duration's bucket (µs; negative durations count as 0, as a finish before the start is clamped). */
export function bucketOf(micros: number): number {
  if (!(micros >= 1)) return 0;
  return 1 + Math.floor(Math.log(micros) / LN_RATIO);
}

/** The duration (ms) a bucket stands for. */
export const bucketValueMs = (bucket: number): number => (bucket <= 0 ? 0 : Math.pow(BUCKET_RATIO, bucket - 0.5) / 1000);

/** Microseconds of a canonical timestamp (`2024-05-01T12:34:56.123456Z`). */
export function timestampMicros(text: string): number {
  const seconds = Date.parse(`${text.slice(0, 19)}Z`);
  // The canonical form (every stored time): six digits of fraction, read without a pattern.
  if (text.length === 27 && text.charCodeAt(19) === 46) return seconds * 1000 + Number(text.slice(20, 26));
  const fraction = /^\.(\d+)/.exec(text.slice(19))?.[1] ?? '';
  return seconds * 1000 + Number(`${fraction}000000`.slice(0, 6));
}

const CANONICAL_LENGTH = 27;
const digit = (text: string, i: number) => text.charCodeAt(i) - 48;

/** Microseconds since midnight of a canonical timestamp, read digit by digit. */
function microsOfDay(text: string): number {
  const seconds =
    (digit(text, 11) * 10 + digit(text, 12)) * 3600 + (digit(text, 14) * 10 + digit(text, 15)) * 60 + digit(text, 17) * 10 + digit(text, 18);
  let fraction = 0;
  for (let i = 20; i < 26; i++) fraction = fraction * 10 + digit(text, i);
  return seconds * 1_000_000 + fraction;
}

/**
 * A finished span's (or run's) duration in µs, from its canonical start and finish. Most spans
 * start and finish on one day: their times of day are subtracted without parsing a date (every
 * write of a span works this out, so it sits on the write path).
 */
export function durationMicros(startedAt: string, finishedAt: string): number {
  if (startedAt.length === CANONICAL_LENGTH && finishedAt.length === CANONICAL_LENGTH && finishedAt.startsWith(startedAt.slice(0, 11))) {
    return Math.max(0, microsOfDay(finishedAt) - microsOfDay(startedAt));
  }
  return Math.max(0, timestampMicros(finishedAt) - timestampMicros(startedAt));
}

/** Counts by bucket. */
export type Histogram = Map<number, number>;

export function addInto(into: Histogram, from: Histogram, sign = 1): Histogram {
  for (const [bucket, n] of from) into.set(bucket, (into.get(bucket) ?? 0) + sign * n);
  return into;
}

/** A histogram as SQLite keeps it; null when every count is zero. */
export function encodeHistogram(histogram: Histogram): Buffer | null {
  let low = Infinity;
  let high = -Infinity;
  for (const [bucket, n] of histogram) {
    if (n === 0) continue;
    if (bucket < low) low = bucket;
    if (bucket > high) high = bucket;
  }
  if (low > high) return null;
  const words = new Int32Array(high - low + 2);
  words[0] = low;
  for (const [bucket, n] of histogram) if (n !== 0) words[bucket - low + 1] = n;
  return Buffer.from(words.buffer);
}

/** A stored histogram's counts added into `into`. */
export function decodeHistogramInto(into: Histogram, blob: Uint8Array | null | undefined): Histogram {
  if (!blob || blob.byteLength < 8) return into;
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const low = view.getInt32(0, true);
  for (let i = 1; i < blob.byteLength / 4; i++) {
    const n = view.getInt32(i * 4, true);
    if (n !== 0) into.set(low + i - 1, (into.get(low + i - 1) ?? 0) + n);
  }
  return into;
}

/** Two stored histograms summed (SQLite's `agentspan_hist_add`). */
export function addEncoded(a: Uint8Array | null, b: Uint8Array | null): Buffer | null {
  if (a === null || b === null) return a === null ? (b === null ? null : Buffer.from(b)) : Buffer.from(a);
  return encodeHistogram(decodeHistogramInto(decodeHistogramInto(new Map(), a), b));
}

/** PostgreSQL's text of an int[] (`[5:7]={1,NULL,3}` or `{1,2}`) added into `into`. */
export function parsePostgresHistogramInto(into: Histogram, text: string | null | undefined): Histogram {
  if (!text) return into;
  const bounds = /^\[(-?\d+):-?\d+\]=/.exec(text);
  const low = bounds ? Number(bounds[1]) : 1;
  const body = text.slice(bounds ? bounds[0].length : 0).replace(/[{}]/g, '');
  if (body === '') return into;
  body.split(',').forEach((value, i) => {
    if (value === 'NULL') return;
    const n = Number(value);
    if (n !== 0) into.set(low + i, (into.get(low + i) ?? 0) + n);
  });
  return into;
}

/**
 * The q-quantile (0 < q ≤ 1) by nearest rank: the value of the ⌈q·n⌉-th smallest duration, as its
 * bucket's midpoint; null when there are none.
 */
export function quantileMs(histogram: Histogram, q: number): number | null {
  let total = 0;
  for (const n of histogram.values()) total += n;
  if (total <= 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const bucket of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(bucket)!;
    if (seen >= rank) return bucketValueMs(bucket);
  }
  return null;
}
