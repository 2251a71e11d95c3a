import type { SpanOffsetQuery, SpanRecord } from './records.js';
import { CHECKPOINT_EVERY, type SpanCheckpointSql, type SpanKey } from './span-checkpoint-sql.js';

/** What the span counters say of an agent's spans; equal fingerprints mean the same rows. */
export interface SpanFingerprint {
  instances: number;
  total: number;
  squares: number | string;
}

/** The reads an engine runs for a checkpointed page (its statements prepared and cached its own way). */
export interface CheckpointReads {
  fingerprint(sql: SpanCheckpointSql, values: unknown[]): Promise<SpanFingerprint>;
  checkpoints(sql: SpanCheckpointSql, values: unknown[]): Promise<SpanKey[]>;
  segment(sql: SpanCheckpointSql, last: boolean, values: unknown[]): Promise<SpanRecord[]>;
  /** The page read without checkpoints (the agent has few spans). */
  whole(): Promise<SpanRecord[]>;
}

/** Below this many spans, sorting all of an agent's keys is cheaper than keeping checkpoints. */
const FEW_SPANS = 10 * CHECKPOINT_EVERY;
/** Keys kept per store, all orders together (an order of 10⁷ spans keeps 10⁵): some tens of MB at most. */
const KEPT_KEYS = 200_000;

interface Entry {
  fingerprint: string;
  keys: SpanKey[];
}

/**
 * Offset pages of an agent's spans that cost about one page, wherever the offset.
 *
 * An agent's spans are kept in no index of their own (each stored span would maintain one more
 * b-tree), so `OFFSET n` sorts every key of the agent before the page: paging through 10⁵ spans
 * sorted 10⁵ keys a thousand times. Instead, the key of every 100th row of the order is read once
 * (one sort) and kept; a page then reads only the rows between the checkpoints around its offset.
 *
 * The checkpoints are kept for as long as the agent's span counters (maintained by every write, in
 * its own transaction, in every server process) add up to the same fingerprint: the number of
 * instances with spans, the total, and the sum of each instance's count squared. A span's sort key
 * never changes once stored and spans leave only with their instance, so a new span or a deleted
 * run changes it; a run that lost spans while another gained exactly as many would not, and only
 * until the next write of the agent.
 */
export class SpanCheckpoints {
  readonly #orders = new Map<string, Entry>();
  #keys = 0;

  async page(query: SpanOffsetQuery, sql: SpanCheckpointSql, reads: CheckpointReads): Promise<{ rows: SpanRecord[]; total: number }> {
    const agentId = query.agent_id!;
    const owner = [query.account_id, agentId];
    const counted = await reads.fingerprint(sql, owner);
    const total = Number(counted.total);
    if (total <= FEW_SPANS) return { rows: await reads.whole(), total };
    if (query.offset >= total) return { rows: [], total };
    const fingerprint = `${counted.instances}:${total}:${counted.squares}`;
    const name = `${query.account_id}\0${agentId}\0${sql.shape}`;
    const entry = await this.#entry(name, fingerprint, () => reads.checkpoints(sql, owner));
    const at = Math.floor(query.offset / CHECKPOINT_EVERY);
    const from = entry.keys[at];
    if (!from) return { rows: [], total };
    // The first checkpoint at or after the page's end: a page reads its own keys and fewer than
    // 2·EVERY others (none when the offset and limit are multiples of EVERY, as 100-row pages are).
    const to = entry.keys[Math.ceil((query.offset + query.limit) / CHECKPOINT_EVERY)];
    const values = sql.segmentValues(query.account_id, agentId, from, to, query.limit, query.offset - at * CHECKPOINT_EVERY);
    return { rows: await reads.segment(sql, to === undefined, values), total };
  }

  /** The order's checkpoints if still current, else read anew; the least recently used go first. */
  async #entry(name: string, fingerprint: string, read: () => Promise<SpanKey[]>): Promise<Entry> {
    let entry = this.#orders.get(name);
    this.#forget(name);
    if (entry?.fingerprint !== fingerprint) entry = { fingerprint, keys: await read() };
    this.#forget(name);
    this.#orders.set(name, entry);
    this.#keys += entry.keys.length;
    for (const oldest of this.#orders.keys()) {
      if (this.#keys <= KEPT_KEYS || oldest === name) break;
      this.#forget(oldest);
    }
    return entry;
  }

  #forget(name: string): void {
    const entry = this.#orders.get(name);
    if (!entry) return;
    this.#keys -= entry.keys.length;
    this.#orders.delete(name);
  }
}

/** Pages read from checkpoints: an agent's, without time bounds (bounded pages count their range anyway). */
export const isCheckpointed = (query: SpanOffsetQuery): boolean =>
  query.agent_id !== undefined && query.start_time === undefined && query.end_time === undefined;
