import { TABLE_COLUMNS } from './table-columns.js';

/**
 * A row of a deployment's version history, taking its columns in `TABLE_COLUMNS` order. Two changes
 * at one instant (a registration that makes the deployment and then sets its version) keep the later.
 */
export const deploymentVersionUpsertSql = (placeholder: (n: number) => string) =>
  `INSERT INTO deployment_versions (${TABLE_COLUMNS.deployment_versions.join(', ')})
   VALUES (${TABLE_COLUMNS.deployment_versions.map((_, i) => placeholder(i + 1)).join(', ')})
   ON CONFLICT (account_id, deployment_id, changed_at)
   DO UPDATE SET version_id = excluded.version_id, changed_by_token_id = excluded.changed_by_token_id`;

export const deploymentVersionsSql = (placeholder: (n: number) => string) =>
  `SELECT * FROM deployment_versions WHERE account_id = ${placeholder(1)} AND deployment_id = ${placeholder(2)} ORDER BY changed_at`;

/**
 * Whether instances ran on a deployment and how many tokens are scoped to it, taking (account_id,
 * environment_id, deployment_id, account_id, deployment_id): the instances through the environment's
 * index (a deployment is its agent's only one in the environment), the tokens (few) read through.
 */
export const deploymentUseSql = (placeholder: (n: number) => string) =>
  `SELECT
     EXISTS (SELECT 1 FROM agent_instances WHERE account_id = ${placeholder(1)} AND environment_id = ${placeholder(2)}
       AND agent_deployment_id = ${placeholder(3)}) AS instances,
     (SELECT CAST(COUNT(*) AS INTEGER) FROM tokens WHERE account_id = ${placeholder(4)} AND deployment_id = ${placeholder(5)}) AS tokens`;

/** What deleting a deployment deletes, each statement taking (account_id, deployment_id): its version history, then it. */
export const deploymentDeletionSql = (placeholder: (n: 1 | 2) => string): string[] => [
  `DELETE FROM deployment_versions WHERE account_id = ${placeholder(1)} AND deployment_id = ${placeholder(2)}`,
  `DELETE FROM deployments WHERE account_id = ${placeholder(1)} AND id = ${placeholder(2)}`,
];
