import type { EnvironmentRecord } from './records.js';

/** The fields an environment update writes, in the order `environmentUpdateSql` binds them (then account_id, id). */
export const ENVIRONMENT_MUTABLE_COLUMNS = ['name', 'purpose', 'description', 'updated_at'] as const;

export const environmentUpdateSql = (placeholder: (n: number) => string) =>
  `UPDATE environments SET ${ENVIRONMENT_MUTABLE_COLUMNS.map((column, i) => `${column} = ${placeholder(i + 1)}`).join(', ')}
   WHERE account_id = ${placeholder(ENVIRONMENT_MUTABLE_COLUMNS.length + 1)} AND id = ${placeholder(ENVIRONMENT_MUTABLE_COLUMNS.length + 2)}`;

/** An update's values for `environmentUpdateSql`. */
export const environmentUpdateValues = (row: EnvironmentRecord): unknown[] => [
  ...ENVIRONMENT_MUTABLE_COLUMNS.map((column) => row[column]),
  row.account_id,
  row.id,
];

/**
 * How many deployments and instances refer to one environment, taking (account_id, environment_id,
 * account_id, environment_id): each count an index scan (deployments_by_environment,
 * agent_instances_by_environment_activity).
 */
export const environmentUseSql = (placeholder: (n: number) => string) =>
  `SELECT
     (SELECT CAST(COUNT(*) AS INTEGER) FROM deployments WHERE account_id = ${placeholder(1)} AND environment_id = ${placeholder(2)}) AS deployments,
     (SELECT CAST(COUNT(*) AS INTEGER) FROM agent_instances WHERE account_id = ${placeholder(3)} AND environment_id = ${placeholder(4)}) AS instances`;
