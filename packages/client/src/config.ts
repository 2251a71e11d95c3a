import { PrefactorClientError } from './errors/client-error.js';
import { buildRetryPolicy, type RetryJitter, type RetryPolicy } from './retry-policy.js';
import { delay, type Sleep } from './delay.js';
import { environmentVariable, OptionChecks, shownValue } from './option-checks.js';
import type { Transport } from './transport/transport.js';
import { SDK_PACKAGE, SDK_VERSION } from './version.js';

/** Times are in milliseconds. */
export interface PrefactorClientConfig {
  /** Base URL of the API, e.g. `https://app.prefactorai.com`. Falls back to `PREFACTOR_API_URL`. */
  apiUrl?: string;
  /** Bearer token. Falls back to `PREFACTOR_API_TOKEN`. */
  apiToken?: string;
  requestTimeout?: number;
  connectTimeout?: number;
  maxRetries?: number;
  initialRetryDelay?: number;
  maxRetryDelay?: number;
  retryMultiplier?: number;
  retryOnStatusCodes?: readonly number[];
  /** `equal` (default) waits between half and all of the backoff; `full` anywhere from zero to all of it. */
  retryJitter?: RetryJitter;
  /** Send through this `fetch` instead of the runtime's default transport. */
  fetch?: typeof fetch;
  /** Send through this transport instead (for custom HTTP stacks). */
  transport?: Transport;
  /** Prepended to the `X-Prefactor-SDK` header by libraries layered on this client. */
  sdkHeaderPrefix?: string;
  /** For tests: replaces the wait between retries. Must reject when `signal` aborts. */
  sleep?: Sleep;
  /** For tests: replaces `Math.random` in retry jitter; must return a number in [0, 1). */
  random?: () => number;
}

export interface ResolvedConfig {
  /** `apiUrl` without a trailing slash. */
  readonly baseUrl: string;
  readonly apiToken: string;
  readonly requestTimeout: number;
  readonly connectTimeout: number;
  readonly retry: RetryPolicy;
  readonly fetch: typeof fetch | undefined;
  readonly transport: Transport | undefined;
  readonly sdkHeader: string;
  readonly sleep: Sleep;
}

export const DEFAULT_CONFIG = {
  requestTimeout: 30_000,
  connectTimeout: 10_000,
  maxRetries: 3,
  initialRetryDelay: 1_000,
  maxRetryDelay: 60_000,
  retryMultiplier: 2,
  retryOnStatusCodes: [429, 500, 502, 503, 504],
  retryJitter: 'equal',
} as const;

const KNOWN_KEYS = new Set<string>([
  'apiUrl',
  'apiToken',
  'requestTimeout',
  'connectTimeout',
  'maxRetries',
  'initialRetryDelay',
  'maxRetryDelay',
  'retryMultiplier',
  'retryOnStatusCodes',
  'retryJitter',
  'fetch',
  'transport',
  'sdkHeaderPrefix',
  'sleep',
  'random',
]);

const fail = (message: string): never => {
  throw new PrefactorClientError(`Invalid PrefactorHttpClient config: ${message}`);
};

const check = new OptionChecks(fail);

function resolveApiUrl(value: unknown): string {
  const raw = value ?? environmentVariable('PREFACTOR_API_URL');
  if (raw === undefined || raw === null || raw === '') {
    return fail('apiUrl is required: pass apiUrl (e.g. "https://app.prefactorai.com") or set PREFACTOR_API_URL');
  }
  if (typeof raw !== 'string') return fail(`apiUrl must be a string URL; got ${typeof raw}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(`apiUrl must be an absolute http(s) URL such as "https://app.prefactorai.com"; got ${shownValue(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail(`apiUrl must use http or https; got ${shownValue(raw)}`);
  }
  if (url.search !== '' || url.hash !== '') {
    return fail(`apiUrl must not carry a query or fragment; got ${shownValue(raw)}`);
  }
  return url.href.replace(/\/+$/, '');
}

function resolveApiToken(value: unknown): string {
  const raw = value ?? environmentVariable('PREFACTOR_API_TOKEN');
  if (raw === undefined || raw === null) {
    return fail('apiToken is required: pass apiToken or set PREFACTOR_API_TOKEN');
  }
  if (typeof raw !== 'string' || raw.trim() === '') {
    return fail('apiToken must be a non-empty string: pass apiToken or set PREFACTOR_API_TOKEN');
  }
  if (/[\r\n]/.test(raw)) return fail('apiToken must not contain line breaks');
  return raw;
}

function maxRetries(value: unknown): number {
  if (value === undefined) return DEFAULT_CONFIG.maxRetries;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    return fail(`maxRetries must be a non-negative integer (0 disables retries); got ${shownValue(value)}`);
  }
  return value;
}

function retryMultiplier(value: unknown): number {
  if (value === undefined) return DEFAULT_CONFIG.retryMultiplier;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1) {
    return fail(`retryMultiplier must be a number >= 1; got ${shownValue(value)}`);
  }
  return value;
}

