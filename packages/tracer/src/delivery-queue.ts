import type { BulkItem } from '@agentspan/client';

/** One operation waiting to be stored; `sends` > 0 means it went out once and may no longer change. */
export interface QueuedItem {
  readonly seq: number;
  readonly item: BulkItem;
  sends: number;
}

/** Fields a span finish carries, folded into the span's create while that create has not been sent. */
export interface FinishFields {
  status: string;
  result_payload: object | undefined;
  finished_at: string;
}

/**
 * The bounded FIFO of operations waiting for the backend. Items leave only from the head, once the
 * backend has answered them, so a span's create always goes before its finish and its children.
 */
export class DeliveryQueue {
  readonly #capacity: number;
  #items: QueuedItem[] = [];
  #head = 0;
  #nextSeq = 1;
  // Creates not yet sent, by span id: a finish that finds its create here travels inside it.
  readonly #unsentCreates = new Map<string, QueuedItem>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  /** The seq of the newest item, 0 when empty: everything up to it is what a flush waits for. */
  get lastSeq(): number {
    return this.size === 0 ? 0 : this.#items[this.#items.length - 1]!.seq;
  }

  /** The seq of the oldest item still waiting, Infinity when empty. */
  get headSeq(): number {
    return this.size === 0 ? Infinity : this.#items[this.#head]!.seq;
  }

  /**
   * False when the queue is full: the item is dropped (the newest go, never the ones already
   * waiting). `reserved` items (the instance's own few) are taken even then.
   */
  push(item: BulkItem, createdSpanId?: string, reserved = false): boolean {
    if (this.size >= this.#capacity && !reserved) return false;
    const queued: QueuedItem = { seq: this.#nextSeq++, item, sends: 0 };
    this.#items.push(queued);
    if (createdSpanId !== undefined) this.#unsentCreates.set(createdSpanId, queued);
    return true;
  }

  /** True when the span's create was still unsent and now carries the finish. */
  foldFinish(spanId: string, finish: FinishFields): boolean {
    const create = this.#unsentCreates.get(spanId);
    if (create === undefined) return false;
    this.#unsentCreates.delete(spanId);
    const item = create.item;
    item.status = finish.status;
    if (finish.result_payload !== undefined) item.result_payload = finish.result_payload;
    item.finished_at = finish.finished_at;
    return true;
  }

  /** The oldest `count` items, marked as sent: from now on they go out unchanged, under the same key. */
  takeBatch(count: number): QueuedItem[] {
    const batch = this.#items.slice(this.#head, this.#head + count);
    for (const queued of batch) {
      if (queued.sends === 0 && typeof queued.item.id === 'string' && queued.item._type === 'agent_spans/create') {
        this.#unsentCreates.delete(queued.item.id);
      }
      queued.sends++;
    }
    return batch;
  }

  /** Removes the `count` oldest items, which the backend has answered. */
  settle(count: number): void {
    this.#head += count;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
