import type { Database, Statement } from 'better-sqlite3';
import { HOUR_KEY_LENGTH } from '../activity-sql.js';
import { encodeHistogram, type Histogram } from '../duration-histogram.js';
import { RUN_ROLLUP_KEY, RUN_TOKEN_KEY, SPAN_ROLLUP_KEY, TOKEN_COLUMNS, type Contribution } from '../rollups.js';

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

const newDelta = (key: string[]): Delta => ({ key, n: 0, finished: 0, duration_ms: 0, tokens: [0, 0, 0, 0, 0, 0], histogram: new Map() });

const sameDims = (a: readonly string[], b: readonly string[]) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return a.length === b.length;
};

function merge(into: Delta, d: Delta) {
  into.n += d.n;
  into.finished += d.finished;
  into.duration_ms += d.duration_ms;
  for (let i = 0; i < 6; i++) into.tokens[i]! += d.tokens[i]!;
  for (const [bucket, n] of d.histogram) into.histogram.set(bucket, (into.histogram.get(bucket) ?? 0) + n);
}

/**
 * One rollup table's changes of one commit group, summed by key at the hour (the day rows are the
 * hours' sums, made once per group when it is written: a span costs one key, not two). A unit's
 * contributions go straight into the group and are listed until the unit is kept; a unit that
 * rolls back takes them out again. Most units are kept, so keeping one costs nothing.
 */
class TableDeltas {
  /** This unit's contributions and their signs, side by side. */
  #unit: Contribution[] = [];
  #unitSigns: Array<1 | -1> = [];
  group: Deltas = new Map();
  /**
   * The key last added to: spans come in runs of one key (a bulk request's, an export's), and
   * comparing a few strings costs less than joining and hashing them again.
   */
  #last: { hour: string; dims: readonly string[]; delta: Delta } | undefined;

  /** `days`: whether the table keeps day rows too (spans; runs are kept by hour only). */
  constructor(readonly days: boolean) {}

  add(c: Contribution, sign: 1 | -1) {
    this.#apply(c, sign);
    this.#unit.push(c);
    this.#unitSigns.push(sign);
  }

  keepUnit() {
    if (this.#unit.length > 0) this.#forgetUnit();
  }

  dropUnit() {
    this.#unit.forEach((c, i) => this.#apply(c, this.#unitSigns[i] === 1 ? -1 : 1));
    this.#forgetUnit();
  }

  #forgetUnit() {
    this.#unit = [];
    this.#unitSigns = [];
  }

  #deltaOf(c: Contribution): Delta {
    const last = this.#last;
    if (last !== undefined && c.at.startsWith(last.hour) && sameDims(last.dims, c.dims)) return last.delta;
    const hour = c.at.slice(0, HOUR_KEY_LENGTH);
    // Ids, names and time keys never hold a NUL, so the joined key is unambiguous.
    const id = `${hour}\0${c.dims.join('\0')}`;
    let delta = this.group.get(id);
    if (!delta) {
      const [account, ...rest] = c.dims;
      this.group.set(id, (delta = newDelta([account!, 'h', hour, ...rest])));
    }
    this.#last = { hour, dims: c.dims, delta };
    return delta;
  }

  #apply(c: Contribution, sign: 1 | -1) {
    const delta = this.#deltaOf(c);
    delta.n += sign * c.n;
    if (c.bucket !== null) {
      delta.finished += sign;
      delta.duration_ms += sign * c.duration_ms;
      delta.histogram.set(c.bucket, (delta.histogram.get(c.bucket) ?? 0) + sign);
    }
    for (let i = 0; i < c.tokens.length; i++) delta.tokens[i]! += sign * c.tokens[i]!;
  }

  /** Empties the group (written or rolled back). */
  forget() {
    this.group = new Map();
    this.#forgetUnit();
    this.#last = undefined;
  }

  /** The group's hour deltas and the day deltas they add up to; empties the group. */
  take(): Delta[] {
    const hours = [...this.group.values()];
    this.forget();
    if (!this.days) return hours;
    const days: Deltas = new Map();
    for (const d of hours) {
      const key = [...d.key];
      key[1] = 'd';
      key[2] = key[2]!.slice(0, 10);
      const id = key.join('\0');
      let day = days.get(id);
      if (!day) days.set(id, (day = newDelta(key)));
      merge(day, d);
    }
    return [...hours, ...days.values()];
  }
}

const upsert = (db: Database, table: string, key: readonly string[], values: readonly string[]) => {
  const columns = [...key, ...values];
  return db.prepare(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
     ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${values
       .map((c) =>
         c === 'hist'
           ? // A write without durations leaves the stored histogram untouched (no decoding it).
             'hist = CASE WHEN excluded.hist IS NULL THEN hist ELSE agentspan_hist_add(hist, excluded.hist) END'
           : `${c} = ${c} + excluded.${c}`,
       )
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
  readonly #spans = new TableDeltas(true);
  readonly #runs = new TableDeltas(false);
  readonly #runTokens = new TableDeltas(false);
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
  /** Tokens of a run under its key (`c.dims` = the run's dims then the model; n 0, no duration). */
  runTokens(c: Contribution, sign: 1 | -1) {
    if (c.tokens.some((t) => t !== 0)) this.#runTokens.add(c, sign);
  }

  keepUnit() {
    this.#spans.keepUnit();
    this.#runs.keepUnit();
    this.#runTokens.keepUnit();
  }

  dropUnit() {
    this.#spans.dropUnit();
    this.#runs.dropUnit();
    this.#runTokens.dropUnit();
  }

  /** Writes the group's changes, inside its transaction. */
  flush() {
    for (const d of this.#spans.take()) {
      if (d.n === 0 && d.finished === 0 && d.tokens.every((t) => t === 0) && [...d.histogram.values()].every((n) => n === 0)) continue;
      this.#upsertSpans.run(...d.key, d.n, d.finished, d.duration_ms, ...d.tokens, encodeHistogram(d.histogram));
    }
    for (const d of this.#runs.take()) {
      if (d.n === 0 && d.finished === 0 && [...d.histogram.values()].every((n) => n === 0)) continue;
      this.#upsertRuns.run(...d.key, d.n, d.finished, d.duration_ms, encodeHistogram(d.histogram));
    }
    for (const d of this.#runTokens.take()) if (d.tokens.some((t) => t !== 0)) this.#upsertRunTokens.run(...d.key, ...d.tokens);
  }

  clear() {
    for (const table of [this.#spans, this.#runs, this.#runTokens]) table.forget();
  }
}
