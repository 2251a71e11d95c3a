import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StoreUnavailableError } from '../errors.js';

/** Makes every WAL frame written so far durable; the default fsyncs the `-wal` file on the libuv threadpool. */
export type SyncWal = () => Promise<void>;

const noop = () => {};

async function fsyncPath(path: string, flags: number) {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * fsyncs `<db>-wal` through one descriptor opened on first use (the writer connection has created
 * the file by then). On Linux an fsync flushes the inode whatever descriptor it goes through, so
 * frames SQLite wrote through its own descriptor are covered. The directory is synced once too, so
 * the WAL's directory entry itself survives a power loss.
 */
export function fsyncWalFile(databaseFile: string): { sync: SyncWal; close(): Promise<void> } {
  let handle: Promise<FileHandle> | undefined;
  const opened = () => {
    handle ??= (async () => {
      const file = await open(`${databaseFile}-wal`, constants.O_RDONLY);
      await fsyncPath(dirname(databaseFile), constants.O_RDONLY | constants.O_DIRECTORY);
      return file;
    })();
    return handle;
  };
  return {
    sync: async () => (await opened()).sync(),
    close: async () => {
      if (handle) await (await handle.catch(() => undefined))?.close();
    },
  };
}

/**
 * Coalesces fsync requests: at most one fsync runs, and requests made while it runs share the next
 * one, which starts after it. `flush()` therefore resolves only after an fsync that began after the
 * call. A failed fsync poisons the log for good: Linux may drop the failed pages and let a later fsync
 * succeed, so nothing committed since the last good fsync can be called durable again.
 */
export class WalFlusher {
  readonly #sync: SyncWal;
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;
  #failure: StoreUnavailableError | undefined;

  constructor(sync: SyncWal) {
    this.#sync = sync;
  }

  /** Set once an fsync has failed: nothing may be committed or read as durable after it. */
  get failure(): StoreUnavailableError | undefined {
    return this.#failure;
  }

  flush(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#queued) return this.#queued;
    const running = this.#running;
    if (!running) return this.#start();
    const queued = running.then(noop, noop).then(() => {
      this.#queued = undefined;
      return this.#start();
    });
    this.#queued = queued;
    return queued;
  }

  /** Resolves once no fsync is running or queued (whatever their outcome). */
  async idle(): Promise<void> {
    while (this.#queued ?? this.#running) await (this.#queued ?? this.#running)!.then(noop, noop);
  }

  #start(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    const run = this.#sync().then(
      () => {
        if (this.#running === run) this.#running = undefined;
      },
      (error: unknown) => {
        if (this.#running === run) this.#running = undefined;
        const code = (error as { code?: unknown } | null)?.code;
        this.#failure ??= new StoreUnavailableError(
          `the SQLite write-ahead log could not be synced to disk${typeof code === 'string' ? ` (${code})` : ''}; restart the server`,
          { cause: error },
        );
        throw this.#failure;
      },
    );
    this.#running = run;
    return run;
  }
}
