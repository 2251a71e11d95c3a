import type { SpanRecord } from './records.js';
import { isZero, modelKey, runShare, type RunChange, type SpanUsage } from './span-usage.js';

/** Tokens a write added to a run's totals under one agent and model (counts in `COUNT_COLUMNS` order). */
export interface UsageWritten {
  agent_id: string;
  /** The model id as recorded; '' when the usage named none. */
  model: string;
  delta: number[];
}

/**
 * A transaction's report of what its span writes add to their runs' token totals, kept only while
 * someone watches (`WriteTx.watchUsage`). The engines work that share out anyway to keep
 * `instance_usage`, so they hand it on here: a watcher gets it without a span's usage being
 * normalised a second time, and an unwatched write pays nothing.
 */
export class UsageWatch {
  #sink: UsageWritten[] | null = null;

  watch(sink: UsageWritten[] | null): void {
    this.#sink = sink;
  }

  get watching(): boolean {
    return this.#sink !== null;
  }

  /** A new span's usage: its share of the run's totals (`share`: `runShare(usage)`, when already at hand). */
  inserted(row: SpanRecord, usage: SpanUsage | null, share?: number[]): void {
    if (this.#sink === null || usage === null) return;
    const delta = share ?? runShare(usage);
    if (!isZero(delta)) this.#sink.push({ agent_id: row.agent_id, model: modelKey(usage), delta });
  }

  /** A finish's changes of the run's totals (`usageChange`). */
  changed(row: SpanRecord, changes: readonly RunChange[]): void {
    if (this.#sink === null) return;
    for (const { model, delta } of changes) this.#sink.push({ agent_id: row.agent_id, model, delta });
  }
}
