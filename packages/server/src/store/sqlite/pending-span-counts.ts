import type { Statement } from 'better-sqlite3';
import type { SpanRecord, SpanStatusCounts } from '../records.js';
import { rowKey } from '../table-columns.js';
import { PendingActivity } from './pending-activity.js';
import type { PendingInstanceUsage } from './pending-instance-usage.js';
import type { PendingRollups } from './pending-rollups.js';

type Status = SpanRecord['status'];

/** What a delta counts by: a span status (`span_counts`) or a span type (`span_type_counts`). */
type Dimension = 'status' | 'type';

interface Delta {
  accountId: string;
  instanceId: string;
  dimension: Dimension;
  /** The status, or the span's `schema_name`. */
  value: string;
  n: number;
}

type Deltas = Map<string, Map<string, Delta>>;

function add(into: Deltas, accountId: string, instanceId: string, dimension: Dimension, value: string, n: number) {
  const key = rowKey(accountId, instanceId);
  let ofInstance = into.get(key);
  if (!ofInstance) into.set(key, (ofInstance = new Map<string, Delta>()));
  // Statuses are plain words and never start with a NUL, so the two dimensions cannot collide.
  const name = dimension === 'status' ? value : `\0${value}`;
  const delta = ofInstance.get(name);
  if (delta) delta.n += n;
  else ofInstance.set(name, { accountId, instanceId, dimension, value, n });
}

/**
 * Span count changes of one commit group, by status and by span type, written as one upsert per
 * instance and status (or type) just before the group commits (a hundred spans of one instance
 * are one counter write per status and type, not a hundred). The unit in progress keeps its own
 * changes, so rolling it back drops them; the writer's own reads add what is pending, so counts
 * stay exact inside the transaction.
 */
export class PendingSpanCounts {
  readonly #upserts: Record<Dimension, Statement>;
  #group: Deltas = new Map();
  #unit: Deltas = new Map();
  /** The hourly rollup's changes (`span_activity`), kept, dropped and written with these. */
  readonly activity: PendingActivity;

  /** The analytics rollups' changes, kept, dropped and written with these. */
  readonly rollups: PendingRollups;

  /** The runs' token totals (`instance_usage`), kept, dropped and written with these. */
  readonly usage: PendingInstanceUsage;

  constructor(byStatus: Statement, byType: Statement, byHour: Statement, rollups: PendingRollups, usage: PendingInstanceUsage) {
    this.#upserts = { status: byStatus, type: byType };
    this.activity = new PendingActivity(byHour);
    this.rollups = rollups;
    this.usage = usage;
  }

  add(accountId: string, instanceId: string, status: Status, n: number): void {
    add(this.#unit, accountId, instanceId, 'status', status, n);
  }

  /** `n` spans of type `schemaName` stored (a span's type never changes; a purge deletes its instance's rows). */
  addType(accountId: string, instanceId: string, schemaName: string, n: number): void {
    add(this.#unit, accountId, instanceId, 'type', schemaName, n);
  }

  #pending(accountId: string, instanceId: string, dimension: Dimension): Delta[] {
    const key = rowKey(accountId, instanceId);
    const found: Delta[] = [];
    for (const pending of [this.#group.get(key), this.#unit.get(key)]) {
      for (const delta of pending?.values() ?? []) if (delta.dimension === dimension) found.push(delta);
    }
    return found;
  }

  /** `stored` (as committed rows or earlier flushes left it) plus what this group has pending. */
  withPending(accountId: string, instanceId: string, stored: SpanStatusCounts): SpanStatusCounts {
    for (const { value, n } of this.#pending(accountId, instanceId, 'status')) {
      const status = value as Status;
      stored[status] = (stored[status] ?? 0) + n;
    }
    return stored;
  }

  /** The same for counts by span type. */
  typesWithPending(accountId: string, instanceId: string, stored: Map<string, number>): Map<string, number> {
    for (const { value, n } of this.#pending(accountId, instanceId, 'type')) stored.set(value, (stored.get(value) ?? 0) + n);
    return stored;
  }

  keepUnit(): void {
    this.activity.keepUnit();
    this.rollups.keepUnit();
    this.usage.keepUnit();
    if (this.#unit.size === 0) return;
    for (const ofInstance of this.#unit.values()) {
      for (const { accountId, instanceId, dimension, value, n } of ofInstance.values()) add(this.#group, accountId, instanceId, dimension, value, n);
    }
    this.#unit = new Map();
  }

  dropUnit(): void {
    this.activity.dropUnit();
    this.rollups.dropUnit();
    this.usage.dropUnit();
    if (this.#unit.size > 0) this.#unit = new Map();
  }

  /** Writes the group's changes; runs inside the group's transaction, before COMMIT. */
  flush(): void {
    this.activity.flush();
    this.rollups.flush();
    this.usage.flush();
    const group = this.#group;
    this.#group = new Map();
    for (const ofInstance of group.values()) {
      for (const { accountId, instanceId, dimension, value, n } of ofInstance.values()) {
        this.#upserts[dimension].run(accountId, instanceId, value, n);
      }
    }
  }

  /** Forgets everything pending (the group rolled back). */
  clear(): void {
    this.activity.clear();
    this.rollups.clear();
    this.usage.clear();
    this.#group = new Map();
    this.#unit = new Map();
  }
}
