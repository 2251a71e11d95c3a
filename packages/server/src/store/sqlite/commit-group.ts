import type { Database, Statement } from 'better-sqlite3';
import type { SequenceOutcome, WriteTx } from '../store.js';
import { asStoreError } from './errors.js';
import type { PendingSpanCounts } from './pending-span-counts.js';

type Unit<T> = (tx: WriteTx) => Promise<T>;

interface Entry {
  units: ReadonlyArray<Unit<unknown>>;
  settle(outcome: SequenceOutcome<unknown>): void;
  fail(error: unknown): void;
}

/**
 * Runs the write units queued during one event-loop turn inside one IMMEDIATE transaction, each
 * unit in its own savepoint, and settles them only after the shared COMMIT: one fsync carries every
 * concurrent request, and an answered write is durable.
 */
export class CommitGroup {
  readonly #newTx: () => WriteTx;
  readonly #begin: Statement;
  readonly #commit: Statement;
  readonly #rollback: Statement;
  readonly #savepoint: Statement;
  readonly #release: Statement;
  readonly #rollbackTo: Statement;
  readonly #db: Database;
  readonly #counts: PendingSpanCounts;
  #queue: Entry[] = [];
  #scheduled = false;
  #running = false;
  #idle: Array<() => void> = [];

  constructor(db: Database, newTx: () => WriteTx, counts: PendingSpanCounts) {
    this.#db = db;
    this.#newTx = newTx;
    this.#counts = counts;
    this.#begin = db.prepare('BEGIN IMMEDIATE');
    this.#commit = db.prepare('COMMIT');
    this.#rollback = db.prepare('ROLLBACK');
    this.#savepoint = db.prepare('SAVEPOINT unit');
    this.#release = db.prepare('RELEASE unit');
    this.#rollbackTo = db.prepare('ROLLBACK TO unit');
  }

  write<T>(unit: Unit<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#enqueue({
        units: [unit],
        settle: (outcome) => (outcome.failure ? reject(outcome.failure.error) : resolve(outcome.results[0] as T)),
        fail: reject,
      });
    });
  }

  writeSequence<T>(units: ReadonlyArray<Unit<T>>): Promise<SequenceOutcome<T>> {
    return new Promise<SequenceOutcome<T>>((resolve, reject) => {
      this.#enqueue({ units, settle: (outcome) => resolve(outcome as SequenceOutcome<T>), fail: reject });
    });
  }

  /** Resolves once every queued unit has been settled. */
  drained(): Promise<void> {
    if (!this.#running && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #enqueue(entry: Entry) {
    this.#queue.push(entry);
    this.#schedule();
  }

  #schedule() {
    if (this.#scheduled || this.#running) return;
    this.#scheduled = true;
    setImmediate(() => void this.#flush());
  }

  async #flush() {
    this.#scheduled = false;
    this.#running = true;
    const batch = this.#queue;
    this.#queue = [];
    try {
      await this.#runBatch(batch);
    } finally {
      this.#running = false;
      if (this.#queue.length > 0) this.#schedule();
      else for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  async #runBatch(batch: Entry[]) {
    try {
      this.#begin.run();
    } catch (error) {
      for (const entry of batch) entry.fail(asStoreError(error));
      return;
    }
    const outcomes: Array<SequenceOutcome<unknown>> = [];
    let broken: unknown;
    for (const entry of batch) {
      const outcome: SequenceOutcome<unknown> = { results: [] };
      outcomes.push(outcome);
      for (const unit of entry.units) {
        this.#savepoint.run();
        try {
          outcome.results.push(await unit(this.#newTx()));
          this.#release.run();
          this.#counts.keepUnit();
        } catch (error) {
          this.#counts.dropUnit();
          outcome.failure = { error: asStoreError(error) };
          broken = this.#undoUnit();
          break;
        }
      }
      if (broken) break;
    }
    if (!broken) {
      try {
        this.#counts.flush();
        this.#commit.run();
      } catch (error) {
        broken = asStoreError(error);
      }
    }
    if (broken) {
      this.#counts.clear();
      if (this.#db.inTransaction) this.#rollback.run();
      for (const entry of batch) entry.fail(broken);
      return;
    }
    batch.forEach((entry, index) => entry.settle(outcomes[index]!));
  }

  /** Rolls one unit back; returns the error when the transaction itself is lost (e.g. disk full). */
  #undoUnit(): unknown {
    try {
      this.#rollbackTo.run();
      this.#release.run();
      return undefined;
    } catch (error) {
      return asStoreError(error);
    }
  }
}
