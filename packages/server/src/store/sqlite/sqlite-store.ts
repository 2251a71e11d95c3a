import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ReadTx, SequenceOutcome, Store, WriteTx } from '../store.js';
import { CommitGroup } from './commit-group.js';
import { migrateSqlite } from './migrations.js';
import { PendingSpanCounts } from './pending-span-counts.js';
import { ReadStatements, SqliteReadTx } from './read-tx.js';
import { SqliteWriteTx, WriteStatements } from './write-tx.js';

export type SqliteLocation = { dataDir: string } | { file: string };

/** The database file inside a data directory. */
export const SQLITE_FILE_NAME = 'agentspan.sqlite';

/** Another process (e.g. `tokens create`) may hold the write lock briefly; wait rather than fail. */
const BUSY_TIMEOUT_MS = 5000;

function connect(file: string, readonly: boolean) {
  const db = new Database(file, { readonly, fileMustExist: readonly });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    // FULL syncs the WAL on every commit: an answered write survives power loss. Grouped commits keep it cheap.
    db.pragma('synchronous = FULL');
  }
  return db;
}

const closedError = () => Promise.reject(new Error('the store is closed'));

class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  readonly #writer: Database.Database;
  readonly #reader: Database.Database;
  readonly #group: CommitGroup;
  readonly #readTx: ReadTx;
  #closed = false;

  constructor(file: string) {
    this.#writer = connect(file, false);
    migrateSqlite(this.#writer);
    this.#reader = connect(file, true);
    const writerReads = new ReadStatements(this.#writer);
    const writes = new WriteStatements(this.#writer);
    const counts = new PendingSpanCounts(writes.addSpanCount);
    this.#group = new CommitGroup(this.#writer, () => new SqliteWriteTx(writerReads, writes, counts), counts);
    this.#readTx = new SqliteReadTx(new ReadStatements(this.#reader));
  }

  write<T>(unit: (tx: WriteTx) => Promise<T>): Promise<T> {
    return this.#closed ? closedError() : this.#group.write(unit);
  }

  writeSequence<T>(units: ReadonlyArray<(tx: WriteTx) => Promise<T>>): Promise<SequenceOutcome<T>> {
    return this.#closed ? closedError() : this.#group.writeSequence(units);
  }

  read<T>(unit: (tx: ReadTx) => Promise<T>): Promise<T> {
    return this.#closed ? closedError() : unit(this.#readTx);
  }

  async migrate() {
    migrateSqlite(this.#writer);
  }

  async close() {
    if (this.#closed) return;
    this.#closed = true;
    await this.#group.drained();
    this.#reader.close();
    this.#writer.close();
  }
}

/** Opens (creating when needed) the SQLite store and runs its migrations. */
export async function openSqliteStore(location: SqliteLocation): Promise<Store> {
  let file: string;
  if ('file' in location) {
    file = location.file;
  } else {
    mkdirSync(location.dataDir, { recursive: true });
    file = join(location.dataDir, SQLITE_FILE_NAME);
  }
  return new SqliteStore(file);
}
