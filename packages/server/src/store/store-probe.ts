/** What a store reports as it works, for metrics; nothing is timed while nobody listens. */
export interface StoreObserver {
  /** A physical commit took this long (SQLite: a commit group, BEGIN to COMMIT; PostgreSQL: the COMMIT round trip). */
  commit?(seconds: number): void;
  /** An fsync that makes commits durable took this long (SQLite's write-ahead log). */
  fsync?(seconds: number): void;
}

/** How far behind a store is, read when asked (metrics scrapes, the capacity guard). */
export interface StoreLoad {
  /** Write units waiting for their transaction (SQLite's commit queue; on PostgreSQL, requests waiting for a connection). */
  queuedWrites: number;
  /** PostgreSQL's connection pool: connections open, idle, and checkouts waiting for one. */
  pool?: { total: number; idle: number; waiting: number };
}

const seconds = (startNs: bigint) => Number(process.hrtime.bigint() - startNs) / 1e9;

export class StoreProbe {
  readonly #observers = new Set<StoreObserver>();

  /** Calls `observer` from now on, until the returned function is called. */
  observe(observer: StoreObserver): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  /** A start mark for `commitEnded` / `fsyncEnded`, or undefined when nobody listens. */
  start(): bigint | undefined {
    return this.#observers.size === 0 ? undefined : process.hrtime.bigint();
  }

  commitEnded(start: bigint | undefined): void {
    if (start === undefined) return;
    const took = seconds(start);
    for (const observer of this.#observers) observer.commit?.(took);
  }

  fsyncEnded(start: bigint | undefined): void {
    if (start === undefined) return;
    const took = seconds(start);
    for (const observer of this.#observers) observer.fsync?.(took);
  }

  /** Times `run` as a commit when someone listens. */
  async timeCommit<T>(run: () => Promise<T>): Promise<T> {
    const start = this.start();
    try {
      return await run();
    } finally {
      this.commitEnded(start);
    }
  }
}
