import { FINISH_STATUSES, isFinishStatus, PrefactorHttpClient, type FinishStatus } from '@agentspan/client';
import { BulkSender, type DeliveryStats } from './bulk-sender.js';
import { errorPayload } from './error-payload.js';
import { newInstanceId, SpanIds } from './ids.js';
import { finishItem, registerItems } from './instance-items.js';
import { terminationIn } from './item-outcome.js';
import { checkSpanTypes, type Payload, type ResolvedTracerOptions, type SpanTypeDefinition } from './options.js';
import { redactor } from './redaction.js';
import { Span, UNRECORDED_SPAN, type SpanSink } from './span.js';
import type { SpanContext } from './span-context.js';
import { Termination, type TerminateCallback } from './termination.js';
import { unref } from './unref.js';
import { SDK_PACKAGE, SDK_VERSION } from './version.js';

export interface SpanOptions {
  /** The parent span (or its id); `null` for a root span. Default: the current span, where the runtime tracks one. */
  parent?: Span | string | null;
}

export interface FlushOptions {
  /** Stop waiting after this long; what is still queued stays queued. Default: wait until answered. */
  timeoutMs?: number;
}

export interface ShutdownOptions {
  /** The instance's finish status. Default `complete`. */
  status?: FinishStatus;
  /** Longest wait for delivery. Default: the `shutdownTimeout` option (5000). */
  timeoutMs?: number;
}

/** What a flush or shutdown could deliver. */
export interface DeliveryReport {
  /** Everything asked for was answered (stored, or refused and counted in `rejected`). */
  delivered: boolean;
  /** Items still unsent when the wait ended. */
  unsent: number;
}

/** How the tracer meets its runtime: the span context, and hooks into the process's exit. */
export interface TracerRuntime {
  context: SpanContext<Span>;
  /** Returns the unregister function. */
  watchExit?: (tracer: Tracer) => () => void;
  defaultClient(config: ConstructorParameters<typeof PrefactorHttpClient>[0]): PrefactorHttpClient;
}

// Retries end only with success, a refusal, or shutdown; the queue bounds what waits meanwhile.
const UNBOUNDED_RETRIES = Number.MAX_SAFE_INTEGER;

/** Traces one agent instance: spans go to a bounded queue and out through /bulk in the background. */
export class Tracer implements SpanSink {
  /** Client-generated: usable in logs and links before anything was sent. */
  readonly instanceId: string = newInstanceId();
  readonly #options: ResolvedTracerOptions;
  readonly #context: SpanContext<Span>;
  readonly #recording: boolean;
  readonly #termination: Termination;
  readonly #openSpans = new Set<Span>();
  readonly #ids = new SpanIds();
  readonly #redact: (payload: Payload) => Payload;
  readonly #runtime: TracerRuntime;
  readonly #spanTypes: SpanTypeDefinition[];
  #lateTypesWarned = false;
  #sender: BulkSender | null = null;
  #client: PrefactorHttpClient | null = null;
  #pollClient: PrefactorHttpClient | null = null;
  #pollTimer: ReturnType<typeof setInterval> | null = null;
  #polling = false;
  #registered = false;
  #instanceQueued = false;
  #closed = false;
  #shutdown: Promise<DeliveryReport> | null = null;
  #unwatchExit: () => void = () => {};

