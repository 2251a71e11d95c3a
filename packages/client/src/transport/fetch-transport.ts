import { PrefactorClientError } from '../errors/client-error.js';
import { PrefactorConnectionError } from '../errors/connection-error.js';
import { PrefactorTimeoutError } from '../errors/timeout-error.js';
import { describeCause } from './failure-cause.js';
import type { Transport, TransportRequest, TransportResponse } from './transport.js';

export interface FetchTransportOptions {
  /** Defaults to the runtime's global `fetch`. */
  fetch?: typeof fetch;
  /** fetch cannot see the connect phase, so this bounds the wait for the response headers. */
  connectTimeout: number;
}

/** Sends through `fetch`: works in every runtime that has it (browsers, edge workers, Deno, Bun, Node). */
export class FetchTransport implements Transport {
  readonly #fetch: typeof fetch;
  readonly #connectTimeout: number;

  constructor(options: FetchTransportOptions) {
    const found = options.fetch ?? globalThis.fetch;
    if (typeof found !== 'function') {
      throw new PrefactorClientError('This runtime has no global fetch; pass one as the `fetch` option');
    }
    // Bound so browsers never see it called on another object ("Illegal invocation").
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#connectTimeout = options.connectTimeout;
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    const controller = new AbortController();
    let expired: { phase: string; ms: number } | undefined;
    const expire = (phase: string, ms: number) =>
      setTimeout(() => {
        expired = { phase, ms };
        controller.abort();
      }, ms);
    const requestTimer = expire('the whole exchange (requestTimeout)', request.timeoutMs);
    const headersTimer = this.#connectTimeout < request.timeoutMs ? expire('the response headers (connectTimeout)', this.#connectTimeout) : undefined;
    const callerSignal = request.signal;
    const onCallerAbort = () => controller.abort(callerSignal?.reason);
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    const fetchFn = this.#fetch;
    try {
      const response = await fetchFn(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
      });
      clearTimeout(headersTimer);
      const text = await response.text();
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return { status: response.status, headers, text };
    } catch (error) {
      if (expired !== undefined) {
        throw new PrefactorTimeoutError(
          `${request.method} ${request.url} timed out after ${expired.ms} ms waiting for ${expired.phase}`,
          expired.ms,
          { cause: error },
        );
      }
      if (callerSignal?.aborted) throw error;
      throw new PrefactorConnectionError(`${request.method} ${request.url} failed: ${describeCause(error)}`, {
        cause: error,
      });
    } finally {
      clearTimeout(requestTimer);
      clearTimeout(headersTimer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }

  async close(): Promise<void> {}
}
