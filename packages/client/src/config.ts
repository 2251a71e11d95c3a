import { PrefactorClientError } from './errors/client-error.js';
import { buildRetryPolicy, type RetryJitter, type RetryPolicy } from './retry-policy.js';
import { delay, type Sleep } from './delay.js';
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

// Timers overflow above this and fire at once.
const MAX_TIMER_MS = 2_147_483_647;

const fail = (message: string): never => {
  throw new PrefactorClientError(`Invalid PrefactorHttpClient config: ${message}`);
};

const shown = (value: unknown) => (typeof value === 'string' ? `"${value}"` : String(value));

function environment(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name];
  return value === '' ? undefined : value;
}

function resolveApiUrl(value: unknown): string {
  const raw = value ?? environment('PREFACTOR_API_URL');
  if (raw === undefined || raw === null || raw === '') {
    return fail('apiUrl is required: pass apiUrl (e.g. "https://app.prefactorai.com") or set PREFACTOR_API_URL');
  }
  if (typeof raw !== 'string') return fail(`apiUrl must be a string URL; got ${typeof raw}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail(`apiUrl must be an absolute http(s) URL such as "https://app.prefactorai.com"; got ${shown(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return fail(`apiUrl must use http or https; got ${shown(raw)}`);
  }
  if (url.search !== '' || url.hash !== '') {
    return fail(`apiUrl must not carry a query or fragment; got ${shown(raw)}`);
  }
  return url.href.replace(/\/+$/, '');
}

function resolveApiToken(value: unknown): string {
  const raw = value ?? environment('PREFACTOR_API_TOKEN');
  if (raw === undefined || raw === null) {
    return fail('apiToken is required: pass apiToken or set PREFACTOR_API_TOKEN');
  }
  if (typeof raw !== 'string' || raw.trim() === '') {
    return fail('apiToken must be a non-empty string: pass apiToken or set PREFACTOR_API_TOKEN');
  }
  if (/[\r\n]/.test(raw)) return fail('apiToken must not contain line breaks');
  return raw;
}

function number(field: string, value: unknown, fallback: number, rule: 'positive' | 'non-negative'): number {
  if (value === undefined) return fallback;
  const ok = typeof value === 'number' && Number.isFinite(value) && (rule === 'positive' ? value > 0 : value >= 0);
  if (!ok) fail(`${field} must be a ${rule} number of milliseconds; got ${shown(value)}`);
  if ((value as number) > MAX_TIMER_MS) fail(`${field} must be at most ${MAX_TIMER_MS} ms; got ${shown(value)}`);
  return value as number;
}

function maxRetries(value: unknown): number {
  if (value === undefined) return DEFAULT_CONFIG.maxRetries;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    return fail(`maxRetries must be a non-negative integer (0 disables retries); got ${shown(value)}`);
  }
  return value;
}

function retryMultiplier(value: unknown): number {
  if (value === undefined) return DEFAULT_CONFIG.retryMultiplier;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1) {
    return fail(`retryMultiplier must be a number >= 1; got ${shown(value)}`);
  }
  return value;
}

function retryStatuses(value: unknown): readonly number[] {
  if (value === undefined) return DEFAULT_CONFIG.retryOnStatusCodes;
  const ok = Array.isArray(value) && value.every((s) => Number.isInteger(s) && s >= 100 && s <= 599);
  if (!ok) return fail(`retryOnStatusCodes must be an array of HTTP status codes (100-599); got ${shown(value)}`);
  return value as number[];
}

function retryJitter(value: unknown): RetryJitter {
  if (value === undefined) return DEFAULT_CONFIG.retryJitter;
  if (value !== 'full' && value !== 'equal') return fail(`retryJitter must be "full" or "equal"; got ${shown(value)}`);
  return value;
}

function optionalFunction<T>(field: string, value: unknown): T | undefined {
  if (value !== undefined && typeof value !== 'function') fail(`${field} must be a function; got ${typeof value}`);
  return value as T | undefined;
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
  const unknown = Object.keys(input).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length > 0) {
    fail(`unknown option ${unknown.map((k) => `"${k}"`).join(', ')}; known options: ${[...KNOWN_KEYS].join(', ')}`);
  }
  const initialRetryDelay = number('initialRetryDelay', input.initialRetryDelay, DEFAULT_CONFIG.initialRetryDelay, 'non-negative');
  const maxRetryDelay = number('maxRetryDelay', input.maxRetryDelay, DEFAULT_CONFIG.maxRetryDelay, 'non-negative');
  if (initialRetryDelay > maxRetryDelay) {
    fail(`initialRetryDelay (${initialRetryDelay}) must not exceed maxRetryDelay (${maxRetryDelay})`);
  }
  if (input.fetch !== undefined && input.transport !== undefined) {
    fail('pass either fetch or transport, not both');
  }
  return Object.freeze({
    baseUrl: resolveApiUrl(input.apiUrl),
    apiToken: resolveApiToken(input.apiToken),
    requestTimeout: number('requestTimeout', input.requestTimeout, DEFAULT_CONFIG.requestTimeout, 'positive'),
    connectTimeout: number('connectTimeout', input.connectTimeout, DEFAULT_CONFIG.connectTimeout, 'positive'),
    retry: buildRetryPolicy({
      maxRetries: maxRetries(input.maxRetries),
      initialDelay: initialRetryDelay,
      maxDelay: maxRetryDelay,
      multiplier: retryMultiplier(input.retryMultiplier),
      statuses: retryStatuses(input.retryOnStatusCodes),
      jitter: retryJitter(input.retryJitter),
      random: optionalFunction<() => number>('random', input.random) ?? Math.random,
    }),
    fetch: optionalFunction<typeof fetch>('fetch', input.fetch),
    transport: transport(input.transport),
    sdkHeader: sdkHeader(input.sdkHeaderPrefix),
    sleep: optionalFunction<Sleep>('sleep', input.sleep) ?? delay,
  });
}
