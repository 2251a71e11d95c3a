import type { FinishStatus } from '@agentspan/client';

/** A span type the instance's schema version declares: the server validates payloads against it. */
export interface SpanTypeDefinition {
  name: string;
  params_schema: Record<string, unknown>;
  result_schema?: Record<string, unknown>;
  title?: string;
  description?: string;
  template?: string;
}

/** Where the tracer's own warnings go (rejected items, a full queue, unsent items at shutdown). */
export interface TracerLogger {
  warn(message: string): void;
}

export type Payload = Record<string, unknown>;

/** Times are in milliseconds. */
export interface TracerOptions {
  /** Falls back to `PREFACTOR_API_URL`. */
  apiUrl?: string;
  /** Falls back to `PREFACTOR_API_TOKEN`. */
  apiToken?: string;
  /** Registered as the instance's agent version: `name`, and `version` as its external identifier. */
  agent: { name: string; version: string };
  /** Needed with an account-scoped token. Falls back to `PREFACTOR_AGENT_ID`. */
  agentId?: string;
  environmentId?: string;
  spanTypes?: SpanTypeDefinition[];
  /** Most items per bulk request (1-1000). */
  batchSize?: number;
  /** Longest wait before queued items are sent; a full batch goes at once. */
  flushInterval?: number;
  /** Most items held while they wait (or while the backend is down); newer ones are dropped. */
  maxQueueSize?: number;
  /** How often the instance is checked for termination while spans are open; 0 turns polling off. */
  pollInterval?: number;
  /** First wait before a failed batch is sent again; doubles on each failure. */
  initialRetryDelay?: number;
  /** Longest wait between attempts; also caps a `Retry-After`. */
  maxRetryDelay?: number;
  /** Longest wait for one bulk request's answer. */
  requestTimeout?: number;
  /** The bound of the `shutdown()` run by exit hooks (beforeExit, uncaught exceptions). */
  shutdownTimeout?: number;
  /** Applied to every payload and result before it is queued; a throw replaces the value with a marker. */
  redact?: (payload: Payload) => Payload;
  /** Share of instances traced, in [0, 1]; decided once per tracer. */
  sampleRate?: number;
  /** false: every call is a no-op that still runs the callback. */
  enabled?: boolean;
  /** false: a failed span's `result_payload.error` carries no stack. */
  captureStacks?: boolean;
  /** Node: flush on `beforeExit`, and mark open spans failed on an uncaught exception. */
  exitHooks?: boolean;
  logger?: TracerLogger;
  /** Send through this `fetch` instead of the runtime's default transport. */
  fetch?: typeof fetch;
}

export interface ResolvedTracerOptions {
  readonly apiUrl: string | undefined;
  readonly apiToken: string | undefined;
  readonly agent: { readonly name: string; readonly version: string };
  readonly agentId: string | undefined;
  readonly environmentId: string | undefined;
  readonly spanTypes: readonly SpanTypeDefinition[];
  readonly batchSize: number;
  readonly flushInterval: number;
  readonly maxQueueSize: number;
  readonly pollInterval: number;
  readonly initialRetryDelay: number;
  readonly maxRetryDelay: number;
  readonly requestTimeout: number;
  readonly shutdownTimeout: number;
  readonly redact: ((payload: Payload) => Payload) | undefined;
  readonly sampleRate: number;
  readonly enabled: boolean;
  readonly captureStacks: boolean;
  readonly exitHooks: boolean;
  readonly logger: TracerLogger;
  readonly fetch: typeof fetch | undefined;
}

export const TRACER_DEFAULTS = {
  batchSize: 100,
  flushInterval: 1_000,
  maxQueueSize: 10_000,
  pollInterval: 30_000,
  initialRetryDelay: 500,
  maxRetryDelay: 30_000,
  requestTimeout: 30_000,
  shutdownTimeout: 5_000,
} as const;

