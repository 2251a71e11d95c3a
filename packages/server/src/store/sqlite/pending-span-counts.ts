import type { Statement } from 'better-sqlite3';
import type { SpanRecord, SpanStatusCounts } from '../records.js';
import { rowKey } from '../table-columns.js';

type Status = SpanRecord['status'];

interface Delta {
  accountId: string;
  instanceId: string;
  status: Status;
  n: number;
}

function add(into: Map<string, Map<Status, Delta>>, accountId: string, instanceId: string, status: Status, n: number) {
  const key = rowKey(accountId, instanceId);
  let byStatus = into.get(key);
  if (!byStatus) into.set(key, (byStatus = new Map<Status, Delta>()));
  const delta = byStatus.get(status);
  if (delta) delta.n += n;
  else byStatus.set(status, { accountId, instanceId, status, n });
}

/**
 * Span count changes of one commit group, written as one upsert per instance and status just
 * before the group commits (a hundred spans of one instance are one counter write, not a hundred).
 * The unit in progress keeps its own changes, so rolling it back drops them; the writer's own
 * reads add what is pending, so counts stay exact inside the transaction.
 */
export class PendingSpanCounts {
  readonly #upsert: Statement;
  #group = new Map<string, Map<Status, Delta>>();
  #unit = new Map<string, Map<Status, Delta>>();

  constructor(upsert: Statement) {
    this.#upsert = upsert;
  }

  add(accountId: string, instanceId: string, status: Status, n: number): void {
    add(this.#unit, accountId, instanceId, status, n);
  }

  /** `stored` (as committed rows or earlier flushes left it) plus what this group has pending. */
  withPending(accountId: string, instanceId: string, stored: SpanStatusCounts): SpanStatusCounts {
    const key = rowKey(accountId, instanceId);
    for (const pending of [this.#group.get(key), this.#unit.get(key)]) {
      for (const { status, n } of pending?.values() ?? []) stored[status] = (stored[status] ?? 0) + n;
    }
    return stored;
  }

  keepUnit(): void {
    if (this.#unit.size === 0) return;
    for (const byStatus of this.#unit.values()) {
      for (const { accountId, instanceId, status, n } of byStatus.values()) add(this.#group, accountId, instanceId, status, n);
    }
    this.#unit = new Map();
  }

  dropUnit(): void {
    if (this.#unit.size > 0) this.#unit = new Map();
  }

  /** Writes the group's changes; runs inside the group's transaction, before COMMIT. */
  flush(): void {
    const group = this.#group;
    this.#group = new Map();
    for (const byStatus of group.values()) {
      for (const { accountId, instanceId, status, n } of byStatus.values()) {
        this.#upsert.run(accountId, instanceId, status, n);
      }
    }
  }

  /** Forgets everything pending (the group rolled back). */
  clear(): void {
    this.#group = new Map();
    this.#unit = new Map();
  }
}
