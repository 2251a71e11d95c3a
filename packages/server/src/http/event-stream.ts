import type { OutgoingHttpHeader, ServerResponse } from 'node:http';
import type { LoggedEvent } from '../domain/events/change-events.js';
import type { EventFilter, EventLog } from '../domain/events/event-log.js';

export interface EventStreamOptions {
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs: number;
  /** A client that lets this much pile up unread is disconnected instead of buffered without bound. */
  maxBufferedBytes: number;
}

export const EVENT_STREAM_DEFAULTS: EventStreamOptions = { heartbeatMs: 15_000, maxBufferedBytes: 4 * 1024 * 1024 };

/** The longest an event waits to be written with the ones after it. */
const FLUSH_MS = 25;

/** How long a client waits before reconnecting, told once at the start. */
const RETRY_MS = 1000;

/**
 * One Server-Sent Events response: the log's events for one filter, from a resume point on, each
 * with its id; `resync` when the client must reload its state instead (it missed events this
 * process cannot replay).
 */
export class EventStream {
  readonly #res: ServerResponse;
  readonly #log: EventLog;
  readonly #options: EventStreamOptions;
  #unsubscribe: (() => void) | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  #pending: string[] = [];

  constructor(res: ServerResponse, log: EventLog, options: EventStreamOptions) {
    this.#res = res;
    this.#log = log;
    this.#options = options;
  }

  open(filter: EventFilter, lastEventId: string | undefined, onClose: () => void, headers: Record<string, OutgoingHttpHeader | number | undefined> = {}): void {
    this.#res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.#res.on('close', () => {
      this.close();
      onClose();
    });
    this.#write(`retry: ${RETRY_MS}\n: connected\n\n`);
    const start = this.#log.resumePoint(lastEventId);
    if ('resync' in start) this.#resync(start.resync);
    const after = 'seq' in start ? start.seq : this.#log.latestSeq;
    this.#unsubscribe = this.#log.subscribe(filter, after, {
      event: (event) => this.#event(event),
      resync: (reason) => this.#resync(reason),
    });
    this.#heartbeat = setInterval(() => this.#write(': heartbeat\n\n'), this.#options.heartbeatMs);
    this.#heartbeat.unref();
  }

  close(): void {
    if (this.#stop()) this.#res.end();
  }

  /** Leaves the log and stops the heart-beat; false when already stopped. */
  #stop(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    this.#unsubscribe?.();
    clearInterval(this.#heartbeat);
    return true;
  }

  #event(event: LoggedEvent) {
    this.#write(event.frame);
  }

  #resync(reason: string) {
    this.#write(`event: resync\ndata: ${JSON.stringify({ reason })}\n\n`);
  }

  /**
   * Queues text for the socket. What is queued within FLUSH_MS goes out in one write: a busy
   * stream costs a syscall per client every few milliseconds, not one per event per client.
   */
  #write(text: string) {
    if (this.#closed) return;
    this.#pending.push(text);
    if (this.#pending.length === 1) setTimeout(() => this.#flush(), FLUSH_MS);
  }

  #flush() {
    if (this.#closed) return;
    const text = this.#pending.length === 1 ? this.#pending[0]! : this.#pending.join('');
    this.#pending = [];
    this.#res.write(text);
    if (this.#res.writableLength > this.#options.maxBufferedBytes && this.#stop()) this.#res.destroy();
  }
}
