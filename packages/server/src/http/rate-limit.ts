/** At most `requests` per `seconds` for each token. */
export interface RateLimit {
  requests: number;
  seconds: number;
}

const SYNTAX = /^(\d+)\/(\d+(?:\.\d+)?)$/;

/** Reads `<requests>/<seconds>` (e.g. `600/60`); throws a message saying what to write instead. */
export function parseRateLimit(text: string): RateLimit {
  const match = SYNTAX.exec(text.trim());
  const requests = match ? Number(match[1]) : NaN;
  const seconds = match ? Number(match[2]) : NaN;
  if (!match || !Number.isSafeInteger(requests) || requests < 1 || !(seconds > 0) || seconds > 86_400) {
    throw new Error(
      `expected <requests>/<seconds> with at least 1 request and 0 < seconds <= 86400, e.g. 600/60 for 600 requests a minute per token; got "${text}"`,
    );
  }
  return { requests, seconds };
}

interface Bucket {
  tokens: number;
  atMs: number;
}

/** Past this many tokens tracked, full buckets are dropped (a full bucket is the same as none). */
const MAX_BUCKETS = 10_000;

/**
 * A token bucket per API token: `requests` may come at once, then they refill evenly over
 * `seconds`. `take` answers 0 and counts the request, or how many milliseconds until one more is
 * allowed. Kept in memory, per server process.
 */
export class TokenRateLimiter {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(limit: RateLimit, now: () => number = Date.now) {
    this.#capacity = limit.requests;
    this.#perMs = limit.requests / (limit.seconds * 1000);
    this.#now = now;
  }

  take(key: string): number {
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= MAX_BUCKETS) this.#dropFull(now);
      bucket = { tokens: this.#capacity, atMs: now };
      this.#buckets.set(key, bucket);
    } else {
      bucket.tokens = this.#refilled(bucket, now);
      bucket.atMs = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.#perMs);
  }

  #refilled(bucket: Bucket, now: number) {
    return Math.min(this.#capacity, bucket.tokens + (now - bucket.atMs) * this.#perMs);
  }

  #dropFull(now: number) {
    for (const [key, bucket] of this.#buckets) if (this.#refilled(bucket, now) >= this.#capacity) this.#buckets.delete(key);
    if (this.#buckets.size >= MAX_BUCKETS) this.#buckets.clear();
  }
}

/** Retry-After in whole seconds (at least 1) for a wait in milliseconds. */
export const retryAfterSeconds = (waitMs: number) => String(Math.max(1, Math.ceil(waitMs / 1000)));
