/*
 * The store keeps each span's normalised token usage in a side table (`span_usage`), not in
 * columns of `spans`: most spans are no model call, and a side table keeps their rows as narrow
 * as before, while a span with usage pays one small row more. A run's totals (`instance_usage`)
 * are kept beside them by the same writes, so an instance's tokens are one row read.
 *
 * The normaliser is a pure function of a span's type and payloads (no store, no clock), so the
 * write primitives of both engines call it and every write path (API, bulk, OTLP, import) stores
 * the same answer.
 */
import { sameUsage, spanUsage, type SpanUsage } from '../usage/normalise.js';
import type { TokenCounts } from '../usage/token-counts.js';
import type { SpanRecord } from './records.js';

export type { SpanUsage, TokenCounts };

/** A span's usage as stored. */
export interface SpanUsageRecord extends SpanUsage {
  account_id: string;
  agent_instance_id: string;
  span_id: string;
}

/** The counts in the order the tables keep them. */
export const COUNT_COLUMNS = ['input', 'output', 'cache_read', 'cache_write', 'reasoning', 'total'] as const;

export const usageOfSpan = (row: SpanRecord): SpanUsage | null => spanUsage(row.schema_name, row.payload_json, row.result_payload_json);

/** What a span's usage adds to its run's totals: nothing when it sums its children's (they count themselves). */
export function runShare(usage: SpanUsage | null): number[] {
  if (usage === null || usage.sums_children) return [0, 0, 0, 0, 0, 0];
  return COUNT_COLUMNS.map((column) => usage[column]);
}

/**
 * The usage a finish changes, from the result the span had to the one it has now; undefined when it
 * stays (the common case: the result did not change, or neither result carries usage).
 */
export function usageChange(row: SpanRecord, previousResultJson: string | null): { after: SpanUsage | null; delta: number[] } | undefined {
  if (previousResultJson === row.result_payload_json) return undefined;
  const before = spanUsage(row.schema_name, row.payload_json, previousResultJson);
  const after = usageOfSpan(row);
  if (sameUsage(before, after)) return undefined;
  const was = runShare(before);
  return { after, delta: runShare(after).map((n, i) => n - was[i]!) };
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

/** Summed run totals back into counts; undefined when the run has no usage row. */
export function countsRecord(row: Record<string, unknown> | undefined): TokenCounts | undefined {
  if (!row || row.input === null || row.input === undefined) return undefined;
  return {
    input: Number(row.input),
    output: Number(row.output),
    cache_read: Number(row.cache_read),
    cache_write: Number(row.cache_write),
    reasoning: Number(row.reasoning),
    total: Number(row.total),
  };
}
