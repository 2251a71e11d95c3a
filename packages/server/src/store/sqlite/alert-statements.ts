import type { Database, Statement } from 'better-sqlite3';
import { alertPageSql, alertUpdateSql, alertUpdateValues } from '../alert-sql.js';
import type { AlertFilter, AlertPageQuery, AlertRecord } from '../records.js';
import { columnValues, TABLE_COLUMNS } from '../table-columns.js';

/** The alert reads of one connection; page and count statements made per shape on first use. */
export class AlertReads {
  readonly #db: Database;
  readonly #byId: Statement;
  readonly #byKey: Statement;
  readonly #pages = new Map<string, { page: Statement; count: Statement }>();

  constructor(db: Database) {
    this.#db = db;
    this.#byId = db.prepare('SELECT * FROM alerts WHERE account_id = ? AND id = ?');
    this.#byKey = db.prepare('SELECT * FROM alerts WHERE account_id = ? AND dedupe_key = ?');
  }

  get(accountId: string, id: string) {
    return this.#byId.get(accountId, id) as AlertRecord | undefined;
  }

  find(accountId: string, dedupeKey: string) {
    return this.#byKey.get(accountId, dedupeKey) as AlertRecord | undefined;
  }

  #statements(query: AlertFilter & Partial<Pick<AlertPageQuery, 'sort'>>) {
    const sql = alertPageSql(query, () => '?');
    let statements = this.#pages.get(sql.shape);
    if (!statements) {
      statements = { page: this.#db.prepare(sql.page), count: this.#db.prepare(sql.count).pluck() };
      this.#pages.set(sql.shape, statements);
    }
    return { ...statements, values: sql.values };
  }

  page(query: AlertPageQuery) {
    const { page, count, values } = this.#statements(query);
    return { rows: page.all(...values, query.limit, query.offset) as AlertRecord[], total: count.get(...values) as number };
  }

  count(filter: AlertFilter) {
    const { count, values } = this.#statements(filter);
    return count.get(...values) as number;
  }
}

/** The alert writes of the writer connection. */
export class AlertWrites {
  readonly #insert: Statement;
  readonly #update: Statement;

  constructor(db: Database) {
    const columns = TABLE_COLUMNS.alerts;
    this.#insert = db.prepare(`INSERT INTO alerts (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ON CONFLICT DO NOTHING`);
    this.#update = db.prepare(alertUpdateSql(() => '?'));
  }

  insertIfAbsent(row: AlertRecord): boolean {
    return this.#insert.run(columnValues('alerts', row)).changes > 0;
  }

  update(row: AlertRecord): void {
    this.#update.run(alertUpdateValues(row));
  }
}
