import type { SpanOffsetQuery, SpanRecord } from '../records.js';
import { spanCheckpointSql, type SpanCheckpointSql, type SpanKey } from '../span-checkpoint-sql.js';
import { SpanCheckpoints, type CheckpointReads, type SpanFingerprint } from '../span-checkpoints.js';
import { statement, type Sql, type Statement } from './sql.js';

/** Named statements of each checkpointed order, made on first use. */
const statements = new Map<string, Statement>();

function named(name: string, text: string): Statement {
  let found = statements.get(name);
  if (!found) statements.set(name, (found = statement('spans', `spans_${name}`, text)));
  return found;
}

/** The checkpoints of one store's reads (kept by its read transaction), and the statements that read them. */
export class PostgresSpanCheckpoints {
  readonly #kept = new SpanCheckpoints();

  page(sql: Sql, query: SpanOffsetQuery, whole: () => Promise<SpanRecord[]>): Promise<{ rows: SpanRecord[]; total: number }> {
    const reads: CheckpointReads = {
      fingerprint: async (s: SpanCheckpointSql, values) =>
        (await sql.first<SpanFingerprint & Record<string, unknown>>(named(`${s.shape}_fingerprint`, s.fingerprint), values))!,
      checkpoints: async (s, values) => sql.rows<SpanKey & Record<string, unknown>>(named(`${s.shape}_keys`, s.checkpoints), values),
      segment: async (s, last, values) =>
        sql.rows<SpanRecord & Record<string, unknown>>(named(`${s.shape}_${last ? 'last' : 'segment'}`, last ? s.lastSegment : s.segment), values),
      whole,
    };
    return this.#kept.page(
      query,
      spanCheckpointSql(query, (n) => `$${n}`),
      reads,
    );
  }
}
