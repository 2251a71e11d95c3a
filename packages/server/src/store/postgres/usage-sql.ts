import type pg from 'pg';
import { spanUsage } from '../../usage/normalise.js';
import type { SpanRecord } from '../records.js';
import { COUNT_COLUMNS, SPAN_USAGE_COLUMNS, spanUsageValues, type SpanUsage } from '../span-usage.js';
import { literal, statement } from './sql.js';

const COUNTS = COUNT_COLUMNS.join(', ');
const ADD_COUNTS = COUNT_COLUMNS.map((c) => `${c} = instance_usage.${c} + excluded.${c}`).join(', ');
const SUMS = COUNT_COLUMNS.map((c) => `sum(${c})`).join(', ');

/**
 * Run totals by model ('' for none) are kept per writing backend (slot = pg_backend_pid()), summed
 * when read, as the span counters are: concurrent creates on one instance never wait for each
 * other's counter row. A group that adds nothing writes no row.
 */
const addToRun = (from: string) =>
  `INSERT INTO instance_usage (account_id, agent_instance_id, model, slot, ${COUNTS})
   SELECT account_id, agent_instance_id, coalesce(model, ''), pg_backend_pid(), ${SUMS} FROM ${from} WHERE NOT sums_children
   GROUP BY account_id, agent_instance_id, coalesce(model, '')
   HAVING ${COUNT_COLUMNS.map((c) => `sum(${c}) <> 0`).join(' OR ')}
   ON CONFLICT (account_id, agent_instance_id, model, slot) DO UPDATE SET ${ADD_COUNTS}`;

/** A `span_usage` row as a VALUES list of literals (the SELECT casts them). */
const usageRow = (values: ReturnType<typeof spanUsageValues>) =>
  `(${values.map((value, i) => (i === 4 ? (value === 1 ? "'t'" : "'f'") : literal(value))).join(', ')})`;

const CASTS = SPAN_USAGE_COLUMNS.map((c, i) => (i < 4 ? `u.${c}` : i === 4 ? `u.${c}::boolean` : `u.${c}::bigint`)).join(', ');

/** The usage rows of these spans (`usages[i]`: `usageOfSpan(rows[i])`), as VALUES lists; undefined when none carries usage. */
export function usageValues(rows: readonly SpanRecord[], usages: ReadonlyArray<SpanUsage | null>): string | undefined {
  const values: string[] = [];
  rows.forEach((row, i) => {
    const usage = usages[i];
    if (usage) values.push(usageRow(spanUsageValues(row, usage)));
  });
  return values.length > 0 ? values.join(', ') : undefined;
}

/**
 * Statement parts (`, name AS (…)`) that store the usage of the spans the `inserted` part of the
 * same statement inserted (a span it skipped stores nothing) and add it to their runs' totals.
 */
export const usageParts = (values: string) => `, used AS (
     INSERT INTO span_usage (${SPAN_USAGE_COLUMNS.join(', ')})
     SELECT ${CASTS} FROM (VALUES ${values}) AS u (${SPAN_USAGE_COLUMNS.join(', ')})
     JOIN inserted i ON i.account_id = u.account_id AND i.id = u.span_id
     RETURNING *), totalled AS (${addToRun('used')})`;

/**
 * The changes of one run's totals a finish makes, from parameters: the keys at `$1`, `$2`; the old
 * model at `$first` with the counts it loses after it, the new model at `$first + 7` with the counts
 * it gains (one model twice when the finish keeps it: the grouping adds them up).
 */
const delta = (first: number) => {
  const change = (at: number) =>
    `SELECT $1::text AS account_id, $2::text AS agent_instance_id, $${at}::text AS model, false AS sums_children, ${COUNT_COLUMNS.map(
      (c, i) => `$${at + 1 + i}::bigint AS ${c}`,
    ).join(', ')}`;
  return `(${change(first)} UNION ALL ${change(first + 7)}) AS delta`;
};

