// The statements' parts that keep `span_activity`, the hourly rollup of spans GET /activity reads:
// every statement that inserts, moves or deletes spans adds its deltas in the same statement.

/**
 * Adds the rows `deltas` yields (columns account_id, hour, agent_id, environment_id, status, n;
 * n negative to take away) to this backend's counters (slot = pg_backend_pid(), summed when read,
 * as span_counts does: concurrent writers of one busy hour never wait on each other's row).
 */
export const addSpanActivity = (deltas: string) => `INSERT INTO span_activity (account_id, hour, agent_id, environment_id, status, slot, n)
   SELECT account_id, hour, agent_id, environment_id, status, pg_backend_pid(), CAST(sum(n) AS INTEGER) FROM (${deltas}) AS delta
   GROUP BY account_id, hour, agent_id, environment_id, status
   ON CONFLICT (account_id, hour, agent_id, environment_id, status, slot) DO UPDATE SET n = span_activity.n + excluded.n`;

/**
 * The rollup key of the spans `alias` (rows with account_id, agent_instance_id, agent_id,
 * started_at), from their instances: `FROM x AS alias ${spanActivityJoin(alias)}` then
 * `SELECT ${spanActivityKey(alias)}, <status>, <n>`. A span whose instance is not stored (no write
 * path makes one) counts under environment '', so the rollup still adds up to the spans.
 */
export const spanActivityKey = (alias: string) =>
  `${alias}.account_id AS account_id, substr(${alias}.started_at, 1, 13) AS hour, ${alias}.agent_id AS agent_id,
   coalesce(activity_instance.environment_id, '') AS environment_id`;

export const spanActivityJoin = (alias: string) =>
  `LEFT JOIN agent_instances AS activity_instance
     ON activity_instance.account_id = ${alias}.account_id AND activity_instance.id = ${alias}.agent_instance_id`;
