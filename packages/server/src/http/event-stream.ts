import type { OutgoingHttpHeader, ServerResponse } from 'node:http';
import type { EventFilter, EventLog } from '../domain/events/event-log.js';
import { DeflateStream } from './deflate-stream.js';
import type { ChannelMember, EventChannels, EventWindow } from './event-channels.js';
import { frameFor, HEARTBEAT_FRAME, openingFrame, resyncFrame } from './sse-frames.js';

export interface EventStreamOptions {
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs: number;
  /** A client that lets this much pile up unread is disconnected instead of buffered without bound. */
  maxBufferedBytes: number;
}

export const EVENT_STREAM_DEFAULTS: EventStreamOptions = { heartbeatMs: 15_000, maxBufferedBytes: 4 * 1024 * 1024 };

/** How long a client waits before reconnecting, told once at the start. */
const RETRY_MS = 1000;

/**
 * One Server-Sent Events response: the log's events for one filter, from a resume point on, each
 * with its id; `resync` when the client must reload its state instead (it missed events this
 * process cannot replay). What it missed it writes itself; the live events come from the
 * filter's channel.
 */
export class EventStream implements ChannelMember {
  readonly #res: ServerResponse;
  readonly #options: EventStreamOptions;
  /** Set when the client takes `Content-Encoding: deflate`. */
  readonly #deflate: DeflateStream | undefined;
  #leave: (() => void) | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(res: ServerResponse, options: EventStreamOptions, encoding: 'deflate' | 'identity' = 'identity') {
    this.#res = res;
    this.#options = options;
    this.#deflate = encoding === 'deflate' ? new DeflateStream() : undefined;
  }

  open(
    log: EventLog,
    channels: EventChannels,
    filter: EventFilter,
    lastEventId: string | undefined,
    onClose: () => void,
    headers: Record<string, OutgoingHttpHeader | number | undefined> = {},
  ): void {
    this.#res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      vary: 'accept-encoding',
      ...(this.#deflate && { 'content-encoding': 'deflate' }),
    });
    this.#res.on('close', () => {
      this.close();
      onClose();
    });
    const start = log.resumePoint(lastEventId);
    const missed = 'seq' in start ? log.since(filter, start.seq).map((event) => frameFor(filter, event)) : [resyncFrame(start.resync)];
    this.send(`${openingFrame(RETRY_MS)}${missed.join('')}`);
    this.#leave = channels.join(filter, this);
    this.#heartbeat = setInterval(() => this.send(HEARTBEAT_FRAME), this.#options.heartbeatMs);
    this.#heartbeat.unref();
  }

  close(): void {
    if (this.#stop()) this.#res.end(this.#deflate?.end());
  }

  send(text: string): void {
    if (!this.#closed) this.#write(this.#deflate ? this.#deflate.write(text) : text);
  }

  sendWindow(window: EventWindow): void {
    if (!this.#closed) this.#write(this.#deflate ? this.#deflate.take(window.deflated) : window.text);
  }

  #write(bytes: Buffer | string): void {
    this.#res.write(bytes);
    if (this.#res.writableLength > this.#options.maxBufferedBytes && this.#stop()) this.#res.destroy();
  }

  /** Leaves the channel and stops the heart-beat; false when already stopped. */
  #stop(): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    this.#leave?.();
    clearInterval(this.#heartbeat);
    return true;
  }
}
