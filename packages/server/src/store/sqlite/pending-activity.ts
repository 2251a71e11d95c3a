import type { Statement } from 'better-sqlite3';
import { HOUR_KEY_LENGTH } from '../activity-sql.js';
import type { SpanRecord } from '../records.js';

/** A span as the rollup counts it: by its start's hour, its agent, its instance's environment and its status. */
export type CountedSpan = Pick<SpanRecord, 'account_id' | 'agent_id' | 'started_at' | 'status'>;

interface Delta {
  values: [accountId: string, hour: string, agentId: string, environmentId: string, status: string];
  n: number;
}

type Deltas = Map<string, Delta>;

function add(into: Deltas, values: Delta['values'], n: number) {
  // Ids, statuses and hour keys never hold a NUL, so the joined key is unambiguous.
  const key = values.join('\0');
  const delta = into.get(key);
  if (delta) delta.n += n;
  else into.set(key, { values, n });
}

/**
 * Changes to `span_activity` of one commit group, kept and written as `PendingSpanCounts` keeps
 * span_counts (which owns one of these, so both follow the same unit and group): a hundred spans
 * of one hour are one counter write.
 */
export class PendingActivity {
  readonly #upsert: Statement;
  #group: Deltas = new Map();
  #unit: Deltas = new Map();

  constructor(upsert: Statement) {
    this.#upsert = upsert;
  }

  /** `n` spans like `span` (of an instance in `environmentId`) counted, or uncounted when negative. */
  add(span: CountedSpan, environmentId: string, n: number): void {
    add(this.#unit, [span.account_id, span.started_at.slice(0, HOUR_KEY_LENGTH), span.agent_id, environmentId, span.status], n);
  }

  keepUnit(): void {
    for (const { values, n } of this.#unit.values()) add(this.#group, values, n);
    this.#unit = new Map();
  }

  dropUnit(): void {
    if (this.#unit.size > 0) this.#unit = new Map();
  }

  /** Writes the group's changes, inside its transaction. */
  flush(): void {
    const group = this.#group;
    this.#group = new Map();
    for (const { values, n } of group.values()) if (n !== 0) this.#upsert.run(...values, n);
  }

  clear(): void {
    this.#group = new Map();
    this.#unit = new Map();
  }
}
