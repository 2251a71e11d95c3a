/*
 * The analytics rollups: what every span and run adds to them, in both engines' terms.
 *
 * `span_rollups` keeps spans by hour (and by UTC day: grain 'h' and 'd', so a month of 10⁶ spans
 * is read in rows per day) of their start × environment × agent × version × model × span type × status: a
 * count, how many have a duration (finished), the durations' sum and histogram, and token sums by
 * type. `run_rollups` keeps runs by the hour of their start (else their registration; hours only:
 * its rows are at most one per run, and a span write adding to a day row too would cost a page) ×
 * environment × agent × version × status × purpose, the same way, and `run_rollup_tokens` their
 * tokens by model under the same key, so a runs answer is priced at read. Cost is never stored:
 * it is linear in tokens, so token sums × current prices is every span's cost summed.
 *
 * A span (or run) contributes its key and values; a write takes away what the row contributed
 * before and adds what it contributes now, so every write path keeps the rollups by one rule.
 */
import type { InstanceRecord, SpanRecord } from './records.js';
import { bucketOf, durationMicros } from './duration-histogram.js';
import { runShare, type SpanUsage } from './span-usage.js';

export const GRAINS = [
  ['h', 13],
  ['d', 10],
] as const;
export type Grain = (typeof GRAINS)[number][0];

export const TOKEN_COLUMNS = ['input', 'output', 'cache_read', 'cache_write', 'reasoning', 'total'] as const;

export const SPAN_ROLLUP_KEY = [
  'account_id',
  'grain',
  'period',
  'environment_id',
  'agent_id',
  'agent_version_id',
  'model',
  'span_type',
  'status',
] as const;
export const RUN_ROLLUP_KEY = ['account_id', 'grain', 'period', 'environment_id', 'agent_id', 'agent_version_id', 'status', 'purpose'] as const;
export const RUN_TOKEN_KEY = [...RUN_ROLLUP_KEY, 'model'] as const;

/** What one span or run adds: its key without the grain and period, its start, and its values. */
export interface Contribution {
  /** The key's columns after `grain` and `period`, in table order. */
  dims: string[];
  /** The timestamp whose hour and day it counts under. */
  at: string;
  n: number;
  /** The duration's histogram bucket, when it has a duration. */
  bucket: number | null;
  duration_ms: number;
  tokens: number[];
}

/** The instance fields a span's key takes. */
export type SpanInstance = Pick<InstanceRecord, 'environment_id' | 'agent_version_id'> | undefined;

/** A span has a duration once it is finished (an open span's finished_at is never counted). */
const finishedSpan = (status: string) => status !== 'pending' && status !== 'active';

export function spanContribution(
  span: Pick<SpanRecord, 'account_id' | 'agent_id' | 'schema_name' | 'status' | 'started_at' | 'finished_at'>,
  instance: SpanInstance,
  usage: SpanUsage | null,
  tokens = runShare(usage),
): Contribution {
  const micros = finishedSpan(span.status) && span.finished_at !== null ? durationMicros(span.started_at, span.finished_at) : null;
  return {
    dims: [
      span.account_id,
      instance?.environment_id ?? '',
      span.agent_id,
      instance?.agent_version_id ?? '',
      usage?.model ?? '',
      span.schema_name,
      span.status,
    ],
    at: span.started_at,
    n: 1,
    bucket: micros === null ? null : bucketOf(micros),
    duration_ms: micros === null ? 0 : micros / 1000,
    tokens,
  };
}

/** The start a run counts under: its start, else its registration. */
export const runStart = (run: Pick<InstanceRecord, 'started_at' | 'inserted_at'>) => run.started_at ?? run.inserted_at;

/** The run key's dimensions after grain and period (account first, as the tables keep it). */
export const runDims = (run: InstanceRecord) => [run.account_id, run.environment_id, run.agent_id, run.agent_version_id, run.status, run.purpose];

export function runContribution(run: InstanceRecord): Contribution {
  const micros =
    finishedSpan(run.status) && run.finished_at !== null && run.started_at !== null ? durationMicros(run.started_at, run.finished_at) : null;
  return {
    dims: runDims(run),
    at: runStart(run),
    n: 1,
    bucket: micros === null ? null : bucketOf(micros),
    duration_ms: micros === null ? 0 : micros / 1000,
    tokens: [],
  };
}

/** Whether a run's change moves it in the rollups (its key or its duration). */
export const runMoved = (before: InstanceRecord, after: InstanceRecord) =>
  before.status !== after.status || runStart(before) !== runStart(after) || before.finished_at !== after.finished_at;
