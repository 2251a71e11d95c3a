import type { Database, Statement } from 'better-sqlite3';
import type { InstanceRecord } from '../records.js';
import { rowKey } from '../table-columns.js';

/** Past this many rows the cache starts over (an instance is read again on its next write). */
const MAX_ROWS = 10_000;

/**
 * Agent-instance rows as the writer connection last read them: every span create reads its
 * instance, and most creates of a group share a handful of instances. A row leaves the cache when
 * the writer updates it; everything leaves when a unit or group rolls back (a row read inside it
 * may have been one it wrote) and when another connection has committed since the writer last
 * looked (`PRAGMA data_version`), so a cached row is always the committed one or this unit's own.
 * Rows are handed out shared: callers build a new record to change one, as the domain does.
 */
export class InstanceCache {
  readonly #dataVersion: Statement;
  readonly #rows = new Map<string, InstanceRecord>();
  #seenVersion: unknown;

  constructor(db: Database) {
    this.#dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  get(accountId: string, id: string, load: () => InstanceRecord | undefined): InstanceRecord | undefined {
    const key = rowKey(accountId, id);
    const cached = this.#rows.get(key);
    if (cached) return cached;
    const row = load();
    if (row) {
      if (this.#rows.size >= MAX_ROWS) this.#rows.clear();
      this.#rows.set(key, row);
    }
    return row;
  }

  forget(accountId: string, id: string): void {
    this.#rows.delete(rowKey(accountId, id));
  }

  clear(): void {
    this.#rows.clear();
  }

  /** Called with the write lock held, before a group's first unit. */
  revalidate(): void {
    const version = this.#dataVersion.get();
    if (version !== this.#seenVersion) {
      this.#seenVersion = version;
      this.#rows.clear();
    }
  }
}
