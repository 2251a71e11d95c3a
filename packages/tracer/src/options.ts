import { dataRiskProblems, environmentVariable, MAX_BULK_ITEMS, OptionChecks, shownValue, type DataRiskDeclaration } from '@agentspan/client';

/** A span type the instance's schema version declares: the server validates payloads against it. */
export interface SpanTypeDefinition {
  name: string;
  params_schema: Record<string, unknown>;
  result_schema?: Record<string, unknown>;
  title?: string;
  description?: string;
  template?: string;
  /**
   * What spans of this type touch, declared for risk scoring (sent as `data_risk`): the actions
   * they perform and the data categories flowing in and out. Anything left out is `unknown`.
   */
  dataRisk?: DataRiskDeclaration;
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

const check = new OptionChecks(fail);

function text(field: string, value: unknown, hint: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') fail(`${field} must be a non-empty string: ${hint}; got ${shownValue(value)}`);
  return value as string;
}

function integer(field: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`${field} must be an integer from ${min} to ${max}; got ${shownValue(value)}`);
  }
  return value as number;
}

function flag(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(`${field} must be true or false; got ${shownValue(value)}`);
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
    // Checked here: the server would refuse the whole schema version, and with it every span of the run.
    const { dataRisk } = type as SpanTypeDefinition;
    if (dataRisk !== undefined) {
      const [problem] = dataRiskProblems(dataRisk);
      if (problem) failAt(`[${index}].dataRisk${problem.path ? `.${problem.path}` : ''} ("${name}") ${problem.message}`);
    }
    seen.add(name);
  });
  return value as SpanTypeDefinition[];
}

function logger(value: unknown): TracerLogger {
  if (value === undefined) return console;
  if (typeof (value as TracerLogger | null)?.warn !== 'function') fail('logger must be an object with a warn(message) method, such as console');
  return value as TracerLogger;
}

function sampleRate(value: unknown): number {
  if (value === undefined) return 1;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    fail(`sampleRate must be a number from 0 (trace nothing) to 1 (trace every instance); got ${shownValue(value)}`);
  }
  return value as number;
}

/** Every option checked once, so that a mistake is an error at createTracer, never a silent loss later. */
export function resolveTracerOptions(input: TracerOptions): ResolvedTracerOptions {
  if (typeof input !== 'object' || input === null) fail('expected an options object, e.g. createTracer({ agent: { name, version } })');
  check.knownKeys(input, KNOWN_OPTIONS);
  const initialRetryDelay = check.milliseconds('initialRetryDelay', input.initialRetryDelay, TRACER_DEFAULTS.initialRetryDelay, 'non-negative');
  const maxRetryDelay = check.milliseconds('maxRetryDelay', input.maxRetryDelay, TRACER_DEFAULTS.maxRetryDelay, 'non-negative');
  check.retryDelays(initialRetryDelay, maxRetryDelay);
  const batchSize = integer('batchSize', input.batchSize, TRACER_DEFAULTS.batchSize, 1, MAX_BULK_ITEMS);
  const maxQueueSize = integer('maxQueueSize', input.maxQueueSize, TRACER_DEFAULTS.maxQueueSize, 1, Number.MAX_SAFE_INTEGER);
  if (maxQueueSize < batchSize) {
    fail(`maxQueueSize (${maxQueueSize}) must be at least batchSize (${batchSize}); raise maxQueueSize or lower batchSize`);
  }
  return Object.freeze({
    // Checked by the client, with the same fallbacks to the environment.
    apiUrl: input.apiUrl,
    apiToken: input.apiToken,
    agent: agent(input.agent),
    agentId: text(
      'agentId',
      input.agentId ?? environmentVariable('PREFACTOR_AGENT_ID'),
      'pass the agent id or leave it out with a deployment-scoped token',
    ),
    environmentId: text('environmentId', input.environmentId, 'pass an environment id or leave it out'),
    spanTypes: checkSpanTypes(input.spanTypes),
    batchSize,
    flushInterval: check.milliseconds('flushInterval', input.flushInterval, TRACER_DEFAULTS.flushInterval, 'positive'),
    maxQueueSize,
    pollInterval: check.milliseconds('pollInterval', input.pollInterval, TRACER_DEFAULTS.pollInterval, 'non-negative'),
    initialRetryDelay,
    maxRetryDelay,
    requestTimeout: check.milliseconds('requestTimeout', input.requestTimeout, TRACER_DEFAULTS.requestTimeout, 'positive'),
    shutdownTimeout: check.milliseconds('shutdownTimeout', input.shutdownTimeout, TRACER_DEFAULTS.shutdownTimeout, 'positive'),
    redact: check.optionalFunction<(payload: Payload) => Payload>('redact', input.redact, 'a function (payload) => payload'),
    sampleRate: sampleRate(input.sampleRate),
    enabled: flag('enabled', input.enabled, true),
    captureStacks: flag('captureStacks', input.captureStacks, true),
    exitHooks: flag('exitHooks', input.exitHooks, true),
    logger: logger(input.logger),
    fetch: check.optionalFunction<typeof fetch>('fetch', input.fetch, 'a fetch function'),
  });
}
