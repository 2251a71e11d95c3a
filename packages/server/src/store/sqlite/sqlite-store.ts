import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ReadTx, SequenceOutcome, Store, WriteTx } from '../store.js';
import { CommitGroup } from './commit-group.js';
import { InstanceCache } from './instance-cache.js';
import { migrateSqlite } from './migrations.js';
import { lendRollupFunctions } from './rollup-functions.js';
import { PendingSpanCounts } from './pending-span-counts.js';
import { PendingRollups } from './pending-rollups.js';
import { PendingInstanceUsage } from './pending-instance-usage.js';
import { ReadStatements, SqliteReadTx } from './read-tx.js';
import { fsyncWalFile, WalFlusher, type SyncWal } from './wal-sync.js';
import { SqliteWriteTx, WriteStatements } from './write-tx.js';
import { StoreProbe, type StoreLoad } from '../store-probe.js';

export type SqliteLocation = { dataDir: string } | { file: string };

export interface SqliteStoreOptions {
  /** Replaces the fsync of the `-wal` file that makes each commit group durable (tests control it). */
  syncWal?: SyncWal;
}

/** The database file inside a data directory. */
export const SQLITE_FILE_NAME = 'agentspan.sqlite';

/** Another process (e.g. `tokens create`) may hold the write lock briefly; wait rather than fail. */
const BUSY_TIMEOUT_MS = 5000;

function connect(file: string, readonly: boolean) {
  const db = new Database(file, { readonly, fileMustExist: readonly });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  lendRollupFunctions(db);
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    // Migrations commit fully synced; the store switches to NORMAL once they are done.
    db.pragma('synchronous = FULL');
  }
  return db;
}

const closedError = () => Promise.reject(new Error('the store is closed'));

class SqliteStore implements Store {
  readonly engine = 'sqlite' as const;
  readonly probe = new StoreProbe();
  readonly othersCommitted: () => unknown;
  readonly #writer: Database.Database;
  readonly #reader: Database.Database;
  readonly #group: CommitGroup;
  readonly #readTx: ReadTx;
  readonly #flusher: WalFlusher;
  readonly #closeWal: () => Promise<void>;
  #closed = false;

  constructor(file: string, options: SqliteStoreOptions) {
    this.#writer = connect(file, false);
    migrateSqlite(this.#writer);
    /*
     * NORMAL in WAL mode: COMMIT writes the WAL frames without an fsync, and the commit group fsyncs
     * the -wal file on the threadpool before it answers anyone, so the event loop no longer waits for
     * a flush per commit (only the occasional automatic checkpoint still syncs inline). Checkpoints cannot lose what was answered: with NORMAL, SQLite syncs the WAL before each
     * checkpoint, syncs the database file after it, and syncs the WAL header when the log starts
     * being reused (https://sqlite.org/pragma.html#pragma_synchronous). So a frame is copied into the
     * database file only from a synced WAL, and the WAL is overwritten from its start only once the
     * database file holding those pages is synced: committed frames are on disk in one or the other.
     */
    this.#writer.pragma('synchronous = NORMAL');
    // Each unit's savepoint copies the pages it first touches into a sub-journal: keep that in memory.
    this.#writer.pragma('temp_store = MEMORY');
    this.#reader = connect(file, true);
    const wal = options.syncWal ? { sync: options.syncWal, close: async () => {} } : fsyncWalFile(file);
    this.#closeWal = wal.close;
    this.#flusher = new WalFlusher(wal.sync);
    const writerReads = new ReadStatements(this.#writer);
    const writes = new WriteStatements(this.#writer);
    const counts = new PendingSpanCounts(
      writes.addSpanCount,
      writes.addSpanTypeCount,
      writes.addSpanActivity,
      new PendingRollups(this.#writer),
      new PendingInstanceUsage(this.#writer),
    );
    const instances = new InstanceCache(this.#writer);
    this.#group = new CommitGroup(
      this.#writer,
      () => new SqliteWriteTx(writerReads, writes, counts, instances),
      counts,
      instances,
      this.#flusher,
      this.probe,
    );
    this.#readTx = new SqliteReadTx(new ReadStatements(this.#reader));
    // The writer's data_version moves only when another connection commits: this process's reader never does.
    const dataVersion = this.#writer.prepare('PRAGMA data_version').pluck();
    this.othersCommitted = () => dataVersion.get();
  }

  write<T>(unit: (tx: WriteTx) => Promise<T>): Promise<T> {
    return this.#closed ? closedError() : this.#group.write(unit);
  }

  /** SQLite already runs concurrent units in one transaction, one after another. */
  writeAdditive<T>(unit: (tx: WriteTx) => Promise<T>): Promise<T> {
    return this.write(unit);
  }

  writeSequence<T>(units: ReadonlyArray<(tx: WriteTx) => Promise<T>>): Promise<SequenceOutcome<T>> {
    return this.#closed ? closedError() : this.#group.writeSequence(units);
  }

  read<T>(unit: (tx: ReadTx) => Promise<T>): Promise<T> {
    if (this.#closed) return closedError();
    const barrier = this.#group.readBarrier();
    return barrier ? barrier.then(() => unit(this.#readTx)) : unit(this.#readTx);
  }

  load(): StoreLoad {
    return { queuedWrites: this.#group.queued };
  }

  async migrate() {
    migrateSqlite(this.#writer);
    await this.#flusher.flush();
  }

  async close() {
    if (this.#closed) return;
    this.#closed = true;
    await this.#group.drained();
    await this.#flusher.idle();
    await this.#closeWal();
    this.#reader.close();
    this.#writer.close();
  }
}

/** Opens (creating when needed) the SQLite store and runs its migrations. */
export async function openSqliteStore(location: SqliteLocation, options: SqliteStoreOptions = {}): Promise<Store> {
  let file: string;
  if ('file' in location) {
    file = location.file;
  } else {
    mkdirSync(location.dataDir, { recursive: true });
    file = join(location.dataDir, SQLITE_FILE_NAME);
  }
  return new SqliteStore(file, options);
}
