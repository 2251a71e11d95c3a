import { randomBytes } from 'node:crypto';
import { parseEventId } from '@agentspan/protocol';
import { LoggedEvent, type ChangeEvent } from './change-events.js';

/** What a subscriber wants: the events of one account, of one instance when given. */
export interface EventFilter {
  accountId: string;
  instanceId?: string;
  /** Spans as outlines, without their payloads. */
  outlines?: boolean;
  /** Alert events too: only for account-scoped tokens, which alone may read alerts. */
  alerts?: boolean;
}

export const matches = (filter: EventFilter, event: ChangeEvent) =>
  event.accountId === filter.accountId &&
  (filter.instanceId === undefined || event.instanceId === filter.instanceId) &&
  (filter.alerts === true || !event.kind.startsWith('alert.'));

/** A subscriber's two ways in: each event, and word that it may have missed some. */
export interface EventSink {
  event(event: LoggedEvent): void;
  resync(reason: string): void;
}

/** Where a resume starts: the events after `seq`, or nothing to resume from (the client reloads instead). */
export type ResumePoint = { seq: number } | { resync: string };

/**
 * This process's log of recent change events, newest last, each with a sequence number; event ids
 * are `<epoch>-<seq>` (the protocol's `formatEventId`), the epoch new at each start, so an id from
 * another process or an earlier run is recognised as one this log cannot resume from.
 */
export class EventLog {
  readonly epoch = randomBytes(6).toString('base64url');
  readonly #capacity: number;
  readonly #resumeWindowMs: number;
  /** When the last subscriber of an account left, for accounts whose events are still logged. */
  readonly #lastLeft = new Map<string, number>();
  readonly #events: LoggedEvent[] = [];
  readonly #subscribers = new Set<{ filter: EventFilter; sink: EventSink }>();
  /** Subscribers by account, so a write asks whether its account is watched without a scan. */
  readonly #watching = new Map<string, number>();
  #seq = 0;

  constructor(capacity = 10_000, resumeWindowMs = 5 * 60_000) {
    this.#capacity = capacity;
    this.#resumeWindowMs = resumeWindowMs;
  }

  /**
   * Whether the account's events are logged: while someone listens for them, and for a while after
   * the last one left, so a client that reconnects can resume. Writes of other accounts skip
   * building events at all.
   */
  wants(accountId: string): boolean {
    if (this.#watching.has(accountId)) return true;
    const left = this.#lastLeft.get(accountId);
    if (left === undefined) return false;
    if (Date.now() - left <= this.#resumeWindowMs) return true;
    this.#lastLeft.delete(accountId);
    return false;
  }

  append(event: ChangeEvent): void {
    const logged = new LoggedEvent(event, ++this.#seq, this.epoch);
    this.#events.push(logged);
    // Trimmed a tenth at a time, not one event per append: the log holds capacity to 1.1 × capacity.
    if (this.#events.length > this.#capacity * 1.1) this.#events.splice(0, this.#events.length - this.#capacity);
    for (const subscriber of this.#subscribers) if (matches(subscriber.filter, logged)) subscriber.sink.event(logged);
  }

  /** The sequence number of the newest event logged. */
  get latestSeq(): number {
    return this.#seq;
  }

  /** Where to resume after the event a client last saw (its `Last-Event-ID`). */
  resumePoint(lastEventId: string | undefined): ResumePoint {
    if (lastEventId === undefined || lastEventId === '') return { seq: this.#seq };
    const id = parseEventId(lastEventId);
    if (id === undefined || id.epoch !== this.epoch || id.seq > this.#seq) {
      return { resync: 'the server restarted, or this id is from another server process; reload the state' };
    }
    const oldest = this.#events[0]?.seq ?? this.#seq + 1;
    if (id.seq < oldest - 1) return { resync: 'the events since this id are no longer kept; reload the state' };
    return { seq: id.seq };
  }

  /** The logged events after `after` that match, oldest first: what a resuming client missed. */
  since(filter: EventFilter, after: number): LoggedEvent[] {
    return this.#events.filter((event) => event.seq > after && matches(filter, event));
  }

  /** Delivers every new event that matches as it is appended, until the returned function is called. */
  subscribe(filter: EventFilter, sink: EventSink): () => void {
    const subscriber = { filter, sink };
    this.#subscribers.add(subscriber);
    this.#watching.set(filter.accountId, (this.#watching.get(filter.accountId) ?? 0) + 1);
    return () => {
      if (!this.#subscribers.delete(subscriber)) return;
      const left = this.#watching.get(filter.accountId)! - 1;
      if (left === 0) this.#watching.delete(filter.accountId);
      else this.#watching.set(filter.accountId, left);
      this.#lastLeft.set(filter.accountId, Date.now());
    };
  }

  /** Tells every subscriber that events may have been missed (the feed from other processes was cut). */
  gap(reason: string): void {
    for (const subscriber of this.#subscribers) subscriber.sink.resync(reason);
  }
}
