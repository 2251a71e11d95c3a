import { AGENT_LABELS } from '@agentspan/protocol';
import type { AgentPageQuery, AgentRecord } from './records.js';

/** The two statements of one agent page, with a `shape` naming them (one per filter and order). */
export interface AgentPageSql {
  shape: string;
  page: string;
  count: string;
  /** Values of the filter placeholders, the same for both statements; the page adds limit and offset. */
  values: unknown[];
}

/**
 * The SQL of an agent page for either engine; `placeholder(n)` writes the n-th parameter (`?` or
 * `$n`), `byteOrder` what makes a text column sort by its bytes. Every engine sorts names the same
 * way, by their bytes, with the id breaking ties.
 */
export function agentPageSql(query: AgentPageQuery, placeholder: (n: number) => string, byteOrder = ''): AgentPageSql {
  const values: unknown[] = [query.account_id];
  const where = [`account_id = ${placeholder(1)}`];
  let mask = '';
  for (const label of AGENT_LABELS) {
    const value = query.labels?.[label];
    mask += value === undefined ? '0' : '1';
    if (value === undefined) continue;
    values.push(value);
    where.push(`${label} = ${placeholder(values.length)}`);
  }
  const { field, direction } = query.sort ?? { field: 'inserted_at', direction: 'asc' };
  const order = field === 'id' ? `id ${direction}` : `${field}${field === 'name' ? byteOrder : ''} ${direction}, id ${direction}`;
  const filter = where.join(' AND ');
  return {
    shape: `${field}_${direction}_${mask}`,
    page: `SELECT * FROM agents WHERE ${filter} ORDER BY ${order} LIMIT ${placeholder(values.length + 1)} OFFSET ${placeholder(values.length + 2)}`,
    count: `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM agents WHERE ${filter}`,
    values,
  };
}

/** The fields an agent update writes, in the order `agentUpdateSql` binds them (then account_id, id). */
export const AGENT_MUTABLE_COLUMNS = [
  'name',
  'description',
  'owner_person_id',
  'risk_profile_id',
  'team_id',
  'status',
  'first_instance_at',
  'updated_at',
] as const;

export const agentUpdateSql = (placeholder: (n: number) => string) =>
  `UPDATE agents SET ${AGENT_MUTABLE_COLUMNS.map((column, i) => `${column} = ${placeholder(i + 1)}`).join(', ')}
   WHERE account_id = ${placeholder(AGENT_MUTABLE_COLUMNS.length + 1)} AND id = ${placeholder(AGENT_MUTABLE_COLUMNS.length + 2)}`;

/** An update's values for `agentUpdateSql`. */
export const agentUpdateValues = (row: AgentRecord): unknown[] => [...AGENT_MUTABLE_COLUMNS.map((column) => row[column]), row.account_id, row.id];

/**
 * What deleting an agent deletes, in order, each statement taking (account_id, agent_id): the
 * tokens and version histories of its deployments, its deployments, versions, schema versions, alerts, then the agent.
 */
export const agentDeletionSql = (placeholder: (n: 1 | 2) => string): string[] => {
  const account = placeholder(1),
    agent = placeholder(2);
  return [
    `DELETE FROM tokens WHERE (account_id, deployment_id) IN
       (SELECT account_id, id FROM deployments WHERE account_id = ${account} AND agent_id = ${agent})`,
    `DELETE FROM deployment_versions WHERE (account_id, deployment_id) IN
       (SELECT account_id, id FROM deployments WHERE account_id = ${account} AND agent_id = ${agent})`,
    ...['deployments', 'agent_versions', 'schema_versions', 'alerts'].map(
      (table) => `DELETE FROM ${table} WHERE account_id = ${account} AND agent_id = ${agent}`,
    ),
    `DELETE FROM agents WHERE account_id = ${account} AND id = ${agent}`,
  ];
};

/** The runtime a version reported, (sdk, account_id, id, sdk again); a repeat of the value it has writes nothing. */
export const agentVersionSdkSql = (placeholder: (n: number) => string) =>
  `UPDATE agent_versions SET sdk = ${placeholder(1)} WHERE account_id = ${placeholder(2)} AND id = ${placeholder(3)} AND (sdk IS NULL OR sdk <> ${placeholder(4)})`;
