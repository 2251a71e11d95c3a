import type { SpanRecord } from '../store/records.js';
import { modelKey, runShare, usageChange, usageOfSpan } from '../store/span-usage.js';
import type { WriteTx } from '../store/store.js';

/** Tokens a write added to a run's totals under one agent and model (counts in `COUNT_COLUMNS` order). */
export interface UsageWritten {
  agent_id: string;
  /** The model id as recorded; '' when the usage named none. */
  model: string;
  delta: number[];
}

/**
 * `tx` with its span writes watched: what each adds to the run totals (the store's own rule, see
 * store/span-usage.ts) goes into `sink`. The store keeps the totals itself; this is only for
 * counters that outlive no transaction (Prometheus), told once the write has committed.
 */
function watched(tx: WriteTx, sink: UsageWritten[]): WriteTx {
  const add = (row: SpanRecord) => {
    const usage = usageOfSpan(row);
    const share = runShare(usage);
    if (share.some((n) => n !== 0)) sink.push({ agent_id: row.agent_id, model: modelKey(usage), delta: share });
  };
  const taps: Partial<WriteTx> = {
    async insertSpan(row) {
      await tx.insertSpan(row);
      add(row);
    },
    async insertSpansIfAbsent(rows) {
      const inserted = await tx.insertSpansIfAbsent(rows);
      const ids = new Set(inserted);
      for (const row of rows) if (ids.has(row.id)) add(row);
      return inserted;
    },
    async updateSpan(row, previousStatus, previousResultJson = row.result_payload_json) {
      await tx.updateSpan(row, previousStatus, previousResultJson);
      for (const { model, delta } of usageChange(row, previousResultJson)?.runChanges ?? []) sink.push({ agent_id: row.agent_id, model, delta });
    },
  };
  return new Proxy(tx, {
    get(target, name) {
      if (Object.hasOwn(taps, name)) return taps[name as keyof WriteTx];
      // The engines' transactions keep private fields: their methods run on the transaction itself.
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** `unit` whose result carries the usage its span writes stored (`usage`), for a unit that commits. */
export function withUsage<T extends object>(unit: (tx: WriteTx) => Promise<T>): (tx: WriteTx) => Promise<T & { usage: UsageWritten[] }> {
  return async (tx) => {
    // One list per run of the unit: a unit run again (a batch that did not commit) starts empty.
    const usage: UsageWritten[] = [];
    const result = await unit(watched(tx, usage));
    return { ...result, usage };
  };
}
