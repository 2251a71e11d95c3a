import type { Database, Statement } from 'better-sqlite3';
import { encodeHistogram, type Histogram } from '../duration-histogram.js';
import { GRAINS, RUN_ROLLUP_KEY, RUN_TOKEN_KEY, SPAN_ROLLUP_KEY, TOKEN_COLUMNS, type Contribution } from '../rollups.js';

interface Delta {
  /** account_id, grain, period, then the other key columns. */
  key: string[];
  n: number;
  finished: number;
  duration_ms: number;
  tokens: number[];
  histogram: Histogram;
}

type Deltas = Map<string, Delta>;

/** One rollup table's changes of one unit or group, summed by key. */
class TableDeltas {
  unit: Deltas = new Map();
  group: Deltas = new Map();

  add(c: Contribution, sign: 1 | -1) {
    for (const [grain, length] of GRAINS) {
      const [account, ...rest] = c.dims;
      const key = [account!, grain, c.at.slice(0, length), ...rest];
      // Ids, names and time keys never hold a NUL, so the joined key is unambiguous.
      const id = key.join('\0');
      let delta = this.unit.get(id);
      if (!delta) this.unit.set(id, (delta = { key, n: 0, finished: 0, duration_ms: 0, tokens: [0, 0, 0, 0, 0, 0], histogram: new Map() }));
      delta.n += sign * c.n;
      if (c.bucket !== null) {
        delta.finished += sign;
        delta.duration_ms += sign * c.duration_ms;
        delta.histogram.set(c.bucket, (delta.histogram.get(c.bucket) ?? 0) + sign);
      }
      c.tokens.forEach((t, i) => (delta.tokens[i]! += sign * t));
    }
  }

  keepUnit() {
    for (const [id, d] of this.unit) {
      const into = this.group.get(id);
      if (!into) {
        this.group.set(id, d);
        continue;
      }
      into.n += d.n;
      into.finished += d.finished;
      into.duration_ms += d.duration_ms;
      d.tokens.forEach((t, i) => (into.tokens[i]! += t));
      for (const [bucket, n] of d.histogram) into.histogram.set(bucket, (into.histogram.get(bucket) ?? 0) + n);
    }
    this.unit = new Map();
  }
}

const upsert = (db: Database, table: string, key: readonly string[], values: readonly string[]) => {
  const columns = [...key, ...values];
  return db.prepare(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
     ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${values
       .map((c) => (c === 'hist' ? 'hist = agentspan_hist_add(hist, excluded.hist)' : `${c} = ${c} + excluded.${c}`))
       .join(', ')}`,
  );
};

/**
 * Changes to the analytics rollups of one commit group, kept and written as `PendingActivity`
 * keeps span_activity (and with it: the same unit and group): a hundred spans of one hour and key
 * are one upsert per grain. A histogram is merged in SQL (`agentspan_hist_add`, lent to the
 * connection), so a write never reads it back.
 */
export class PendingRollups {
  readonly #spans = new TableDeltas();
  readonly #runs = new TableDeltas();
  readonly #runTokens = new TableDeltas();
  readonly #upsertSpans: Statement;
  readonly #upsertRuns: Statement;
  readonly #upsertRunTokens: Statement;

  constructor(db: Database) {
    this.#upsertSpans = upsert(db, 'span_rollups', SPAN_ROLLUP_KEY, ['n', 'finished', 'duration_ms', ...TOKEN_COLUMNS, 'hist']);
    this.#upsertRuns = upsert(db, 'run_rollups', RUN_ROLLUP_KEY, ['n', 'finished', 'duration_ms', 'hist']);
    this.#upsertRunTokens = upsert(db, 'run_rollup_tokens', RUN_TOKEN_KEY, [...TOKEN_COLUMNS]);
  }

  span(c: Contribution, sign: 1 | -1) {
    this.#spans.add(c, sign);
  }
  run(c: Contribution, sign: 1 | -1) {
    this.#runs.add(c, sign);
  }
  /** Tokens of a run under its key (`c.dims` = the run's dims then the model). */
  runTokens(c: Contribution, sign: 1 | -1) {
    if (c.tokens.some((t) => t !== 0)) this.#runTokens.add({ ...c, n: 0, bucket: null }, sign);
  }

  keepUnit() {
    this.#spans.keepUnit();
    this.#runs.keepUnit();
    this.#runTokens.keepUnit();
  }

  dropUnit() {
    for (const table of [this.#spans, this.#runs, this.#runTokens]) if (table.unit.size > 0) table.unit = new Map();
  }

  /** Writes the group's changes, inside its transaction. */
  flush() {
    for (const d of this.#take(this.#spans)) {
      if (d.n === 0 && d.finished === 0 && d.tokens.every((t) => t === 0) && [...d.histogram.values()].every((n) => n === 0)) continue;
      this.#upsertSpans.run(...d.key, d.n, d.finished, d.duration_ms, ...d.tokens, encodeHistogram(d.histogram));
    }
    for (const d of this.#take(this.#runs)) {
      if (d.n === 0 && d.finished === 0 && [...d.histogram.values()].every((n) => n === 0)) continue;
      this.#upsertRuns.run(...d.key, d.n, d.finished, d.duration_ms, encodeHistogram(d.histogram));
    }
    for (const d of this.#take(this.#runTokens)) if (d.tokens.some((t) => t !== 0)) this.#upsertRunTokens.run(...d.key, ...d.tokens);
  }

  #take(table: TableDeltas) {
    const group = table.group;
    table.group = new Map();
    return group.values();
  }

  clear() {
    for (const table of [this.#spans, this.#runs, this.#runTokens]) {
      table.unit = new Map();
      table.group = new Map();
    }
  }
}
