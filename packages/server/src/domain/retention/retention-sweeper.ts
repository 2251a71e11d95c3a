import type { Store } from '../../store/store.js';
import { timestampFromMs } from '../timestamps.js';
import { purgeFinishedBefore, type PurgeReport } from './purge.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often the sweeper looks for instances past the retention period. */
export const RETENTION_SWEEP_INTERVAL_MS = 60 * 60 * 1000;
/** Longest retention accepted: a hundred years. */
export const MAX_RETENTION_DAYS = 36_500;

export interface SweepLog {
  swept(report: PurgeReport, cutoff: string): void;
  failed(error: unknown): void;
}

/**
 * Keeps finished instances for `days` days: a sweep at start and then every hour deletes those
 * that finished earlier (see `purgeFinishedBefore`). Sweeps never overlap; `stop` ends the running
 * one between two steps and waits for it.
 */
export class RetentionSweeper {
  readonly #store: Store;
  readonly #days: number;
  readonly #log: SweepLog;
  readonly #stop = new AbortController();
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<void> | undefined;

  constructor(store: Store, days: number, log: SweepLog) {
    this.#store = store;
    this.#days = days;
    this.#log = log;
  }

  start(intervalMs = RETENTION_SWEEP_INTERVAL_MS): void {
    void this.sweep();
    this.#timer = setInterval(() => void this.sweep(), intervalMs).unref();
  }

  /** One sweep now (or the one already running). */
  sweep(): Promise<void> {
    this.#running ??= this.#sweepOnce().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#stop.abort();
    await this.#running;
  }

  async #sweepOnce() {
    if (this.#stop.signal.aborted) return;
    const cutoff = timestampFromMs(Date.now() - this.#days * DAY_MS);
    try {
      const report = await purgeFinishedBefore(this.#store, cutoff, { signal: this.#stop.signal });
      this.#log.swept(report, cutoff);
    } catch (error) {
      this.#log.failed(error);
    }
  }
}