function retryStatuses(value: unknown): readonly number[] {
  if (value === undefined) return DEFAULT_CONFIG.retryOnStatusCodes;
  const ok = Array.isArray(value) && value.every((s) => Number.isInteger(s) && s >= 100 && s <= 599);
  if (!ok) return fail(`retryOnStatusCodes must be an array of HTTP status codes (100-599); got ${shownValue(value)}`);
  return value as number[];
}

function retryJitter(value: unknown): RetryJitter {
  if (value === undefined) return DEFAULT_CONFIG.retryJitter;
  if (value !== 'full' && value !== 'equal') return fail(`retryJitter must be "full" or "equal"; got ${shownValue(value)}`);
  return value;
}

function transport(value: unknown): Transport | undefined {
  if (value === undefined) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- needed: value is unknown, and send and close are read below
  const t = value as Partial<Transport> | null;
  if (typeof t !== 'object' || t === null || typeof t.send !== 'function' || typeof t.close !== 'function') {
    return fail('transport must be an object with send(request) and close() methods');
  }
  return t as Transport;
}

function sdkHeader(prefix: unknown): string {
  const own = `${SDK_PACKAGE}@${SDK_VERSION}`;
  if (prefix === undefined) return own;
  if (typeof prefix !== 'string' || /[\r\n]/.test(prefix)) {
    return fail('sdkHeaderPrefix must be a single-line string such as "my-tracer@1.0.0"');
  }
  return prefix.trim() === '' ? own : `${prefix.trim()} ${own}`;
}

/** Checks every option once, at construction, so requests never re-check or re-derive them. */
export function resolveConfig(input: PrefactorClientConfig = {}): ResolvedConfig {
  if (typeof input !== 'object' || input === null) fail('expected an options object');
  check.knownKeys(input, KNOWN_KEYS);
  const initialRetryDelay = check.milliseconds('initialRetryDelay', input.initialRetryDelay, DEFAULT_CONFIG.initialRetryDelay, 'non-negative');
  const maxRetryDelay = check.milliseconds('maxRetryDelay', input.maxRetryDelay, DEFAULT_CONFIG.maxRetryDelay, 'non-negative');
  check.retryDelays(initialRetryDelay, maxRetryDelay);
  if (input.fetch !== undefined && input.transport !== undefined) {
    fail('pass either fetch or transport, not both');
  }
  return Object.freeze({
    baseUrl: resolveApiUrl(input.apiUrl),
    apiToken: resolveApiToken(input.apiToken),
    requestTimeout: check.milliseconds('requestTimeout', input.requestTimeout, DEFAULT_CONFIG.requestTimeout, 'positive'),
    connectTimeout: check.milliseconds('connectTimeout', input.connectTimeout, DEFAULT_CONFIG.connectTimeout, 'positive'),
    retry: buildRetryPolicy({
      maxRetries: maxRetries(input.maxRetries),
      initialDelay: initialRetryDelay,
      maxDelay: maxRetryDelay,
      multiplier: retryMultiplier(input.retryMultiplier),
      statuses: retryStatuses(input.retryOnStatusCodes),
      jitter: retryJitter(input.retryJitter),
      random: check.optionalFunction<() => number>('random', input.random) ?? Math.random,
    }),
    fetch: check.optionalFunction<typeof fetch>('fetch', input.fetch),
    transport: transport(input.transport),
    sdkHeader: sdkHeader(input.sdkHeaderPrefix),
    sleep: check.optionalFunction<Sleep>('sleep', input.sleep) ?? delay,
  });
}
