import { Agent } from 'undici';
import { PrefactorConnectionError } from '../errors/connection-error.js';
import { PrefactorTimeoutError } from '../errors/timeout-error.js';
import { describeCause } from './failure-cause.js';
import type { Transport, TransportRequest, TransportResponse } from './transport.js';

// Bounded so a burst of calls queues instead of opening a socket per call: unbounded, an undici
// pool opens about two sockets per call in flight, as a socket frees only after the caller moved on.
const DEFAULT_CONNECTIONS = 32;

export interface UndiciTransportOptions {
  connectTimeout: number;
  /** Most sockets open per origin at once; calls beyond it queue. Default 32. */
  connections?: number;
  /** How long an idle keep-alive socket stays open, in milliseconds. */
  keepAliveTimeout?: number;
}

/**
 * Node's default: an undici Agent (a keep-alive Pool per origin). Global fetch in Node is
 * built on undici too, but its WHATWG layer costs several times the time of a Pool request.
 */
export class UndiciTransport implements Transport {
  readonly #agent: Agent;
  readonly #connectTimeout: number;

  constructor(options: UndiciTransportOptions) {
    this.#connectTimeout = options.connectTimeout;
    this.#agent = new Agent({
      connect: { timeout: options.connectTimeout },
      connections: options.connections ?? DEFAULT_CONNECTIONS,
      ...(options.keepAliveTimeout === undefined ? {} : { keepAliveTimeout: options.keepAliveTimeout }),
    });
  }

  async send(request: TransportRequest): Promise<TransportResponse> {
    const url = request.url;
    const pathStart = url.indexOf('/', url.indexOf('//') + 2);
    try {
      // headersTimeout and bodyTimeout run on undici's own coarse timers, cheaper than one timer per request.
      const response = await this.#agent.request({
        origin: url.slice(0, pathStart),
        path: url.slice(pathStart),
        method: request.method,
        headers: request.headers as Record<string, string>,
        body: request.body,
        signal: request.signal,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
      });
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      throw this.#failure(request, error);
    }
  }

  close(): Promise<void> {
    return this.#agent.close();
  }

  #failure(request: TransportRequest, error: unknown): unknown {
    if (request.signal?.aborted) return error;
    const code = (error as { code?: unknown } | null)?.code;
    const target = `${request.method} ${request.url}`;
    if (code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new PrefactorTimeoutError(`${target} timed out after ${this.#connectTimeout} ms connecting (connectTimeout)`, this.#connectTimeout, {
        cause: error,
      });
    }
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      const phase = code === 'UND_ERR_HEADERS_TIMEOUT' ? 'the response headers' : 'the response body';
      return new PrefactorTimeoutError(`${target} timed out after ${request.timeoutMs} ms waiting for ${phase} (requestTimeout)`, request.timeoutMs, {
        cause: error,
      });
    }
    return new PrefactorConnectionError(`${target} failed: ${describeCause(error)}`, { cause: error });
  }
}
