import type { Database, Statement } from 'better-sqlite3';
import type { SpanOffsetQuery, SpanRecord } from '../records.js';
import { spanCheckpointSql, type SpanCheckpointSql, type SpanKey } from '../span-checkpoint-sql.js';
import { SpanCheckpoints, type CheckpointReads, type SpanFingerprint } from '../span-checkpoints.js';

/** better-sqlite3 binds `@p1`, `@p2`, … from an object's `p1`, `p2`, …: one value may serve several places. */
const named = (values: unknown[]) => Object.fromEntries(values.map((value, i) => [`p${i + 1}`, value]));

/** The checkpoints of one SQLite connection's reads, and the statements that read them. */
export class SqliteSpanCheckpoints {
  readonly #db: Database;
  readonly #statements = new Map<string, Statement>();
  readonly #kept = new SpanCheckpoints();

  constructor(db: Database) {
    this.#db = db;
  }

  #statement(name: string, text: string): Statement {
    let statement = this.#statements.get(name);
    if (!statement) this.#statements.set(name, (statement = this.#db.prepare(text)));
    return statement;
  }

  page(query: SpanOffsetQuery, whole: () => SpanRecord[]): Promise<{ rows: SpanRecord[]; total: number }> {
    const sql = spanCheckpointSql(query, (n) => `@p${n}`);
    const reads: CheckpointReads = {
      fingerprint: async (s: SpanCheckpointSql, values) =>
        this.#statement(`${s.shape}_fingerprint`, s.fingerprint).get(named(values)) as SpanFingerprint,
      checkpoints: async (s, values) => this.#statement(`${s.shape}_keys`, s.checkpoints).all(named(values)) as SpanKey[],
      segment: async (s, last, values) =>
        this.#statement(`${s.shape}_${last ? 'last' : 'segment'}`, last ? s.lastSegment : s.segment).all(named(values)) as SpanRecord[],
      whole: async () => whole(),
    };
    return this.#kept.page(query, sql, reads);
  }
}
