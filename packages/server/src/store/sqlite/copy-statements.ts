import type { Database, Statement } from 'better-sqlite3';
import { COPIED_TABLE_KEYS, copiedRowKey, copyPageSql, TABLE_COLUMNS, type CopiedTable } from '../table-columns.js';

/** Statements of one connection made per table on first use: export pages, or import inserts. */
class PerTable {
  readonly #made = new Map<CopiedTable, Statement>();
  constructor(
    private readonly db: Database,
    private readonly text: (table: CopiedTable) => string,
  ) {}

  get(table: CopiedTable): Statement {
    let statement = this.#made.get(table);
    if (!statement) this.#made.set(table, (statement = this.db.prepare(this.text(table))));
    return statement;
  }
}

/** Keyset pages of a table for an export. */
export class CopyPages {
  readonly #first: PerTable;
  readonly #after: PerTable;

  constructor(db: Database) {
    this.#first = new PerTable(db, (table) => copyPageSql(table, () => '?', false));
    this.#after = new PerTable(db, (table) => copyPageSql(table, () => '?', true));
  }

  page(table: CopiedTable, after: readonly string[] | undefined, limit: number) {
    const rows = after ? this.#after.get(table).all(...after, limit) : this.#first.get(table).all(limit);
    return rows as Record<string, unknown>[];
  }
}

/** Whether a row of a table is stored, by its primary key: what an import's references are checked against. */
export class CopyLookups {
  readonly #lookups: PerTable;

  constructor(db: Database) {
    this.#lookups = new PerTable(db, (table) => `SELECT 1 FROM ${table} WHERE ${COPIED_TABLE_KEYS[table].map((c) => `${c} = ?`).join(' AND ')}`);
  }

  present(table: CopiedTable, keys: ReadonlyArray<readonly string[]>): Set<string> {
    const statement = this.#lookups.get(table).pluck();
    const found = new Set<string>();
    for (const key of keys) if (statement.get(...key) !== undefined) found.add(copiedRowKey(key));
    return found;
  }
}

/** Inserts of an import: a row whose primary key is taken is skipped; another unique key taken fails. */
export class CopyInserts {
  readonly #inserts: PerTable;

  constructor(db: Database) {
    this.#inserts = new PerTable(db, (table) => {
      const columns = TABLE_COLUMNS[table];
      return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
        ON CONFLICT (${COPIED_TABLE_KEYS[table].join(', ')}) DO NOTHING`;
    });
  }

  statement(table: CopiedTable): Statement {
    return this.#inserts.get(table);
  }
}
