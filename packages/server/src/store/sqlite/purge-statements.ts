import type { Database, Statement } from 'better-sqlite3';
import type { PurgeCounts } from '../store.js';
import { OPEN_STATUSES_SQL } from '../table-columns.js';
import type { InstanceCache } from './instance-cache.js';
import type { InstanceRecord, SpanRecord } from '../records.js';
import type { PendingSpanCounts } from './pending-span-counts.js';
import type { RollupWrites } from './rollup-writes.js';

/** Instances a purge step looks at; one with many spans may take several steps. */
const CANDIDATES = 50;

const FINISHED_BEFORE = `finished_at < @before AND status NOT IN ${OPEN_STATUSES_SQL}`;

/** What a dry run counts, on the reader connection. */
export class PurgeableCounts {
  readonly #instances: Statement;
  readonly #spans: Statement;
  readonly #ledger: Statement;

  constructor(db: Database) {
    this.#instances = db.prepare(`SELECT count(*) FROM agent_instances WHERE ${FINISHED_BEFORE}`).pluck();
    this.#spans = db
      .prepare(
        `SELECT count(*) FROM agent_instances i JOIN spans s ON s.account_id = i.account_id AND s.agent_instance_id = i.id
         WHERE i.finished_at < @before AND i.status NOT IN ${OPEN_STATUSES_SQL}`,
      )
      .pluck();
    this.#ledger = db.prepare('SELECT count(*) FROM idempotency WHERE inserted_at < ?').pluck();
  }

  purgeable(before: string): PurgeCounts {
    return { instances: this.#instances.get({ before }) as number, spans: this.#spans.get({ before }) as number };
  }

  ledgerBefore(before: string): number {
    return this.#ledger.get(before) as number;
  }
}

/** One purge step on the writer connection (inside its transaction); the FTS trigger drops search rows with their spans. */
export class PurgeStep {
  readonly #candidates: Statement;
  readonly #deleteSpans: Statement;
  readonly #deleteCounts: Statement;
  readonly #deleteTypeCounts: Statement;
  readonly #deleteSpanUsage: Statement;
  readonly #deleteInstanceUsage: Statement;
  readonly #deleteInstance: Statement;
  readonly #deleteAlerts: Statement;

  constructor(db: Database) {
    this.#candidates = db.prepare(`SELECT * FROM agent_instances WHERE ${FINISHED_BEFORE} ORDER BY finished_at LIMIT ${CANDIDATES}`);
    // What each deleted span leaves in the hourly rollup, which outlives the instance's other counts.
    this.#deleteSpans = db.prepare(
      `DELETE FROM spans WHERE rowid IN (SELECT rowid FROM spans WHERE account_id = ? AND agent_instance_id = ? LIMIT ?)
       RETURNING id, account_id, agent_id, agent_instance_id, schema_name, started_at, finished_at, status`,
    );
    this.#deleteCounts = db.prepare('DELETE FROM span_counts WHERE account_id = ? AND agent_instance_id = ?');
    this.#deleteTypeCounts = db.prepare('DELETE FROM span_type_counts WHERE account_id = ? AND agent_instance_id = ?');
    // A run's usage rows go with the run, once its last span has gone (they stay whole until then).
    this.#deleteSpanUsage = db.prepare('DELETE FROM span_usage WHERE account_id = ? AND agent_instance_id = ?');
    this.#deleteInstanceUsage = db.prepare('DELETE FROM instance_usage WHERE account_id = ? AND agent_instance_id = ?');
    this.#deleteInstance = db.prepare('DELETE FROM agent_instances WHERE account_id = ? AND id = ?');
    this.#deleteAlerts = db.prepare('DELETE FROM alerts WHERE account_id = ? AND agent_instance_id = ?');
  }

  /** `pending`: the commit group's pending changes, which the deleted rows are taken out of. */
  run(before: string, spanBudget: number, instances: InstanceCache, pending: PendingSpanCounts, rollups: RollupWrites): PurgeCounts {
    const done: PurgeCounts = { instances: 0, spans: 0 };
    const candidates = this.#candidates.all({ before }) as InstanceRecord[];
    for (const run of candidates) {
      const { account_id, id, environment_id } = run;
      const budget = spanBudget - done.spans;
      const gone = this.#deleteSpans.all(account_id, id, budget) as SpanRecord[];
      for (const span of gone) pending.activity.add(span, environment_id, -1);
      rollups.spansDeleted(pending.rollups, gone, run);
      const deleted = gone.length;
      done.spans += deleted;
      // Fewer than asked for: the instance has no spans left, and goes too.
      if (deleted >= budget) break;
      this.#deleteCounts.run(account_id, id);
      this.#deleteTypeCounts.run(account_id, id);
      this.#deleteAlerts.run(account_id, id);
      // Before its usage rows go: the run's tokens by model are read from them.
      rollups.runDeleted(pending.rollups, run);
      this.#deleteSpanUsage.run(account_id, id);
      this.#deleteInstanceUsage.run(account_id, id);
      pending.usage.forgetRun(account_id, id);
      this.#deleteInstance.run(account_id, id);
      instances.forget(account_id, id);
      done.instances += 1;
    }
    return done;
  }
}
