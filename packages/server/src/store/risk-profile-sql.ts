import type { RiskProfileRecord } from './records.js';

/** The fields a risk profile update writes, in the order `riskProfileUpdateSql` binds them (then account_id, id). */
export const RISK_PROFILE_MUTABLE_COLUMNS = [
  'name',
  'description',
  'categories_json',
  'actions_json',
  'thresholds_json',
  'archived_at',
  'updated_at',
] as const;

export const riskProfileUpdateSql = (placeholder: (n: number) => string) =>
  `UPDATE risk_profiles SET ${RISK_PROFILE_MUTABLE_COLUMNS.map((column, i) => `${column} = ${placeholder(i + 1)}`).join(', ')}
   WHERE account_id = ${placeholder(RISK_PROFILE_MUTABLE_COLUMNS.length + 1)} AND id = ${placeholder(RISK_PROFILE_MUTABLE_COLUMNS.length + 2)}`;

/** An update's values for `riskProfileUpdateSql`. */
export const riskProfileUpdateValues = (row: RiskProfileRecord): unknown[] => [
  ...RISK_PROFILE_MUTABLE_COLUMNS.map((column) => row[column]),
  row.account_id,
  row.id,
];

/**
 * The profile an agent is assigned, archived or not, taking (account_id, agent_id): the agent and
 * its profile in one read, as every risk score starts with them.
 */
export const agentRiskProfileSql = (placeholder: (n: number) => string) =>
  `SELECT p.* FROM agents a JOIN risk_profiles p ON p.account_id = a.account_id AND p.id = a.risk_profile_id
   WHERE a.account_id = ${placeholder(1)} AND a.id = ${placeholder(2)}`;

/**
 * How many agents of the account name each profile, taking (account_id): one pass over the
 * account's agents (agents_by_risk_profile), profiles none names left out.
 */
export const riskProfileAgentCountsSql = (placeholder: (n: number) => string) =>
  `SELECT risk_profile_id, CAST(COUNT(*) AS INTEGER) AS n FROM agents
   WHERE account_id = ${placeholder(1)} AND risk_profile_id IS NOT NULL GROUP BY risk_profile_id`;
