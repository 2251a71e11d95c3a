import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PurgeCounts, Store } from '../../store/store.js';
import { LEDGER_RETENTION_MS } from '../idempotency-ledger.js';
import { timestampFromMs, type Timestamp } from '../timestamps.js';

/** Spans one purge step deletes at most: a step is one short transaction beside the API's writes. */
export const PURGE_STEP_SPANS = 100;
/**
 * The share of wall time a purge spends in its steps; it rests between them for the rest. On
 * SQLite a step takes the one write lock (and, in the server, the event loop), so a purge at full
 * speed would take most of the store's write capacity; a background purge has hours to finish.
 */
export const PURGE_DUTY_CYCLE = 0.1;

export interface PurgeReport extends PurgeCounts {
  /** Idempotency-ledger entries deleted (or, in a dry run, that would be). */
  ledger: number;
}

/**
 * Ledger entries go when older than the cutoff, but never inside the ledger's own retention: a
 * client retrying a request it sent an hour ago still gets its first answer, whatever was purged.
 */
export function ledgerCutoff(before: Timestamp, nowMs = Date.now()): Timestamp {
  const ledgerKept = timestampFromMs(nowMs - LEDGER_RETENTION_MS);
  return before < ledgerKept ? before : ledgerKept;
}

export interface PurgeOptions {
  /** Spans per step (default `PURGE_STEP_SPANS`). */
  stepSpans?: number;
  /** Share of wall time spent in steps, in (0, 1] (default `PURGE_DUTY_CYCLE`; 1 never rests). */
  dutyCycle?: number;
  /** Stops between steps; what was deleted so far stays deleted and is reported. */
  signal?: AbortSignal;
}

/**
 * Deletes every instance that finished before `before`, with its spans, a small step (one
 * transaction) at a time, resting between steps (see `PURGE_DUTY_CYCLE`) so the API's writes go on; then
 * the ledger entries older than `ledgerCutoff(before)`.
 */
export async function purgeFinishedBefore(store: Store, before: Timestamp, options: PurgeOptions = {}): Promise<PurgeReport> {
  const stepSpans = options.stepSpans ?? PURGE_STEP_SPANS;
  const rest = (1 - (options.dutyCycle ?? PURGE_DUTY_CYCLE)) / (options.dutyCycle ?? PURGE_DUTY_CYCLE);
  const report: PurgeReport = { instances: 0, spans: 0, ledger: 0 };
  for (;;) {
    if (options.signal?.aborted) return report;
    const started = performance.now();
    const step = await store.write((tx) => tx.purgeFinished(before, stepSpans));
    report.instances += step.instances;
    report.spans += step.spans;
    if (step.instances === 0 && step.spans === 0) break;
    await sleep((performance.now() - started) * rest, undefined, { signal: options.signal }).catch(() => {});
  }
  if (!options.signal?.aborted) report.ledger = await store.write((tx) => tx.pruneIdempotency(ledgerCutoff(before)));
  return report;
}

/** What `purgeFinishedBefore(store, before)` would delete now, deleting nothing. */
export function purgeableBefore(store: Store, before: Timestamp): Promise<PurgeReport> {
  return store.read(async (tx) => ({
    ...(await tx.purgeable(before)),
    ledger: await tx.countIdempotencyBefore(ledgerCutoff(before)),
  }));
}
