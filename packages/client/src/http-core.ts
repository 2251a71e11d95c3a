import type { ResolvedConfig } from './config.js';
import { PrefactorAbortedError } from './errors/aborted-error.js';
import { apiErrorForStatus } from './errors/api-error-for-status.js';
import { PrefactorClientError } from './errors/client-error.js';
import { PrefactorConnectionError } from './errors/connection-error.js';
import type { PrefactorHttpError } from './errors/http-error.js';
import { PrefactorResponseContractError } from './errors/response-contract-error.js';
import { PrefactorRetryExhaustedError } from './errors/retry-exhausted-error.js';
import type { Operation, SpanCallOptions } from './operation.js';
import { checkBodyShape, parseObjectBody } from './response-body.js';
import { backoffDelay, isRetryable, retryAfterDelay } from './retry-policy.js';
import type { Transport, TransportRequest, TransportResponse } from './transport/transport.js';

/** One request through the retry loop to a checked, typed answer; shared by every endpoint group. */
export class HttpCore {
  readonly #config: ResolvedConfig;
  readonly #transport: Transport;
  readonly #readHeaders: Readonly<Record<string, string>>;
  readonly #writeHeaders: Readonly<Record<string, string>>;
  #closed = false;

  constructor(config: ResolvedConfig, transport: Transport) {
    this.#config = config;
    this.#transport = transport;
    const headers = {
      authorization: `Bearer ${config.apiToken}`,
      accept: 'application/json',
      'x-prefactor-sdk': config.sdkHeader,
    };
    this.#readHeaders = Object.freeze(headers);
    this.#writeHeaders = Object.freeze({ ...headers, 'content-type': 'application/json' });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Rejects misuse of a closed client before any other check. */
  assertOpen(operation: string): void {
    if (this.#closed) {
      throw new PrefactorClientError(`${operation}: the client is closed; create a new PrefactorHttpClient`);
    }
  }

  async call<T>(op: Operation<T>, path: string, payload: object | undefined, options: SpanCallOptions | undefined): Promise<T> {
    this.assertOpen(op.name);
    const signal = options?.signal;
    const request: TransportRequest = {
      method: op.method,
      url: this.#config.baseUrl + path,
      headers: payload === undefined ? this.#readHeaders : this.#writeHeaders,
      body: payload === undefined ? undefined : JSON.stringify(payload),
      signal,
      timeoutMs: this.#config.requestTimeout,
    };
    const policy = this.#config.retry;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw aborted(op, signal.reason);
      let outcome: TransportResponse | PrefactorConnectionError;
      try {
        outcome = await this.#transport.send(request);
      } catch (error) {
        if (signal?.aborted) throw aborted(op, signal.reason);
        if (!(error instanceof PrefactorConnectionError)) throw error;
        outcome = error;
      }
      if (!(outcome instanceof PrefactorConnectionError) && outcome.status < 300) {
        return this.#accept(op, path, outcome, options);
      }
      const failure = outcome instanceof PrefactorConnectionError ? outcome : failureFrom(op, path, outcome);
      if (!isRetryable(policy, failure)) throw failure;
      if (attempt >= policy.maxRetries) {
        if (policy.maxRetries === 0) throw failure;
        throw new PrefactorRetryExhaustedError(
          `${op.name}: ${op.method} ${path} failed after ${attempt + 1} attempts; last error: ${failure.message}`,
          failure,
          attempt + 1,
        );
      }
      const retryAfter = outcome instanceof PrefactorConnectionError ? undefined : outcome.headers['retry-after'];
      const wait = retryAfterDelay(policy, retryAfter) ?? backoffDelay(policy, attempt);
      try {
        await this.#config.sleep(wait, signal);
      } catch (error) {
        if (signal?.aborted) throw aborted(op, signal.reason);
        throw error;
      }
      this.assertOpen(op.name);
    }
  }

  /**
   * Opens a streaming GET (an event stream) through `fetch`: the pooled transports read whole
   * answers, a stream is read as it arrives. A non-2xx answer is thrown as the usual typed error.
   */
  async openStream(opName: string, path: string, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<Response> {
    this.assertOpen(opName);
    const fetchImpl = this.#config.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await fetchImpl(this.#config.baseUrl + path, {
        headers: { ...this.#readHeaders, accept: 'text/event-stream', ...headers },
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw new PrefactorAbortedError(`${opName} was aborted`, { cause: signal.reason });
      throw new PrefactorConnectionError(`${opName}: GET ${path} failed: ${(error as Error).message}`, { cause: error });
    }
    if (!response.ok) {
      const body = parseObjectBody(opName, 'GET', path, response.status, await response.text());
      throw apiErrorForStatus(response.status, body, `${opName}: GET ${path}`);
    }
    return response;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#transport.close();
  }

  #accept<T>(op: Operation<T>, path: string, response: TransportResponse, options: SpanCallOptions | undefined): T {
    const body = parseObjectBody(op.name, op.method, path, response.status, response.text);
    const onControlSignal = options?.onControlSignal;
    if (onControlSignal !== undefined) signalControl(body.control, onControlSignal);
    if (op.schema !== null) checkBodyShape(op.name, op.schema, body, response.status, response.text);
    return op.read(body);
  }
}

function failureFrom(op: Operation<unknown>, path: string, response: TransportResponse): PrefactorHttpError {
  let body: Record<string, unknown>;
  try {
    body = parseObjectBody(op.name, op.method, path, response.status, response.text);
  } catch (error) {
    if (error instanceof PrefactorResponseContractError) return error;
    throw error;
  }
  return apiErrorForStatus(response.status, body, `${op.name}: ${op.method} ${path}`);
}

// Checked before the shape, as a terminated agent must stop even if the rest of the answer is off.
function signalControl(control: unknown, onControlSignal: (reason: string | null) => void): void {
  if (typeof control !== 'object' || control === null) return;
  const { terminate, reason } = control as { terminate?: unknown; reason?: unknown };
  if (terminate === true) onControlSignal(typeof reason === 'string' ? reason : null);
}

function aborted(op: Operation<unknown>, reason: unknown): PrefactorAbortedError {
  return new PrefactorAbortedError(`${op.name} was aborted before it completed`, { cause: reason });
}