  constructor(options: ResolvedTracerOptions, runtime: TracerRuntime) {
    this.#options = options;
    this.#runtime = runtime;
    this.#context = runtime.context;
    this.#spanTypes = [...options.spanTypes];
    this.#recording = options.enabled && (options.sampleRate >= 1 || Math.random() < options.sampleRate);
    this.#termination = new Termination((error) =>
      options.logger.warn(`agentspan tracer: an onTerminate callback threw: ${(error as Error)?.stack ?? String(error)}`),
    );
    this.#redact = redactor(options.redact, options.logger);
    if (!this.#recording) return;
    const sender = new BulkSender({
      ...options,
      onStored: (item, output) => {
        if (item._type === 'agent_instances/register') this.#registered = true;
        const terminated = terminationIn(output);
        if (terminated) this.#termination.terminate(terminated.reason);
      },
    });
    this.#client = runtime.defaultClient(
      this.#clientConfig({
        maxRetries: UNBOUNDED_RETRIES,
        initialRetryDelay: options.initialRetryDelay,
        maxRetryDelay: options.maxRetryDelay,
        sleep: sender.retrySleep,
      }),
    );
    const client = this.#client;
    sender.attach((items, signal) => client.bulk.execute({ items }, { signal }));
    this.#sender = sender;
    if (options.exitHooks && runtime.watchExit) this.#unwatchExit = runtime.watchExit(this);
  }

  /** Aborted, with an `AgentTerminatedError`, when an operator terminates the instance. */
  get signal(): AbortSignal {
    return this.#termination.signal;
  }

  /**
   * Adds span types to the instance's schema version, as the `spanTypes` option does; a type whose
   * name is declared already is kept as it was (the first declaration wins). For libraries that
   * trace through this tracer. When no types were declared before, `*` is declared too, so that
   * every other span name is still accepted (unvalidated) by this project's server. The schema version is sent with the first span, so types declared
   * after it are not registered: then this answers false and warns once.
   */
  declareSpanTypes(types: readonly SpanTypeDefinition[]): boolean {
    const known = new Set(this.#spanTypes.map((type) => type.name));
    const added = checkSpanTypes(types, 'declareSpanTypes: types').filter((type) => !known.has(type.name));
    if (added.length === 0) return true;
    if (this.#instanceQueued) {
      if (!this.#lateTypesWarned) {
        this.#lateTypesWarned = true;
        this.#options.logger.warn(
          `agentspan tracer: span types ${added.map((type) => `"${type.name}"`).join(', ')} were declared after the first span, ` +
            "when the schema version was already sent: set them up before tracing starts, or pass them in createTracer's spanTypes option.",
        );
      }
      return false;
    }
    // Declaring types makes the server refuse names it was not told about; the tracer's own user
    // declared none, so their spans keep going through, unvalidated, beside the library's.
    if (this.#spanTypes.length === 0) added.push(ANY_OTHER_SPAN_TYPE);
    this.#spanTypes.push(...added);
    return true;
  }

  /** Runs once when the instance is terminated (at once if it already was). Returns an unsubscribe. */
  onTerminate(callback: TerminateCallback): () => void {
    return this.#termination.onTerminate(callback);
  }

  /** False for a disabled or unsampled tracer, whose calls do nothing but run callbacks. */
  get recording(): boolean {
    return this.#recording;
  }

  get shutdownTimeout(): number {
    return this.#options.shutdownTimeout;
  }

  stats(): DeliveryStats {
    return this.#sender?.stats() ?? { queued: 0, sent: 0, retried: 0, dropped: 0, rejected: 0 };
  }

  /**
   * Runs `fn` inside a new span and resolves or rejects exactly as it does. A throw ends the span
   * `failed` with `result_payload.error`; spans started inside `fn` are its children.
   */
  withSpan<T>(name: string, payload: Payload | undefined, fn: (span: Span) => T | Promise<T>, options?: SpanOptions): Promise<T> {
    if (!this.#recording || this.#closed) return settle(fn, UNRECORDED_SPAN, false);
    const span = this.startSpan(name, payload, options);
    return this.#context.run(span, () => settle(fn, span, this.#options.captureStacks));
  }

  /** A span ended by `span.end()`. The parent defaults to the current span, where the runtime tracks one. */
  startSpan(name: string, payload: Payload = {}, options?: SpanOptions): Span {
    if (!this.#recording || this.#closed) return UNRECORDED_SPAN;
    if (typeof name !== 'string' || name === '') throw new TypeError('startSpan: the span type name must be a non-empty string such as "agent:llm"');
    const sender = this.#sender!;
    if (!this.#instanceQueued) this.#queueInstance(sender);
    const given = options?.parent;
    const parent = given === undefined ? this.#context.current() : given;
    const parentId = typeof parent === 'string' ? parent : parent?.id || null;
    const id = this.#ids.next();
    const queued = sender.enqueue(
      {
        _type: 'agent_spans/create',
        idempotency_key: id,
        id,
        agent_instance_id: this.instanceId,
        schema_name: name,
        status: 'active',
        payload: this.#redact(asPayload(payload)),
        parent_span_id: parentId ?? undefined,
        started_at: new Date().toISOString(),
      },
      id,
    );
    // A span whose create was dropped is still handed out, but its end sends nothing.
    const span = new Span(id, name, parentId, queued ? this : null);
    if (queued) this.#openSpans.add(span);
    return span;
  }

  /** @internal Called by `span.end()`. */
  endSpan(span: Span, status: FinishStatus, result: Payload | undefined): void {
    this.#openSpans.delete(span);
    const sender = this.#sender!;
    const finish = {
      status,
      result_payload: result === undefined ? undefined : this.#redact(asPayload(result)),
      finished_at: new Date().toISOString(),
    };
    if (sender.foldFinish(span.id, finish)) return;
    sender.enqueue({
      _type: 'agent_spans/finish',
      idempotency_key: `${span.id}.finish`,
      agent_span_id: span.id,
      status: finish.status,
      result_payload: finish.result_payload,
      timestamp: finish.finished_at,
    });
  }

  /** Resolves once everything queued before the call is stored or counted as rejected. */
  async flush(options: FlushOptions = {}): Promise<DeliveryReport> {
    const timeoutMs = checkedTimeout('flush', options.timeoutMs, undefined);
    const sender = this.#sender;
    if (sender === null) return { delivered: true, unsent: 0 };
    const delivered = await within(sender.flush(), timeoutMs);
    return { delivered, unsent: delivered ? 0 : sender.pending };
  }

  /**
   * Ends spans still open (`cancelled`, or `failed` with a failed status), finishes the instance,
   * delivers what it can within the timeout, and closes. Later calls answer the first call's report.
   */
  shutdown(options: ShutdownOptions = {}): Promise<DeliveryReport> {
    if (this.#shutdown) return this.#shutdown;
    const status = options.status ?? 'complete';
    if (!isFinishStatus(status)) {
      return Promise.reject(new TypeError(`shutdown: status must be one of ${FINISH_STATUSES.join(', ')}; got ${String(status)}`));
    }
    let timeoutMs: number;
    try {
      timeoutMs = checkedTimeout('shutdown', options.timeoutMs, this.#options.shutdownTimeout)!;
    } catch (error) {
      return Promise.reject(error);
    }
    this.#shutdown = this.#close(status, timeoutMs);
    return this.#shutdown;
  }

  async #close(status: FinishStatus, timeoutMs: number): Promise<DeliveryReport> {
    this.#closed = true;
    this.#unwatchExit();
    const sender = this.#sender;
    if (sender === null) return { delivered: true, unsent: 0 };
    const spanStatus = status === 'failed' ? 'failed' : 'cancelled';
    for (const span of [...this.#openSpans]) span.end({ status: spanStatus });
    if (this.#instanceQueued) sender.enqueue(finishItem(this.instanceId, status), undefined, true);
    this.#stopPolling();
    const delivered = await within(sender.flush(), timeoutMs);
    const unsent = delivered ? 0 : sender.pending;
    sender.stop();
    await Promise.all([this.#client?.close(), this.#pollClient?.close()]);
    if (unsent > 0) {
      this.#options.logger.warn(
        `agentspan tracer: shutdown could not deliver ${unsent} item(s) within ${timeoutMs} ms (the backend did not answer); they are lost. ` +
          `stats(): ${JSON.stringify(this.stats())}`,
      );
    }
    return { delivered, unsent };
  }

  #queueInstance(sender: BulkSender): void {
    this.#instanceQueued = true;
    for (const item of registerItems(this.instanceId, this.#options, this.#spanTypes)) sender.enqueue(item, undefined, true);
    if (this.#options.pollInterval > 0) {
      this.#pollTimer = setInterval(() => void this.#poll(), this.#options.pollInterval);
      unref(this.#pollTimer);
    }
  }

  async #poll(): Promise<void> {
    if (this.#polling || !this.#registered || this.#openSpans.size === 0 || this.#termination.terminated) return;
    this.#polling = true;
    try {
      this.#pollClient ??= this.#runtime.defaultClient(this.#clientConfig({ maxRetries: 0 }));
      const instance = await this.#pollClient.agentInstances.get(this.instanceId);
      if (instance.status === 'terminated') this.#termination.terminate(instance.termination_reason ?? null);
    } catch {
      // A poll that fails is tried again at the next tick; delivery reports the backend's trouble.
    } finally {
      this.#polling = false;
    }
  }

  #stopPolling(): void {
    if (this.#pollTimer !== null) clearInterval(this.#pollTimer);
    this.#pollTimer = null;
  }

  #clientConfig(extra: ConstructorParameters<typeof PrefactorHttpClient>[0]) {
    const { apiUrl, apiToken, requestTimeout, fetch } = this.#options;
    return { apiUrl, apiToken, requestTimeout, fetch, sdkHeaderPrefix: TRACER_SDK, ...extra };
  }
}

const TRACER_SDK = `${SDK_PACKAGE}@${SDK_VERSION}`;

/** Declares every span name not declared otherwise: accepted, unvalidated. */
const ANY_OTHER_SPAN_TYPE: SpanTypeDefinition = Object.freeze({
  name: '*',
  description: 'Any span name this schema version does not declare: accepted, unvalidated',
  params_schema: {},
});

/** The callback's outcome as a promise, with the span ended to match. */
function settle<T>(fn: (span: Span) => T | Promise<T>, span: Span, captureStacks: boolean): Promise<T> {
  let out: T | Promise<T>;
  try {
    out = fn(span);
  } catch (error) {
    failSpan(span, error, captureStacks);
    return Promise.reject(error);
  }
  if (!isThenable(out)) {
    span.end();
    return Promise.resolve(out);
  }
  return Promise.resolve(out).then(
    (value) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      failSpan(span, error, captureStacks);
      throw error;
    },
  );
}

function failSpan(span: Span, error: unknown, captureStacks: boolean): void {
  if (span.ended) return;
  span.end({ status: 'failed', result: { ...span.result, error: errorPayload(error, captureStacks) } });
}

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Payloads are JSON objects on the wire: anything else is carried as `{ value }`. */
function asPayload(value: unknown): Payload {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Payload;
  return value === undefined ? {} : { value };
}

function checkedTimeout(call: string, value: unknown, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new TypeError(`${call}: timeoutMs must be a non-negative number of milliseconds; got ${String(value)}`);
  }
  return value;
}

/** True when `promise` settled within `timeoutMs` (always, without a timeout). */
async function within(promise: Promise<void>, timeoutMs: number | undefined): Promise<boolean> {
  if (timeoutMs === undefined) {
    await promise;
    return true;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([promise.then(() => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}
