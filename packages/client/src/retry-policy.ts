import { PrefactorApiError } from './errors/api-error.js';
import { PrefactorConnectionError } from './errors/connection-error.js';
import type { PrefactorHttpError } from './errors/http-error.js';
import { PrefactorResponseContractError } from './errors/response-contract-error.js';

export type RetryJitter = 'full' | 'equal';

/** When to retry and how long to wait, as plain data built once per client. */
export interface RetryPolicy {
  readonly maxRetries: number;
  readonly initialDelay: number;
  readonly maxDelay: number;
  readonly multiplier: number;
  readonly statuses: ReadonlySet<number>;
  readonly jitter: RetryJitter;
  readonly random: () => number;
}

export interface RetryPolicyOptions extends Omit<RetryPolicy, 'statuses'> {
  readonly statuses: readonly number[];
}

/** The shape of exponential backoff: the first wait, its growth per retry, its cap, and the jitter. */
export type Backoff = Pick<RetryPolicy, 'initialDelay' | 'maxDelay' | 'multiplier' | 'jitter' | 'random'>;

export function buildRetryPolicy(options: RetryPolicyOptions): RetryPolicy {
  return Object.freeze({ ...options, statuses: new Set(options.statuses) });
}

/** Network failures and timeouts always; answers only when their status is configured as retryable. */
export function isRetryable(policy: RetryPolicy, error: PrefactorHttpError): boolean {
  if (error instanceof PrefactorConnectionError) return true;
  if (error instanceof PrefactorApiError || error instanceof PrefactorResponseContractError) {
    return policy.statuses.has(error.statusCode);
  }
  return false;
}

/** Wait before retry number `retryIndex` (0 for the first retry): exponential, capped, jittered. */
export function backoffDelay(backoff: Backoff, retryIndex: number): number {
  const ceiling = Math.min(backoff.maxDelay, backoff.initialDelay * backoff.multiplier ** retryIndex);
  const random = backoff.random();
  return backoff.jitter === 'full' ? random * ceiling : ceiling / 2 + (random * ceiling) / 2;
}

const SECONDS = /^\s*\d+(\.\d+)?\s*$/;

/**
 * The wait a `Retry-After` header asks for (delay-seconds or an HTTP date), capped at
 * `maxDelay`; undefined when the header is absent or unreadable, so backoff applies.
 */
export function retryAfterDelay(
  policy: Pick<RetryPolicy, 'maxDelay'>,
  header: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return undefined;
  let wait: number;
  if (SECONDS.test(value)) {
    wait = Number(value) * 1000;
  } else {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return undefined;
    wait = Math.max(0, at - now);
  }
  return Math.min(wait, policy.maxDelay);
}