export const USAGE_WRITES = {
  /** A finish's usage (`$1`…`$11`, a row of `span_usage`) and the changes it makes to the run's totals (`$12`…`$25`). */
  putSpanUsage: statement(
    'spans',
    'put_span_usage',
    `WITH put AS (
       INSERT INTO span_usage (${SPAN_USAGE_COLUMNS.join(', ')})
       VALUES ($1, $2, $3, $4, $5::boolean, ${COUNT_COLUMNS.map((_, i) => `$${i + 6}::bigint`).join(', ')})
       ON CONFLICT (account_id, agent_instance_id, span_id) DO UPDATE SET
         model = excluded.model, sums_children = excluded.sums_children, ${COUNT_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}
     ) ${addToRun(delta(12))}`,
  ),
  /** A finish that took the span's usage away; the run's totals change by `$4`…`$17`. */
  deleteSpanUsage: statement(
    'spans',
    'delete_span_usage',
    `WITH gone AS (DELETE FROM span_usage WHERE account_id = $1 AND agent_instance_id = $2 AND span_id = $3)
     ${addToRun(delta(4))}`,
  ),
};

const MODEL_SUMS = `model, ${COUNT_COLUMNS.map((c) => `sum(${c})::bigint AS ${c}`).join(', ')}`;

export const USAGE_READS = {
  spanUsage: statement('spans', 'span_usage', 'SELECT * FROM span_usage WHERE account_id = $1 AND agent_instance_id = $2 AND span_id = $3'),
  // The spans as one JSON array of [instance, span] pairs (`spanKeysJson`): a page's usage in one statement, by key.
  spanUsageOf: statement(
    'spans',
    'span_usage_of',
    `SELECT u.* FROM jsonb_array_elements($2::jsonb) AS j(pair)
     JOIN span_usage AS u ON u.account_id = $1 AND u.agent_instance_id = j.pair ->> 0 AND u.span_id = j.pair ->> 1`,
  ),
  instanceModelUsage: statement(
    'spans',
    'instance_model_usage',
    `SELECT ${MODEL_SUMS} FROM instance_usage WHERE account_id = $1 AND agent_instance_id = $2 GROUP BY model ORDER BY model`,
  ),
  // Ids as one comma-separated text, as the span counts of a page are read.
  instanceModelUsageOf: statement(
    'spans',
    'instance_model_usage_of',
    `SELECT agent_instance_id, ${MODEL_SUMS} FROM instance_usage
     WHERE account_id = $1 AND agent_instance_id = ANY (string_to_array($2::text, ',')) GROUP BY agent_instance_id, model
     ORDER BY agent_instance_id, model`,
  ),
  usageModels: statement('spans', 'usage_models', 'SELECT DISTINCT model FROM instance_usage WHERE account_id = $1'),
};

/** How many spans the migration reads at a time. */
const FILL_BATCH = 1000;
const MAY_HOLD = (column: string) => `(${column} LIKE '%usage%' OR ${column} LIKE '%Usage%' OR ${column} LIKE '%token_count%')`;

/**
 * Fills `span_usage` for the spans stored before it, with the normaliser
 * the writes use (SQL cannot run it); runs inside the migration's transaction. Only spans whose
 * text may hold usage are read.
 */
export async function fillUsage(client: pg.Client): Promise<void> {
  let after: [string, string] | undefined;
  for (;;) {
    const { rows } = await client.query<SpanRecord>(
      `SELECT account_id, id, agent_instance_id, schema_name, payload_json, result_payload_json FROM spans
       WHERE (${MAY_HOLD('payload_json')} OR ${MAY_HOLD('result_payload_json')}) ${after ? 'AND (account_id, id) > ($2, $3)' : ''}
       ORDER BY account_id, id LIMIT $1`,
      after ? [FILL_BATCH, ...after] : [FILL_BATCH],
    );
    if (rows.length === 0) break;
    const values = rows.flatMap((row) => {
      const usage = spanUsage(row.schema_name, row.payload_json, row.result_payload_json);
      return usage ? [usageRow(spanUsageValues(row, usage))] : [];
    });
    if (values.length > 0) {
      await client.query(
        `INSERT INTO span_usage (${SPAN_USAGE_COLUMNS.join(', ')})
         SELECT ${CASTS} FROM (VALUES ${values.join(', ')}) AS u (${SPAN_USAGE_COLUMNS.join(', ')})`,
      );
    }
    const last = rows[rows.length - 1]!;
    after = [last.account_id, last.id];
  }
  // The runs' totals are filled from these rows by the step that keeps them by model.
}
