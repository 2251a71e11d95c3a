import { CHANGE_EVENT_KINDS, type ChangeEventKind } from '@agentspan/protocol';
import type { Broadcast, Store } from '../../store/store.js';
import { instanceResource } from '../views/instance-view.js';
import { currentInstanceJson } from '../instances/instance-access.js';
import { spanResource } from '../views/span-view.js';
import { alertResource } from '../views/alert-view.js';
import type { ChangeEvent } from './change-events.js';
import type { ChangedResource } from './changed-resource.js';
import { EventLog } from './event-log.js';

/** What crosses to other server processes: where to read the change, not the resource itself. */
interface ChangeNotice {
  k: ChangeEventKind;
  a: string;
  i: string;
  r: string;
}

/** Largest message a broadcast carries (PostgreSQL's NOTIFY takes under 8000 bytes). */
const MAX_MESSAGE = 7800;

/**
 * Change events of this server process and, where several processes share the store (PostgreSQL),
 * of the others: local writes are logged at once and announced to the other processes once per
 * tick; a notice from another process is read back from the store (only when someone here wants
 * that account's events) and logged in the order the notices arrived.
 */
export class EventFeed {
  readonly log = new EventLog();
  readonly #store: Store;
  readonly #broadcast: Broadcast | undefined;
  #outbox: ChangeNotice[] = [];
  /** The latest send: each waits for the one before, so other processes get this one's notices in order (sends share a pool). */
  #sent: Promise<void> = Promise.resolve();
  #flushing = false;
  #incoming: Promise<void> = Promise.resolve();
  #stopListening: (() => Promise<void>) | undefined;

  constructor(store: Store) {
    this.#store = store;
    this.#broadcast = store.broadcast;
  }

  /** Whether a write for this account needs to build its events at all. */
  wanted(accountId: string): boolean {
    return this.#broadcast !== undefined || this.log.wants(accountId);
  }

  publish(change: ChangeEvent): void {
    if (this.log.wants(change.accountId)) this.log.append(change);
    if (!this.#broadcast) return;
    this.#outbox.push({ k: change.kind, a: change.accountId, i: change.instanceId, r: change.resourceId });
    if (!this.#flushing) {
      this.#flushing = true;
      setImmediate(() => this.#flush());
    }
  }

  async start(): Promise<void> {
    if (!this.#broadcast) return;
    this.#stopListening = await this.#broadcast.listen({
      message: (message) => this.#receive(message),
      lost: () => this.log.gap('the feed of changes from other server processes was interrupted; reload the state'),
    });
  }

  async close(): Promise<void> {
    await this.#stopListening?.();
    await this.#incoming;
  }

  /** Sends the tick's notices, as few messages as fit under MAX_MESSAGE. */
  #flush() {
    this.#flushing = false;
    const notices = this.#outbox;
    this.#outbox = [];
    const head = `{"o":${JSON.stringify(this.log.epoch)},"n":[`;
    let batch: string[] = [];
    let size = head.length + 2;
    const send = () => {
      if (batch.length > 0) {
        const message = `${head}${batch.join(',')}]}`;
        this.#sent = this.#sent.then(() => this.#broadcast!.send(message));
      }
      batch = [];
      size = head.length + 2;
    };
    for (const notice of notices) {
      const text = JSON.stringify(notice);
      if (size + text.length + 1 > MAX_MESSAGE) send();
      batch.push(text);
      size += text.length + 1;
    }
    send();
  }

  #receive(message: string) {
    let parsed: { o?: unknown; n?: unknown };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.o === this.log.epoch || !Array.isArray(parsed.n)) return;
    const notices = (parsed.n as ChangeNotice[]).filter((n) => CHANGE_EVENT_KINDS.includes(n.k) && this.log.wants(n.a));
    if (notices.length === 0) return;
    this.#incoming = this.#incoming.then(async () => {
      for (const notice of notices) {
        const read = await this.#read(notice).catch(() => undefined);
        if (read !== undefined) this.log.append({ kind: notice.k, accountId: notice.a, ...read });
      }
    });
  }

  #read(notice: ChangeNotice): Promise<ChangedResource | undefined> {
    return this.#store.read(async (tx) => {
      if (notice.k === 'alert.opened' || notice.k === 'alert.acknowledged') {
        const alert = await tx.getAlert(notice.a, notice.r);
        return alert && alertResource(alert);
      }
      if (notice.k === 'instance.updated') {
        const instance = await tx.getInstance(notice.a, notice.r);
        return instance && instanceResource(instance, await currentInstanceJson(tx, instance));
      }
      const span = await tx.getSpan(notice.a, notice.r);
      return span && spanResource(span);
    });
  }
}