export const FINISH_STATUSES: readonly FinishStatus[] = ['complete', 'failed', 'cancelled'];

/** The bulk endpoint's limit on items per request. */
const MAX_BATCH_SIZE = 1000;
// Timers overflow above this and fire at once.
const MAX_TIMER_MS = 2_147_483_647;

const KNOWN_OPTIONS = [
  'apiUrl',
  'apiToken',
  'agent',
  'agentId',
  'environmentId',
  'spanTypes',
  'batchSize',
  'flushInterval',
  'maxQueueSize',
  'pollInterval',
  'initialRetryDelay',
  'maxRetryDelay',
  'requestTimeout',
  'shutdownTimeout',
  'redact',
  'sampleRate',
  'enabled',
  'captureStacks',
  'exitHooks',
  'logger',
  'fetch',
] as const;

/** A mistake in the options given to `createTracer`: the message names the option and what to do. */
export class TracerConfigError extends Error {
  override name = 'TracerConfigError';
}

const fail = (message: string): never => {
  throw new TracerConfigError(`createTracer: ${message}`);
};

const shown = (value: unknown) => (typeof value === 'string' ? `"${value}"` : String(value));

function environment(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name];
  return value === '' ? undefined : value;
}

function text(field: string, value: unknown, hint: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') fail(`${field} must be a non-empty string: ${hint}; got ${shown(value)}`);
  return value as string;
}

function integer(field: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`${field} must be an integer from ${min} to ${max}; got ${shown(value)}`);
  }
  return value as number;
}

function milliseconds(field: string, value: unknown, fallback: number, rule: 'positive' | 'non-negative'): number {
  if (value === undefined) return fallback;
  const ok = typeof value === 'number' && Number.isFinite(value) && (rule === 'positive' ? value > 0 : value >= 0);
  if (!ok || value > MAX_TIMER_MS) {
    fail(`${field} must be a ${rule} number of milliseconds, at most ${MAX_TIMER_MS}; got ${shown(value)}`);
  }
  return value as number;
}

function flag(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(`${field} must be true or false; got ${shown(value)}`);
  return value as boolean;
}

function agent(value: unknown): { name: string; version: string } {
  const given = value as { name?: unknown; version?: unknown } | undefined;
  if (typeof given !== 'object' || given === null) {
    return fail('agent is required: pass agent: { name: "my-agent", version: "1.0.0" }');
  }
  // Absent counts as empty here: both are required.
  const name = text('agent.name', given.name ?? '', 'name the agent, e.g. "support-bot"')!;
  const version = text('agent.version', given.version ?? '', 'pass the agent\'s version, e.g. "1.4.0"')!;
  return Object.freeze({ name, version });
}

/**
 * Span type definitions checked: each named, with a params_schema object, no name twice. `call`
 * names the caller in the error (createTracer's option, or declareSpanTypes).
 */
export function checkSpanTypes(value: unknown, call = 'createTracer: spanTypes'): readonly SpanTypeDefinition[] {
  const failAt = (message: string): never => {
    throw new TracerConfigError(`${call}${message}`);
  };
  if (value === undefined) return [];
  if (!Array.isArray(value)) return failAt(' must be an array of { name, params_schema, … }');
  const seen = new Set<string>();
  value.forEach((type: Partial<SpanTypeDefinition> | null, index) => {
    if (typeof type !== 'object' || type === null || typeof type.name !== 'string' || type.name === '') {
      failAt(`[${index}] needs a name such as "agent:llm"`);
    }
    const { name, params_schema: params } = type as SpanTypeDefinition;
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      failAt(`[${index}] ("${name}") needs params_schema, a JSON Schema object such as { type: "object" }`);
    }
    if (seen.has(name)) failAt(`[${index}] repeats the name "${name}"; each span type needs its own`);
    seen.add(name);
  });
  return value as SpanTypeDefinition[];
}

function optionalFunction<T>(field: string, value: unknown, what: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') fail(`${field} must be ${what}; got ${typeof value}`);
  return value as T | undefined;
}

