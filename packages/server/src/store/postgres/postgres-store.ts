import pg from 'pg';
import type { ReadTx, SequenceOutcome, Store, WriteTx } from '../store.js';
import { StoreUnavailableError } from '../errors.js';
import { asStoreError } from './errors.js';
import { migratePostgres } from './migrations.js';
import { poolConfig, type PostgresStoreOptions } from './options.js';
import { PostgresReadTx } from './read-tx.js';
import { Sql } from './sql.js';
import { AdditiveBatcher } from './additive-batch.js';
import { PostgresBroadcast } from './broadcast.js';
import { runSequence, runUnit } from './transactions.js';
import { StoreProbe, type StoreLoad } from '../store-probe.js';

class PostgresStore implements Store {
  readonly engine = 'postgres' as const;
  readonly #config: pg.PoolConfig;
  readonly #schema: string | undefined;
  readonly #pool: pg.Pool;
  readonly #readTx: ReadTx;
  readonly #additive: AdditiveBatcher;
  readonly broadcast: PostgresBroadcast;
  readonly probe = new StoreProbe();
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;

  constructor(config: pg.PoolConfig, schema: string | undefined) {
    this.#config = config;
    this.#schema = schema;
    this.#pool = new pg.Pool(config);
    // An idle connection that drops is already out of the pool, and the next checkout opens a new one.
    this.#pool.on('error', () => {});
    this.#readTx = new PostgresReadTx(new Sql(this.#pool));
    this.#additive = new AdditiveBatcher(this.#pool, this.probe);
    this.broadcast = new PostgresBroadcast(this.#pool, config, schema);
  }

  write<T>(unit: (tx: WriteTx) => Promise<T>): Promise<T> {
    return this.#track(() => runUnit(this.#pool, unit, this.probe, this.broadcast.channel));
  }

  writeAdditive<T>(unit: (tx: WriteTx) => Promise<T>): Promise<T> {
    return this.#track(() => this.#additive.write(unit));
  }

  writeSequence<T>(units: ReadonlyArray<(tx: WriteTx) => Promise<T>>): Promise<SequenceOutcome<T>> {
    return this.#track(() => runSequence(this.#pool, units, this.probe, this.broadcast.channel));
  }

  read<T>(unit: (tx: ReadTx) => Promise<T>): Promise<T> {
    return this.#track(() => unit(this.#readTx));
  }

  load(): StoreLoad {
    const pool = { total: this.#pool.totalCount, idle: this.#pool.idleCount, waiting: this.#pool.waitingCount };
    return { queuedWrites: pool.waiting + this.#additive.queued, pool };
  }

  async migrate() {
    try {
      await migratePostgres(this.#config, this.#schema);
    } catch (error) {
      throw asStoreError(error);
    }
  }

  async close() {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
    await this.#pool.end();
  }

  #track<T>(run: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('the store is closed'));
    const running = run();
    this.#inFlight.add(running);
    const forget = () => this.#inFlight.delete(running);
    running.then(forget, forget);
    return running;
  }
}

/**
 * Opens the PostgreSQL store and runs its migrations. Fails with a message saying what to fix when
 * an option is wrong, and with `StoreUnavailableError` when the database cannot be reached.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const store = new PostgresStore(poolConfig(options), options.schema);
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    if (error instanceof StoreUnavailableError) {
      throw new StoreUnavailableError(`cannot open the PostgreSQL store: ${error.message}; check the database URL and that the server is running`, {
        cause: error,
      });
    }
    throw error;
  }
  return store;
}
