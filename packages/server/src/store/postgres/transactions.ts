import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool, PoolClient } from 'pg';
import type { SequenceOutcome, WriteTx } from '../store.js';
import { StoreUnavailableError } from '../errors.js';
import { asStoreError, isUnavailable } from './errors.js';
import { Sql } from './sql.js';
import { PostgresWriteTx } from './write-tx.js';
import type { StoreProbe } from '../store-probe.js';

type Unit<T> = (tx: WriteTx) => Promise<T>;

/** Runs of one transaction after a deadlock or serialization failure, first run included. */
const MAX_ATTEMPTS = 5;
/** Upper bound of the random pause before a rerun grows with each attempt, so colliders drift apart. */
const RETRY_PAUSE_MS = 10;

/** A checked-out connection; a driver error between statements is kept from reaching the process. */
export async function checkOut(pool: Pool): Promise<{ client: PoolClient; release(destroy: boolean): void }> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    const mapped = asStoreError(error);
    throw mapped instanceof StoreUnavailableError
      ? mapped
      : new StoreUnavailableError(`cannot connect to PostgreSQL (${(error as Error).message})`, { cause: error });
  }
  // The next statement on this connection fails with the error; nothing else needs to see it.
  const ignore = () => {};
  client.on('error', ignore);
  return {
    client,
    release(destroy) {
      client.off('error', ignore);
      client.release(destroy);
    },
  };
}

async function rolledBack(sql: Sql): Promise<boolean> {
  try {
    await sql.rollback();
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `body` in one transaction on one pooled connection (BEGIN … COMMIT), and runs it again
 * from the start in a fresh transaction after a deadlock or serialization failure.
 */
async function inTransaction<T>(pool: Pool, probe: StoreProbe | undefined, body: (sql: Sql) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const { client, release } = await checkOut(pool);
    const sql = new Sql(client);
    let destroy = false;
    try {
      sql.begin();
      const result = await body(sql);
      // COMMIT of a transaction that an earlier statement aborted answers ROLLBACK instead of failing.
      const committing = probe?.start();
      const tag = await sql.commit();
      probe?.commitEnded(committing);
      if (tag === 'ROLLBACK') {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- the statement's failure is rethrown as it was caught
        throw sql.retryableFailure ?? new Error('the transaction was rolled back: a statement in it failed and the unit carried on');
      }
      return result;
    } catch (error) {
      // A lost connection cannot roll back; the server does it when the session ends.
      const lost = sql.retryableFailure === undefined && isUnavailable(error);
      destroy = lost || !(await rolledBack(sql));
      if (sql.retryableFailure === undefined) throw error;
      if (destroy || attempt >= MAX_ATTEMPTS) throw asStoreError(sql.retryableFailure);
      await sleep(Math.random() * RETRY_PAUSE_MS * 2 ** attempt);
    } finally {
      release(destroy);
    }
  }
}

/** One unit on the transaction's connection; a claim it did not complete is not kept. */
async function runOn<T>(sql: Sql, unit: Unit<T>, channel: string | undefined): Promise<T> {
  const tx = new PostgresWriteTx(sql, channel);
  const result = await unit(tx);
  tx.dropUncompletedClaims();
  return result;
}

/** `channel`: the store's broadcast channel, for `WriteTx.broadcastOnCommit`. */
export function runUnit<T>(pool: Pool, unit: Unit<T>, probe?: StoreProbe, channel?: string): Promise<T> {
  return inTransaction(pool, probe, (sql) => runOn(sql, unit, channel));
}

/** Units in order, each in a savepoint of one transaction; a failing unit is undone alone and ends the run. */
export function runSequence<T>(pool: Pool, units: ReadonlyArray<Unit<T>>, probe?: StoreProbe, channel?: string): Promise<SequenceOutcome<T>> {
  return inTransaction(pool, probe, async (sql) => {
    const outcome: SequenceOutcome<T> = { results: [] };
    for (const unit of units) {
      await sql.command('SAVEPOINT unit');
      try {
        outcome.results.push(await runOn(sql, unit, channel));
        await sql.command('RELEASE SAVEPOINT unit');
      } catch (error) {
        // The whole transaction is rerun or lost: no unit of it counts.
        if (sql.retryableFailure !== undefined || isUnavailable(error)) throw error;
        await sql.command('ROLLBACK TO SAVEPOINT unit');
        outcome.failure = { error };
        break;
      }
    }
    return outcome;
  });
}
