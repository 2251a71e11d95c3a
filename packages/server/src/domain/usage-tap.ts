import type { UsageWritten } from '../store/usage-watch.js';
import type { WriteTx } from '../store/store.js';

export type { UsageWritten };

/**
 * `unit` whose result carries what its span writes added to their runs' token totals (`usage`, as
 * the store reports it: `WriteTx.watchUsage`), for counters that outlive no transaction
 * (Prometheus), told once the write has committed.
 */
export function withUsage<T extends object>(unit: (tx: WriteTx) => Promise<T>): (tx: WriteTx) => Promise<T & { usage: UsageWritten[] }> {
  return async (tx) => {
    // One list per run of the unit: a unit run again (a batch that did not commit) starts empty.
    const usage: UsageWritten[] = [];
    tx.watchUsage(usage);
    try {
      // Each run of a unit answers a new object (see IdempotencyLedger.guard): adding to it copies nothing.
      const answer = (await unit(tx)) as T & { usage: UsageWritten[] };
      answer.usage = usage;
      return answer;
    } finally {
      tx.watchUsage(null);
    }
  };
}
