import { alertPageSql, alertUpdateSql } from '../alert-sql.js';
import type { AlertFilter, AlertPageQuery } from '../records.js';
import { TABLE_COLUMNS } from '../table-columns.js';
import { statement, type Statement } from './sql.js';

const columns = TABLE_COLUMNS.alerts;

export const ALERTS = {
  byId: statement('alerts', 'alert_by_id', 'SELECT * FROM alerts WHERE account_id = $1 AND id = $2'),
  byKey: statement('alerts', 'alert_by_key', 'SELECT * FROM alerts WHERE account_id = $1 AND dedupe_key = $2'),
  lockById: statement('alerts', 'lock_alert', 'SELECT * FROM alerts WHERE account_id = $1 AND id = $2 FOR UPDATE'),
  lockByKey: statement('alerts', 'lock_alert_by_key', 'SELECT * FROM alerts WHERE account_id = $1 AND dedupe_key = $2 FOR UPDATE'),
  // Any unique key: an insert racing another of the same dedupe key waits for it, then inserts nothing.
  insert: statement(
    'alerts',
    'insert_alert',
    `INSERT INTO alerts (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT DO NOTHING`,
  ),
  update: statement(
    'alerts',
    'update_alert',
    alertUpdateSql((n) => `$${n}`),
  ),
};

/** Named statements of each alert page shape, made on first use. */
const pages = new Map<string, { page: Statement; count: Statement }>();

export function alertPageStatements(query: AlertFilter & Partial<Pick<AlertPageQuery, 'sort'>>) {
  const sql = alertPageSql(query, (n) => `$${n}`);
  let statements = pages.get(sql.shape);
  if (!statements) {
    statements = {
      page: statement('alerts', `alerts_page_${sql.shape}`, sql.page),
      count: statement('alerts', `alerts_count_${sql.shape}`, sql.count),
    };
    pages.set(sql.shape, statements);
  }
  return { ...statements, values: sql.values };
}
