import type { Database, Statement } from 'better-sqlite3';
import type { InstanceRecord, SpanRecord } from '../records.js';
import { runContribution, runDims, runMoved, runStart, spanContribution, TOKEN_COLUMNS, type SpanInstance } from '../rollups.js';
import { runShare, spanUsageRecord, type SpanUsage } from '../span-usage.js';
import type { PendingRollups } from './pending-rollups.js';

/**
 * A run's token key for a model, made once per run row: the writer hands its instance rows out
 * shared and never changes one (a changed run is a new row), and every span with usage asks.
 */
const tokenKeys = new WeakMap<InstanceRecord, Map<string, string[]>>();
function tokenDims(run: InstanceRecord, model: string): string[] {
  let byModel = tokenKeys.get(run);
  if (!byModel) tokenKeys.set(run, (byModel = new Map<string, string[]>()));
  let dims = byModel.get(model);
  if (!dims) byModel.set(model, (dims = [...runDims(run), model]));
  return dims;
}

/**
 * The analytics rollups' side of the writer's span and run writes (see store/rollups.ts): each
 * takes away what a row contributed before and adds what it contributes now, into the commit
 * group's pending changes.
 */
export class RollupWrites {
  readonly #usageOf: Statement;
  readonly #modelTokens: Statement;

  constructor(db: Database) {
    this.#usageOf = db.prepare('SELECT * FROM span_usage WHERE account_id = ? AND agent_instance_id = ?');
    this.#modelTokens = db.prepare(
      `SELECT model, ${TOKEN_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ')} FROM span_usage
       WHERE account_id = ? AND agent_instance_id = ? AND sums_children = 0 GROUP BY model`,
    );
  }

  /** A span's tokens under its run's key, by model (`tokens`: its `runShare`, when already at hand). */
  #runTokens(pending: PendingRollups, run: InstanceRecord | undefined, usage: SpanUsage | null, sign: 1 | -1, tokens?: number[]) {
    if (!run || usage === null || usage.sums_children) return;
    const dims = tokenDims(run, usage.model ?? '');
    pending.runTokens({ dims, at: runStart(run), n: 0, bucket: null, duration_ms: 0, tokens: tokens ?? runShare(usage) }, sign);
  }

  /** A new span (`share`: its `runShare`, which the rollups only read). */
  spanInserted(pending: PendingRollups, row: SpanRecord, run: InstanceRecord | undefined, usage: SpanUsage | null, share: number[]) {
    pending.span(spanContribution(row, run, usage, share), 1);
    this.#runTokens(pending, run, usage, 1, share);
  }

  spanFinished(
    pending: PendingRollups,
    row: SpanRecord,
    previousStatus: SpanRecord['status'],
    run: InstanceRecord | undefined,
    before: SpanUsage | null,
    after: SpanUsage | null,
  ) {
    pending.span(spanContribution({ ...row, status: previousStatus, finished_at: null }, run, before), -1);
    pending.span(spanContribution(row, run, after), 1);
    if (before !== after) {
      this.#runTokens(pending, run, before, -1);
      this.#runTokens(pending, run, after, 1);
    }
  }

  #usages(accountId: string, instanceId: string): Map<string, SpanUsage> {
    const rows = this.#usageOf.all(accountId, instanceId) as Array<Record<string, unknown>>;
    return new Map(rows.map((row) => [row.span_id as string, spanUsageRecord(row)]));
  }

  /** Spans a terminate (or a finish of their run) cancelled: their usage stays, their status and duration move. */
  spansCancelled(pending: PendingRollups, rows: readonly SpanRecord[], previousStatus: SpanRecord['status'], run: SpanInstance) {
    if (rows.length === 0) return;
    const usages = this.#usages(rows[0]!.account_id, rows[0]!.agent_instance_id);
    for (const row of rows) {
      const usage = usages.get(row.id) ?? null;
      pending.span(spanContribution({ ...row, status: previousStatus, finished_at: null }, run, usage), -1);
      pending.span(spanContribution(row, run, usage), 1);
    }
  }

  /** Spans the retention purge deleted (their usage rows still stored: they go with the run). */
  spansDeleted(
    pending: PendingRollups,
    rows: ReadonlyArray<
      Pick<SpanRecord, 'id' | 'account_id' | 'agent_id' | 'agent_instance_id' | 'schema_name' | 'status' | 'started_at' | 'finished_at'>
    >,
    run: SpanInstance,
  ) {
    if (rows.length === 0) return;
    const usages = this.#usages(rows[0]!.account_id, rows[0]!.agent_instance_id);
    for (const row of rows) pending.span(spanContribution(row, run, usages.get(row.id) ?? null), -1);
  }

  runInserted(pending: PendingRollups, run: InstanceRecord) {
    pending.run(runContribution(run), 1);
  }

  /** A run's update: it moves when its key or duration changes, and its tokens with its key. */
  runUpdated(pending: PendingRollups, before: InstanceRecord | undefined, after: InstanceRecord) {
    if (!before) {
      pending.run(runContribution(after), 1);
      return;
    }
    if (!runMoved(before, after)) return;
    pending.run(runContribution(before), -1);
    pending.run(runContribution(after), 1);
    if (before.status === after.status && runStart(before) === runStart(after)) return;
    this.#moveRunTokens(pending, before, -1);
    this.#moveRunTokens(pending, after, 1);
  }

  /** The run left the store: its count, duration and tokens go with it. */
  runDeleted(pending: PendingRollups, run: InstanceRecord) {
    pending.run(runContribution(run), -1);
    this.#moveRunTokens(pending, run, -1);
  }

  #moveRunTokens(pending: PendingRollups, run: InstanceRecord, sign: 1 | -1) {
    for (const row of this.#modelTokens.all(run.account_id, run.id) as Array<Record<string, unknown>>) {
      const tokens = TOKEN_COLUMNS.map((c) => Number(row[c]));
      pending.runTokens(
        { dims: [...runDims(run), row.model === null ? '' : String(row.model)], at: runStart(run), n: 0, bucket: null, duration_ms: 0, tokens },
        sign,
      );
    }
  }
}
