import type { LoggedEvent } from '../domain/events/change-events.js';
import type { EventFilter, EventLog } from '../domain/events/event-log.js';
import { deflatedChunk, type DeflatedChunk } from './deflate-stream.js';
import { frameFor, resyncFrame } from './sse-frames.js';

/**
 * The longest an event waits to be written with the ones after it. Each window costs every stream
 * one write (a system call and a wake-up of its reader), so windows are long, and still far
 * shorter than a viewer can tell.
 */
const FLUSH_MS = 100;

/** The frames of one window, encoded once for every member of a channel. */
export class EventWindow {
  readonly text: Buffer;
  #deflated: DeflatedChunk | undefined;

  constructor(text: Buffer) {
    this.text = text;
  }

  /** Deflated on the first member's asking, for all of them. */
  get deflated(): DeflatedChunk {
    return (this.#deflated ??= deflatedChunk(this.text));
  }
}

/** What a channel writes to: one client's stream. */
export interface ChannelMember {
  /** A window's frames, as every member gets them. */
  sendWindow(window: EventWindow): void;
  /** Frames of this member alone. */
  send(text: string): void;
}

const keyOf = (filter: EventFilter) =>
  `${filter.accountId}\u0000${filter.instanceId ?? ''}\u0000${filter.outlines ? 'outlines' : 'whole'}\u0000${filter.alerts ? 'alerts' : ''}`;

/**
 * The streams that follow the same filter, as one subscriber of the log: what arrives within
 * FLUSH_MS becomes one buffer, encoded (and deflated, for members that take it) once and written
 * to every member. A hundred viewers of an
 * account cost the writes of a hundred sockets, not a hundred joins and encodings of each event.
 */
class EventChannel {
  readonly #members = new Set<ChannelMember>();
  /** Streams that joined while frames were queued, with how many of those frames they had already. */
  readonly #joining = new Map<ChannelMember, number>();
  readonly #unsubscribe: () => void;
  readonly #onEmpty: () => void;
  #pending: string[] = [];

  constructor(log: EventLog, filter: EventFilter, onEmpty: () => void) {
    this.#onEmpty = onEmpty;
    this.#unsubscribe = log.subscribe(filter, {
      event: (event: LoggedEvent) => this.#queue(frameFor(filter, event)),
      resync: (reason) => this.#queue(resyncFrame(reason)),
    });
  }

  /**
   * Adds a stream that has written the log up to now itself: it takes part from the next frame on,
   * so it gets no frame twice and misses none.
   */
  join(member: ChannelMember): void {
    if (this.#pending.length === 0) this.#members.add(member);
    else this.#joining.set(member, this.#pending.length);
  }

  leave(member: ChannelMember): void {
    this.#members.delete(member);
    this.#joining.delete(member);
    if (this.#members.size === 0 && this.#joining.size === 0) {
      this.#unsubscribe();
      this.#pending = [];
      this.#onEmpty();
    }
  }

  #queue(frame: string) {
    this.#pending.push(frame);
    if (this.#pending.length === 1) setTimeout(() => this.#flush(), FLUSH_MS);
  }

  #flush() {
    const frames = this.#pending;
    this.#pending = [];
    if (frames.length === 0) return;
    const window = new EventWindow(Buffer.from(frames.length === 1 ? frames[0]! : frames.join('')));
    for (const member of this.#members) member.sendWindow(window);
    for (const [member, had] of this.#joining) {
      if (had < frames.length) member.send(frames.slice(had).join(''));
      this.#members.add(member);
    }
    this.#joining.clear();
  }
}

/** The log's channels, one per filter that some stream follows. */
export class EventChannels {
  readonly #log: EventLog;
  readonly #channels = new Map<string, EventChannel>();

  constructor(log: EventLog) {
    this.#log = log;
  }

  /** Adds the stream to its filter's channel; the returned function takes it out again. */
  join(filter: EventFilter, member: ChannelMember): () => void {
    const key = keyOf(filter);
    let channel = this.#channels.get(key);
    if (!channel) {
      channel = new EventChannel(this.#log, filter, () => this.#channels.delete(key));
      this.#channels.set(key, channel);
    }
    channel.join(member);
    const joined = channel;
    return () => joined.leave(member);
  }
}
