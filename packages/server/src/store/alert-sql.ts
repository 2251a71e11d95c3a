import type { AlertFilter, AlertPageQuery, AlertRecord } from './records.js';

/** The fields an alert update writes, in the order `alertUpdateSql` binds them (then account_id, id). */
export const ALERT_MUTABLE_COLUMNS = [
  'status',
  'risk_level',
  'risk_score',
  'message',
  'updated_at',
  'acknowledged_at',
  'acknowledged_note',
  'acknowledged_by',
] as const;

export const alertUpdateSql = (placeholder: (n: number) => string) =>
  `UPDATE alerts SET ${ALERT_MUTABLE_COLUMNS.map((column, i) => `${column} = ${placeholder(i + 1)}`).join(', ')}
   WHERE account_id = ${placeholder(ALERT_MUTABLE_COLUMNS.length + 1)} AND id = ${placeholder(ALERT_MUTABLE_COLUMNS.length + 2)}`;

/** An update's values for `alertUpdateSql`. */
export const alertUpdateValues = (row: AlertRecord): unknown[] => [...ALERT_MUTABLE_COLUMNS.map((column) => row[column]), row.account_id, row.id];

/** The statements of one alert page (and count), with a `shape` naming them (one per filter and order). */
export interface AlertPageSql {
  shape: string;
  page: string;
  count: string;
  /** Values of the filter placeholders, the same for both statements; the page adds limit and offset. */
  values: unknown[];
}

/** The SQL of an alert page (or count) for either engine; `placeholder(n)` writes the n-th parameter. */
export function alertPageSql(query: AlertFilter & Partial<Pick<AlertPageQuery, 'sort'>>, placeholder: (n: number) => string): AlertPageSql {
  const values: unknown[] = [query.account_id];
  const where = [`account_id = ${placeholder(1)}`];
  let mask = '';
  for (const column of ['status', 'agent_id', 'environment_id'] as const) {
    const value = query[column];
    mask += value === undefined ? '0' : '1';
    if (value === undefined) continue;
    values.push(value);
    where.push(`${column} = ${placeholder(values.length)}`);
  }
  const { field, direction } = query.sort ?? { field: 'opened_at', direction: 'desc' };
  const order = field === 'id' ? `id ${direction}` : `${field} ${direction}, id ${direction}`;
  const filter = where.join(' AND ');
  return {
    shape: `${field}_${direction}_${mask}`,
    page: `SELECT * FROM alerts WHERE ${filter} ORDER BY ${order} LIMIT ${placeholder(values.length + 1)} OFFSET ${placeholder(values.length + 2)}`,
    count: `SELECT CAST(COUNT(*) AS INTEGER) AS n FROM alerts WHERE ${filter}`,
    values,
  };
}
