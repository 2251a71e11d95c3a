// The statements' parts that keep the analytics rollups (store/rollups.ts) on PostgreSQL: every
// statement that inserts, finishes, cancels or deletes spans or runs adds its deltas in the same
// statement, to this backend's counters (slot = pg_backend_pid(), summed when read, as
// span_activity is), so concurrent writers never wait on each other's rollup row and stay exact.
import { OPEN_STATUSES_SQL } from '../table-columns.js';
import { RUN_ROLLUP_KEY, RUN_TOKEN_KEY, SPAN_ROLLUP_KEY, TOKEN_COLUMNS } from '../rollups.js';

const GRAINS = `(VALUES ('h', 13), ('d', 10)) AS g (grain, len)`;
const TOKENS = TOKEN_COLUMNS.join(', ');
const duration = (d: string) => `agentspan_duration_us(${d}.started_at, ${d}.finished_at)`;

const upsert = (table: string, key: readonly string[], values: readonly string[]) =>
  `ON CONFLICT (${key.join(', ')}, slot) DO UPDATE SET ${values
    .map((c) => (c === 'hist' ? `hist = agentspan_hist_add(${table}.hist, excluded.hist)` : `${c} = ${table}.${c} + excluded.${c}`))
    .join(', ')}`;

/** n, finished, duration and histogram sums of deltas `d` (finished_at NULL for those without a duration). */
const durationSums = `sum(d.n), sum(CASE WHEN d.finished_at IS NULL THEN 0 ELSE d.n END),
   coalesce(sum(CASE WHEN d.finished_at IS NULL THEN 0 ELSE d.n * ${duration('d')} / 1000 END), 0),
   agentspan_hist_sum(CASE WHEN d.finished_at IS NOT NULL THEN array_fill(d.n, ARRAY[1], ARRAY[agentspan_duration_bucket(${duration('d')})]) END)`;

/**
 * Adds span deltas (`deltas` yields account_id, started_at, finished_at (NULL: no duration),
 * environment_id, agent_id, agent_version_id, model, span_type, status, n and the token columns,
 * signed) to span_rollups, by hour and by day.
 */
export const addSpanRollups = (
  deltas: string,
) => `INSERT INTO span_rollups (${SPAN_ROLLUP_KEY.join(', ')}, slot, n, finished, duration_ms, hist, ${TOKENS})
   SELECT d.account_id, g.grain, substr(d.started_at, 1, g.len), d.environment_id, d.agent_id, d.agent_version_id, d.model, d.span_type, d.status,
     pg_backend_pid(), ${durationSums}, ${TOKEN_COLUMNS.map((c) => `sum(d.${c})`).join(', ')}
   FROM (${deltas}) AS d CROSS JOIN ${GRAINS}
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
   ${upsert('span_rollups', SPAN_ROLLUP_KEY, ['n', 'finished', 'duration_ms', 'hist', ...TOKEN_COLUMNS])}`;

/**
 * The deltas of spans `s` (rows of spans, or shaped like them) with status `status`, usage `u`
 * (rows of span_usage, or NULLs) and sign `n`, their instance `i` joined by `spanInstanceJoin`.
 */
export const spanDeltas = (s: string, u: string, status: string, n: string) =>
  `${s}.account_id, ${s}.started_at, CASE WHEN ${status} IN ${OPEN_STATUSES_SQL} THEN NULL ELSE ${s}.finished_at END AS finished_at,
   coalesce(i.environment_id, '') AS environment_id, ${s}.agent_id, coalesce(i.agent_version_id, '') AS agent_version_id,
   coalesce(${u}.model, '') AS model, ${s}.schema_name AS span_type, ${status} AS status, ${n} AS n,
   ${TOKEN_COLUMNS.map((c) => `CASE WHEN coalesce(${u}.sums_children, true) THEN 0 ELSE ${u}.${c} * ${n} END AS ${c}`).join(', ')}`;

export const spanInstanceJoin = (s: string) => `LEFT JOIN agent_instances AS i ON i.account_id = ${s}.account_id AND i.id = ${s}.agent_instance_id`;

/** Adds run deltas (rows of agent_instances `r` with a sign `n`) to run_rollups. */
export const addRunRollups = (deltas: string) => `INSERT INTO run_rollups (${RUN_ROLLUP_KEY.join(', ')}, slot, n, finished, duration_ms, hist)
   SELECT d.account_id, g.grain, substr(d.run_start, 1, g.len), d.environment_id, d.agent_id, d.agent_version_id, d.status, d.purpose,
     pg_backend_pid(), ${durationSums}
   FROM (${deltas}) AS d CROSS JOIN ${GRAINS}
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
   ${upsert('run_rollups', RUN_ROLLUP_KEY, ['n', 'finished', 'duration_ms', 'hist'])}`;

/** A run `r` as a delta with sign `n` (started_at stays the run's start; finished_at NULL without a duration). */
export const runDeltas = (r: string, n: string) =>
  `${r}.account_id, coalesce(${r}.started_at, ${r}.inserted_at) AS run_start, ${r}.started_at,
   CASE WHEN ${r}.status IN ${OPEN_STATUSES_SQL} OR ${r}.started_at IS NULL THEN NULL ELSE ${r}.finished_at END AS finished_at,
   ${r}.environment_id, ${r}.agent_id, ${r}.agent_version_id, ${r}.status, ${r}.purpose, ${n} AS n`;

/** Adds token deltas (`deltas` yields the run key's columns as runDeltas names them, model and signed tokens) to run_rollup_tokens. */
export const addRunTokens = (deltas: string) => `INSERT INTO run_rollup_tokens (${RUN_TOKEN_KEY.join(', ')}, slot, ${TOKENS})
   SELECT d.account_id, g.grain, substr(d.run_start, 1, g.len), d.environment_id, d.agent_id, d.agent_version_id, d.status, d.purpose, d.model,
     pg_backend_pid(), ${TOKEN_COLUMNS.map((c) => `sum(d.${c})`).join(', ')}
   FROM (${deltas}) AS d CROSS JOIN ${GRAINS}
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
   ${upsert('run_rollup_tokens', RUN_TOKEN_KEY, TOKEN_COLUMNS)}`;

/** The run key of instance `r` as addRunTokens reads it, with usage `u`'s model and tokens times `n` (usage that sums its children counts nothing). */
export const runTokenDeltas = (r: string, u: string, n: string) =>
  `${r}.account_id, coalesce(${r}.started_at, ${r}.inserted_at) AS run_start, ${r}.environment_id, ${r}.agent_id, ${r}.agent_version_id,
   ${r}.status, ${r}.purpose, coalesce(${u}.model, '') AS model,
   ${TOKEN_COLUMNS.map((c) => `CASE WHEN coalesce(${u}.sums_children, true) THEN 0 ELSE ${u}.${c} * ${n} END AS ${c}`).join(', ')}`;

/** A run's tokens by model, summed from its usage rows (as usage rows with sums_children false). */
export const runModelTokens = (accountId: string, instanceId: string) =>
  `(SELECT model, false AS sums_children, ${TOKEN_COLUMNS.map((c) => `sum(${c}) AS ${c}`).join(', ')} FROM span_usage
    WHERE account_id = ${accountId} AND agent_instance_id = ${instanceId} AND NOT sums_children GROUP BY model)`;
