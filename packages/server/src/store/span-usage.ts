/*
 * The store keeps each span's normalised token usage in a side table (`span_usage`), not in
 * columns of `spans`: most spans are no model call, and a side table keeps their rows as narrow
 * as before, while a span with usage pays one small row more. A run's totals by model
 * (`instance_usage`, '' for usage that names no model) are kept beside them by the same writes,
 * so an instance's tokens and cost are a few rows read, and its cost is priced at read.
 *
 * The normaliser is a pure function of a span's type and payloads (no store, no clock), so the
 * write primitives of both engines call it and every write path (API, bulk, OTLP, import) stores
 * the same answer.
 */
import { sameUsage, spanUsage, type PayloadObjects, type SpanUsage } from '../usage/normalise.js';
import type { TokenCounts } from '../usage/token-counts.js';
import type { SpanRecord } from './records.js';

export type { PayloadObjects, SpanUsage, TokenCounts };

/** A span's usage as stored. */
export interface SpanUsageRecord extends SpanUsage {
  account_id: string;
  agent_instance_id: string;
  span_id: string;
}

/** The counts in the order the tables keep them. */
export const COUNT_COLUMNS = ['input', 'output', 'cache_read', 'cache_write', 'reasoning', 'total'] as const;

/** `made`: the objects the row's payload texts were made from, when at hand (see `WriteTx.insertSpan`). */
export const usageOfSpan = (row: SpanRecord, made?: PayloadObjects): SpanUsage | null =>
  spanUsage(row.schema_name, row.payload_json, row.result_payload_json, made);

/** What a span's usage adds to its run's totals: nothing when it sums its children's (they count themselves). */
export function runShare(usage: SpanUsage | null): number[] {
  if (usage === null || usage.sums_children) return [0, 0, 0, 0, 0, 0];
  // COUNT_COLUMNS' order, written out: every span write with usage asks.
  return [usage.input, usage.output, usage.cache_read, usage.cache_write, usage.reasoning, usage.total];
}

/** The key of a usage's model in `instance_usage`: '' stands for none (a key column is never null). */
export const modelKey = (usage: SpanUsage | null): string => usage?.model ?? '';

/** A change of one run's totals under one model. */
export interface RunChange {
  model: string;
  delta: number[];
}

/**
 * The usage a finish changes, from the result the span had to the one it has now; undefined when it
 * stays (the common case: the result did not change, or neither result carries usage). `runChanges`
 * take the old share out under the old model and add the new one under the new (a finish may name
 * the model that answered); a change of nothing is left out.
 */
export function usageChange(row: SpanRecord, previousResultJson: string | null): { after: SpanUsage | null; runChanges: RunChange[] } | undefined {
  if (previousResultJson === row.result_payload_json) return undefined;
  const before = spanUsage(row.schema_name, row.payload_json, previousResultJson);
  const after = usageOfSpan(row);
  if (sameUsage(before, after)) return undefined;
  const was = runShare(before);
  const now = runShare(after);
  const changes =
    modelKey(before) === modelKey(after)
      ? [{ model: modelKey(after), delta: now.map((n, i) => n - was[i]!) }]
      : [
          { model: modelKey(before), delta: was.map((n) => -n) },
          { model: modelKey(after), delta: now },
        ];
  return { after, runChanges: changes.filter((change) => !isZero(change.delta)) };
}

export const isZero = (delta: readonly number[]) => delta.every((n) => n === 0);

/** The values of a `span_usage` row, in its column order (sums_children as 0/1). */
export const spanUsageValues = (row: SpanRecord, usage: SpanUsage): Array<string | number | null> => [
  row.account_id,
  row.agent_instance_id,
  row.id,
  usage.model,
  usage.sums_children ? 1 : 0,
  ...COUNT_COLUMNS.map((column) => usage[column]),
];

export const SPAN_USAGE_COLUMNS = ['account_id', 'agent_instance_id', 'span_id', 'model', 'sums_children', ...COUNT_COLUMNS] as const;

/** Spans as the JSON array of [agent_instance_id, span id] pairs `spanUsageOf` reads by. */
export const spanKeysJson = (spans: ReadonlyArray<{ agent_instance_id: string; id: string }>): string =>
  JSON.stringify(spans.map((span) => [span.agent_instance_id, span.id]));

/** A stored row back into a record. */
export function spanUsageRecord(row: Record<string, unknown>): SpanUsageRecord {
  return {
    account_id: row.account_id as string,
    agent_instance_id: row.agent_instance_id as string,
    span_id: row.span_id as string,
    model: (row.model as string | null) ?? null,
    sums_children: Number(row.sums_children) === 1 || row.sums_children === true,
    input: Number(row.input),
    output: Number(row.output),
    cache_read: Number(row.cache_read),
    cache_write: Number(row.cache_write),
    reasoning: Number(row.reasoning),
    total: Number(row.total),
  };
}

/** A run's tokens under one model (null: usage that named none). */
export interface ModelCounts extends TokenCounts {
  model: string | null;
}

/** A summed `instance_usage` row back into counts. */
export function modelCountsRecord(row: Record<string, unknown>): ModelCounts {
  return {
    model: row.model === '' || row.model === null || row.model === undefined ? null : String(row.model),
    input: Number(row.input),
    output: Number(row.output),
    cache_read: Number(row.cache_read),
    cache_write: Number(row.cache_write),
    reasoning: Number(row.reasoning),
    total: Number(row.total),
  };
}

/** Rows of `agent_instance_id` and model counts, grouped by instance. */
export function modelCountsByInstance(rows: ReadonlyArray<Record<string, unknown>>): Map<string, ModelCounts[]> {
  const byInstance = new Map<string, ModelCounts[]>();
  for (const row of rows) {
    const id = row.agent_instance_id as string;
    let list = byInstance.get(id);
    if (!list) byInstance.set(id, (list = []));
    list.push(modelCountsRecord(row));
  }
  return byInstance;
}

/** A run's totals over its models; undefined when it has no usage row. */
export function runTotals(models: readonly ModelCounts[]): TokenCounts | undefined {
  if (models.length === 0) return undefined;
  const totals: TokenCounts = { input: 0, output: 0, cache_read: 0, cache_write: 0, reasoning: 0, total: 0 };
  for (const counts of models) for (const column of COUNT_COLUMNS) totals[column] += counts[column];
  return totals;
}
