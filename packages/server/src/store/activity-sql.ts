import type { InstanceStatus } from '@agentspan/protocol';

/**
 * One read of `GET /activity`, in the store's terms. Bounds are hour keys (`2024-05-01T12`, the
 * first 13 characters of a canonical timestamp), so they compare as text with both the rollup's
 * `hour` and a timestamp: `first_hour` inclusive, `end_hour` exclusive.
 */
export interface ActivityQuery {
  account_id: string;
  subject: 'spans' | 'runs';
  first_hour: string;
  end_hour: string;
  /** Characters of the hour key a bucket keeps: 13 (hours) or 10 (UTC days). */
  key_length: 13 | 10;
  agent_id?: string;
  environment_id?: string;
  /** Spans of this instance only (the caller has checked it against `agent_id` and `environment_id`, which then go unused). */
  agent_instance_id?: string;
  /** Whether rows keep their agent (`group_by=agent_id`); otherwise `agent_id` is ''. */
  by_agent: boolean;
}

export interface ActivityRow {
  /** The bucket's key: the hour key, or its first 10 characters (the day). */
  bucket: string;
  agent_id: string;
  status: InstanceStatus;
  n: number;
}

/** The hour key of a canonical timestamp (`2024-05-01T12:34:56.000000Z` → `2024-05-01T12`). */
export const HOUR_KEY_LENGTH = 13;

/**
 * The statement for `query` and its values; `shape` names its text among the few there are.
 *
 * Spans of the account (or of an agent or environment) are read from `span_activity`, the
 * per-hour rollup the span writes keep, never from the spans: its rows in the range are at most
 * hours × agents × environments × statuses, however many spans there are.
 *
 * One instance's spans are read from the spans themselves through `spans_by_instance_time`: a run
 * is bounded (its spans are what its page lists), and a rollup keyed by instance would multiply the
 * account-wide rollup's rows by the number of runs, which is what made it cheap to read.
 *
 * Runs are counted from `agent_instances` through the listing's indexes by (agent or environment,)
 * start: the runs in a range are far fewer than their spans, and each is a row there already.
 */
export function activitySql(query: ActivityQuery, param: (n: number) => string): { text: string; values: unknown[]; shape: string } {
  const values: unknown[] = [query.account_id, query.first_hour, query.end_hour];
  const next = (value: unknown) => {
    values.push(value);
    return param(values.length);
  };
  const agent = query.by_agent ? 'agent_id' : "''";
  const group = query.by_agent ? 'bucket, agent_id, status' : 'bucket, status';
  const filters: string[] = [];
  let source: string;
  let counted: string;
  let time: string;
  let shape: string;
  if (query.subject === 'runs') {
    source = 'agent_instances';
    counted = 'count(*)';
    time = 'coalesce(started_at, inserted_at)';
    if (query.agent_id !== undefined) filters.push(`agent_id = ${next(query.agent_id)}`);
    if (query.environment_id !== undefined) filters.push(`environment_id = ${next(query.environment_id)}`);
    if (query.agent_instance_id !== undefined) filters.push(`id = ${next(query.agent_instance_id)}`);
    shape = 'runs';
  } else if (query.agent_instance_id !== undefined) {
    source = 'spans';
    counted = 'count(*)';
    time = 'started_at';
    filters.push(`agent_instance_id = ${next(query.agent_instance_id)}`);
    shape = 'instance';
  } else {
    source = 'span_activity';
    counted = 'sum(n)';
    time = 'hour';
    if (query.agent_id !== undefined) filters.push(`agent_id = ${next(query.agent_id)}`);
    if (query.environment_id !== undefined) filters.push(`environment_id = ${next(query.environment_id)}`);
    shape = 'rollup';
  }
  // The key length is one of two constants, written into the text (a parameter in a grouped expression is not the same expression to every engine).
  shape = [shape, query.key_length, ...filters.map((f) => f.split(' ')[0]), query.by_agent ? 'by_agent' : 'all'].join('_');
  const text = `SELECT substr(${time}, 1, ${query.key_length}) AS bucket, ${agent} AS agent_id, status, CAST(${counted} AS INTEGER) AS n
    FROM ${source}
    WHERE account_id = ${param(1)} AND ${time} >= ${param(2)} AND ${time} < ${param(3)}${filters.map((f) => ` AND ${f}`).join('')}
    GROUP BY ${group}`;
  return { text, values, shape };
}