function logger(value: unknown): TracerLogger {
  if (value === undefined) return console;
  if (typeof (value as TracerLogger | null)?.warn !== 'function') fail('logger must be an object with a warn(message) method, such as console');
  return value as TracerLogger;
}

function sampleRate(value: unknown): number {
  if (value === undefined) return 1;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    fail(`sampleRate must be a number from 0 (trace nothing) to 1 (trace every instance); got ${shown(value)}`);
  }
  return value as number;
}

/** Every option checked once, so that a mistake is an error at createTracer, never a silent loss later. */
export function resolveTracerOptions(input: TracerOptions): ResolvedTracerOptions {
  if (typeof input !== 'object' || input === null) fail('expected an options object, e.g. createTracer({ agent: { name, version } })');
  const unknown = Object.keys(input).filter((key) => !(KNOWN_OPTIONS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    fail(`unknown option ${unknown.map((k) => `"${k}"`).join(', ')}; known options: ${KNOWN_OPTIONS.join(', ')}`);
  }
  const initialRetryDelay = milliseconds('initialRetryDelay', input.initialRetryDelay, TRACER_DEFAULTS.initialRetryDelay, 'non-negative');
  const maxRetryDelay = milliseconds('maxRetryDelay', input.maxRetryDelay, TRACER_DEFAULTS.maxRetryDelay, 'non-negative');
  if (initialRetryDelay > maxRetryDelay) {
    fail(`initialRetryDelay (${initialRetryDelay}) must not exceed maxRetryDelay (${maxRetryDelay}); raise maxRetryDelay or lower initialRetryDelay`);
  }
  const batchSize = integer('batchSize', input.batchSize, TRACER_DEFAULTS.batchSize, 1, MAX_BATCH_SIZE);
  const maxQueueSize = integer('maxQueueSize', input.maxQueueSize, TRACER_DEFAULTS.maxQueueSize, 1, Number.MAX_SAFE_INTEGER);
  if (maxQueueSize < batchSize) {
    fail(`maxQueueSize (${maxQueueSize}) must be at least batchSize (${batchSize}); raise maxQueueSize or lower batchSize`);
  }
  return Object.freeze({
    // Checked by the client, with the same fallbacks to the environment.
    apiUrl: input.apiUrl,
    apiToken: input.apiToken,
    agent: agent(input.agent),
    agentId: text('agentId', input.agentId ?? environment('PREFACTOR_AGENT_ID'), 'pass the agent id or leave it out with a deployment-scoped token'),
    environmentId: text('environmentId', input.environmentId, 'pass an environment id or leave it out'),
    spanTypes: checkSpanTypes(input.spanTypes),
    batchSize,
    flushInterval: milliseconds('flushInterval', input.flushInterval, TRACER_DEFAULTS.flushInterval, 'positive'),
    maxQueueSize,
    pollInterval: milliseconds('pollInterval', input.pollInterval, TRACER_DEFAULTS.pollInterval, 'non-negative'),
    initialRetryDelay,
    maxRetryDelay,
    requestTimeout: milliseconds('requestTimeout', input.requestTimeout, TRACER_DEFAULTS.requestTimeout, 'positive'),
    shutdownTimeout: milliseconds('shutdownTimeout', input.shutdownTimeout, TRACER_DEFAULTS.shutdownTimeout, 'positive'),
    redact: optionalFunction<(payload: Payload) => Payload>('redact', input.redact, 'a function (payload) => payload'),
    sampleRate: sampleRate(input.sampleRate),
    enabled: flag('enabled', input.enabled, true),
    captureStacks: flag('captureStacks', input.captureStacks, true),
    exitHooks: flag('exitHooks', input.exitHooks, true),
    logger: logger(input.logger),
    fetch: optionalFunction<typeof fetch>('fetch', input.fetch, 'a fetch function'),
  });
}
