import type { Database, Statement } from 'better-sqlite3';
import { COUNT_COLUMNS, type ModelCounts } from '../span-usage.js';
import { rowKey } from '../table-columns.js';

/** A run's pending tokens under one model ('' for none), in `COUNT_COLUMNS` order. */
interface Totals {
  accountId: string;
  instanceId: string;
  model: string;
  counts: number[];
}

const COLUMNS = COUNT_COLUMNS.join(', ');

/**
 * Changes to `instance_usage` (each run's tokens by model) of one commit group, written as one
 * upsert per run and model just before the group commits: a hundred spans of one run and model
 * are one row write, not a hundred. Adds go straight into the group's totals and are listed
 * until their unit is kept; a unit that rolls back takes them out again (and the totals it made).
 * The writer's reads of a run's usage add what is pending, so they stay exact inside the group.
 */
export class PendingInstanceUsage {
  readonly #upsert: Statement;
  /** By run (`rowKey`), then model. */
  #group = new Map<string, Map<string, Totals>>();
  /** This unit's adds, side by side with the totals each went into. */
  #unitTotals: Totals[] = [];
  #unitDeltas: Array<readonly number[]> = [];
  /** Totals this unit made: a unit that rolls back leaves no row of its own behind. */
  #unitMade: Totals[] = [];
  /** Runs this unit's purge deleted, with what they had pending, put back if it rolls back. */
  #unitForgotten: Array<[key: string, totals: Map<string, Totals>]> = [];
  /** The totals last added to: a bulk request's spans come in runs of one run and model. */
  #last: Totals | undefined;

  constructor(db: Database) {
    this.#upsert = db.prepare(
      `INSERT INTO instance_usage (account_id, agent_instance_id, model, ${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (account_id, agent_instance_id, model) DO UPDATE SET ${COUNT_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ')}`,
    );
  }

  /** Adds `delta` (counts in `COUNT_COLUMNS` order) to a run's tokens under `model`. */
  add(accountId: string, instanceId: string, model: string, delta: readonly number[]): void {
    let totals = this.#last;
    if (totals === undefined || totals.instanceId !== instanceId || totals.model !== model || totals.accountId !== accountId) {
      totals = this.#totalsOf(accountId, instanceId, model);
      this.#last = totals;
    }
    for (let i = 0; i < delta.length; i++) totals.counts[i]! += delta[i]!;
    this.#unitTotals.push(totals);
    this.#unitDeltas.push(delta);
  }

  #totalsOf(accountId: string, instanceId: string, model: string): Totals {
    const key = rowKey(accountId, instanceId);
    let ofRun = this.#group.get(key);
    if (!ofRun) this.#group.set(key, (ofRun = new Map<string, Totals>()));
    let totals = ofRun.get(model);
    if (!totals) {
      ofRun.set(model, (totals = { accountId, instanceId, model, counts: [0, 0, 0, 0, 0, 0] }));
      this.#unitMade.push(totals);
    }
    return totals;
  }

  /** `stored` (a run's committed rows by model) plus what this group has pending for the run, by model. */
  withPending(accountId: string, instanceId: string, stored: ModelCounts[]): ModelCounts[] {
    const pending = this.#group.get(rowKey(accountId, instanceId));
    if (!pending) return stored;
    for (const { model, counts } of pending.values()) {
      const key = model === '' ? null : model;
      let row = stored.find((counts) => counts.model === key);
      if (!row) stored.push((row = { model: key, input: 0, output: 0, cache_read: 0, cache_write: 0, reasoning: 0, total: 0 }));
      COUNT_COLUMNS.forEach((column, i) => (row[column] += counts[i]!));
    }
    // As the read orders them: by model, none ('') first.
    return stored.sort((a, b) => ((a.model ?? '') < (b.model ?? '') ? -1 : (a.model ?? '') > (b.model ?? '') ? 1 : 0));
  }

  /** Models with pending usage in `accountId` ('' for none). */
  *modelsOf(accountId: string): Iterable<string> {
    for (const ofRun of this.#group.values()) for (const totals of ofRun.values()) if (totals.accountId === accountId) yield totals.model;
  }

  /** The run left the store (a purge): nothing pending for it may bring its rows back at the flush. */
  forgetRun(accountId: string, instanceId: string): void {
    const key = rowKey(accountId, instanceId);
    const totals = this.#group.get(key);
    if (!totals) return;
    this.#group.delete(key);
    this.#unitForgotten.push([key, totals]);
    this.#last = undefined;
  }

  keepUnit(): void {
    if (this.#unitTotals.length > 0 || this.#unitMade.length > 0 || this.#unitForgotten.length > 0) this.#forgetUnit();
  }

  dropUnit(): void {
    for (const [key, totals] of this.#unitForgotten) this.#group.set(key, totals);
    this.#unitTotals.forEach((totals, i) => {
      const delta = this.#unitDeltas[i]!;
      for (let j = 0; j < delta.length; j++) totals.counts[j]! -= delta[j]!;
    });
    for (const { accountId, instanceId, model } of this.#unitMade) {
      const key = rowKey(accountId, instanceId);
      const ofRun = this.#group.get(key);
      ofRun?.delete(model);
      if (ofRun?.size === 0) this.#group.delete(key);
    }
    this.#forgetUnit();
    this.#last = undefined;
  }

  #forgetUnit() {
    this.#unitTotals = [];
    this.#unitDeltas = [];
    this.#unitMade = [];
    this.#unitForgotten = [];
  }

  /** Writes the group's totals, inside its transaction, and empties it. */
  flush(): void {
    const group = this.#group;
    this.clear();
    for (const ofRun of group.values()) {
      for (const { accountId, instanceId, model, counts } of ofRun.values()) this.#upsert.run(accountId, instanceId, model, ...counts);
    }
  }

  /** Forgets everything pending (written, or the group rolled back). */
  clear(): void {
    this.#group = new Map();
    this.#forgetUnit();
    this.#last = undefined;
  }
}
